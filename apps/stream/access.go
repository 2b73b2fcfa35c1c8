package stream

import (
	"context"
	"fmt"
	"math/big"
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
	deniedList  = 1 // not on the publisher's list
	deniedToken = 2 // holds none of the token
	deniedCheck = 3 // the token balance could not be read
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

// TokenHolds makes a Config.Holds from a reader of token balances
// (pay.Chain.Balance, which calls balanceOf: ERC-20 and ERC-721 alike):
// a balance above zero holds.
func TokenHolds(balance func(ctx context.Context, token, owner common.Address) (*big.Int, error)) func(ctx context.Context, token, wallet common.Address) (bool, error) {
	return func(ctx context.Context, token, wallet common.Address) (bool, error) {
		b, err := balance(ctx, token, wallet)
		if err != nil {
			return false, fmt.Errorf("stream: balance of %s in %s: %w", wallet, token, err)
		}
		return b.Sign() > 0, nil
	}
}

// HolderCmd answers an EventHolder: whether Wallet holds Token. Result: nil.
type HolderCmd struct {
	Token, Wallet common.Address
	Holds         bool
	// Err: the balance could not be read (the joiner is refused).
	Err error
}

type holder struct {
	holds  bool
	at     time.Time // read then (zero: never)
	asking bool      // a read is under way
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
	if h, ok := c.holders[[2]common.Address{a.Token, w}]; ok && !h.at.IsZero() && now.Sub(h.at) < c.cfg.HolderMaxAge {
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

// holderAnswer records a token check, answers the Subs waiting for it
// and cuts off the children that no longer hold the token.
func (c *Core) holderAnswer(now time.Time, cmd HolderCmd, out *service.Effects) {
	c.holders[[2]common.Address{cmd.Token, cmd.Wallet}] = holder{holds: cmd.Holds && cmd.Err == nil, at: now}
	for _, k := range c.streamKeys() {
		s := c.streams[k]
		if s.pl == nil || s.pl.Access.Token != cmd.Token {
			continue
		}
		m, ok := s.waiting[cmd.Wallet]
		if !ok {
			// A watching child: a balance that could not be read keeps
			// it (read again after HolderMaxAge); none left cuts it off.
			if _, child := s.children[cmd.Wallet]; child && cmd.Err == nil && !cmd.Holds && !slices.Contains(s.pl.Access.Allow, cmd.Wallet) {
				c.stats.Denied++
				out.To(cmd.Wallet, encDenied(s.key, deniedToken))
				c.dropChild(now, s, cmd.Wallet, out)
			}
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

// gatedChildren are the children of s admitted by their token balance
// (not by the list), in a fixed order.
func (c *Core) gatedChildren(s *stream) []common.Address {
	if s.pl == nil || s.pl.Access.Token == (common.Address{}) {
		return nil
	}
	var ws []common.Address
	for _, w := range sortedKeys(s.children) {
		if w != c.cfg.Self && !slices.Contains(s.pl.Access.Allow, w) {
			ws = append(ws, w)
		}
	}
	return ws
}

// recheck reads again the balance of every child admitted by its
// tokens whose read is older than HolderMaxAge (tick).
func (c *Core) recheck(now time.Time, s *stream, out *service.Effects) {
	for _, w := range c.gatedChildren(s) {
		hk := [2]common.Address{s.pl.Access.Token, w}
		h := c.holders[hk]
		if h.asking || !h.at.IsZero() && now.Sub(h.at) < c.cfg.HolderMaxAge {
			continue
		}
		h.asking = true
		c.holders[hk] = h
		out.Emit(Event{Kind: EventHolder, Key: s.key, Peer: w, Token: hk[0]})
	}
}

// recheckAt asks for a timer when the first read of s's gated children
// grows old.
func (c *Core) recheckAt(s *stream, out *service.Effects) {
	for _, w := range c.gatedChildren(s) {
		if h := c.holders[[2]common.Address{s.pl.Access.Token, w}]; !h.asking {
			out.Wake(h.at.Add(c.cfg.HolderMaxAge))
		}
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
