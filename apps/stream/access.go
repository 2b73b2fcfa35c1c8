package stream

import (
	"fmt"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Access says who may watch a stream: everyone (the zero value), the
// wallets of Allow, or the holders of Token (an ERC-20 or ERC-721
// balance above zero); with both, either admits. The publisher sets it
// (PublishCmd.Access); it travels in the signed playlist, so the
// origin and every relay check a joiner's verified wallet against it.
// Relays of a gated stream must be admitted themselves.
type Access struct {
	Allow []common.Address
	Token common.Address
}

// MaxAllow bounds Access.Allow (the list travels with every playlist).
const MaxAllow = 64

// Public reports whether everyone may watch.
func (a Access) Public() bool { return len(a.Allow) == 0 && a.Token == (common.Address{}) }

// Refusal reasons of a Denied frame (and of ErrDenied from a gateway).
const (
	deniedList   = 1 // not on the publisher's list
	deniedToken  = 2 // holds none of the token
	deniedCheck  = 3 // the token balance could not be read
	holderMaxAge = time.Minute
)

func deniedText(reason byte) string {
	switch reason {
	case deniedList:
		return "your wallet is not on the publisher's list"
	case deniedToken:
		return "your wallet holds none of the stream's token"
	case deniedCheck:
		return "the token balance could not be checked"
	}
	return "refused"
}

// appendAccess encodes a (flag 4 of a playlist): u8 count | count × 20
// wallet | 20 token (zero: none).
func appendAccess(b []byte, a Access) []byte {
	b = append(b, byte(len(a.Allow)))
	for _, w := range a.Allow {
		b = append(b, w[:]...)
	}
	return append(b, a.Token[:]...)
}

func parseAccess(r []byte) (Access, []byte, error) {
	if len(r) < 1 || int(r[0]) > MaxAllow || len(r) < 1+20*int(r[0])+20 {
		return Access{}, nil, fmt.Errorf("%w: playlist: access", ErrMalformed)
	}
	var a Access
	n := int(r[0])
	for i := range n {
		a.Allow = append(a.Allow, common.BytesToAddress(r[1+20*i:21+20*i]))
	}
	copy(a.Token[:], r[1+20*n:])
	if a.Public() {
		return Access{}, nil, fmt.Errorf("%w: playlist: access flag without a rule", ErrMalformed)
	}
	return a, r[1+20*n+20:], nil
}

// HolderCmd answers an EventHolder: whether Wallet holds Token. Result: nil.
type HolderCmd struct {
	Token, Wallet common.Address
	Holds         bool
	// Err: the balance could not be read (the joiner is refused).
	Err error
}

type holder struct {
	holds bool
	at    time.Time
}

// admit decides a Sub from w: 0 to serve it, a reason to refuse it, or
// -1 when the answer waits for a token check (the Sub is kept).
func (c *Core) admit(now time.Time, s *stream, w common.Address, m msg, out *service.Effects) int {
	if s.pl == nil || s.pl.Access.Public() || w == c.cfg.Self {
		return 0
	}
	a := s.pl.Access
	if slices.Contains(a.Allow, w) {
		return 0
	}
	if a.Token == (common.Address{}) {
		return deniedList
	}
	if h, ok := c.holders[[2]common.Address{a.Token, w}]; ok && now.Sub(h.at) < holderMaxAge {
		if h.holds {
			return 0
		}
		return deniedToken
	}
	if _, asked := s.waiting[w]; !asked {
		out.Emit(Event{Kind: EventHolder, Key: s.key, Peer: w, Token: a.Token})
	}
	s.waiting[w] = m
	return -1
}

// holderAnswer records a token check and answers the Subs waiting for it.
func (c *Core) holderAnswer(now time.Time, cmd HolderCmd, out *service.Effects) {
	c.holders[[2]common.Address{cmd.Token, cmd.Wallet}] = holder{holds: cmd.Holds && cmd.Err == nil, at: now}
	for _, k := range c.streamKeys() {
		s := c.streams[k]
		m, ok := s.waiting[cmd.Wallet]
		if !ok || s.pl == nil || s.pl.Access.Token != cmd.Token {
			continue
		}
		delete(s.waiting, cmd.Wallet)
		if cmd.Err != nil {
			c.stats.Denied++
			out.To(cmd.Wallet, encDenied(s.key, deniedCheck))
			continue
		}
		c.sub(now, s, cmd.Wallet, m, out)
	}
}

// msgDenied refuses a Sub: key | u8 reason.
const msgDenied = 0x20

func encDenied(k Key, reason byte) []byte { return append(appendKey(nil, msgDenied, k), reason) }

// parseDenied is decode's case for msgDenied.
func parseDenied(r []byte, m *msg) bool {
	if len(r) != 1 || r[0] == 0 {
		return false
	}
	m.reason = r[0]
	return true
}
