package transport

import (
	"bytes"
	"errors"
	"fmt"
)

// Kind says what Receive found in a message.
type Kind uint8

const (
	// KindData: Payload holds decrypted data from Peer (may be empty for a
	// keepalive, which callers ignore). Established is set when this
	// message confirmed a responder's new session, which now seals.
	KindData Kind = iota + 1
	// KindHandshake: a handshake message was processed; Replies go back
	// to the sender's address. If Established, a session with Peer is now
	// ready to Seal and the caller flushes what it queued for Peer. Peer
	// is nil when the sender is not known yet: the reply to an XX
	// message 1, or a cookie reply to an initiation under load.
	KindHandshake
	// KindCookie: a cookie reply was stored; the handshake is retried on
	// the next Tick (NextDeadline returns at once).
	KindCookie
	// KindStale: Peer lost the session this node sends on (it
	// restarted, say); the caller starts a handshake with Peer now
	// (Initiate), along Peer's usual path (stale.go).
	KindStale
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindData:
		return "data"
	case KindHandshake:
		return "handshake"
	case KindCookie:
		return "cookie"
	case KindStale:
		return "stale"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Result is what Receive returns for one message.
type Result struct {
	Kind        Kind
	Peer        *Peer    // the authenticated peer (nil for a cookie reply before a peer is known)
	Payload     []byte   // KindData: dst extended with the plaintext, as append returns it
	Replies     [][]byte // messages to send back to src, in order
	Established bool     // a session became usable with this message
}

// Outbound is a message that Tick wants sent to Peer.
type Outbound struct {
	Peer *Peer
	Msg  []byte
}

// Receive processes one message that arrived from src (the underlay
// address in any stable byte form; it keys cookies and rate limits).
// Decrypted data is appended to dst. Errors say why the message was
// dropped (errors.Is with the Err… sentinels); Receive never panics on any
// input.
func (s *Sessions) Receive(dst, msg, src []byte) (Result, error) {
	res, err := s.receive(dst, msg, src)
	if err != nil {
		s.countDrop(err)
		return Result{}, err
	}
	return res, nil
}

func (s *Sessions) receive(dst, msg, src []byte) (Result, error) {
	if len(msg) < 8 || msg[1]|msg[2]|msg[3] != 0 {
		return Result{}, fmt.Errorf("%w: %d-byte message", ErrMalformed, len(msg))
	}
	switch msg[0] {
	case msgData:
		return s.receiveData(dst, msg)
	case msgIKInit, msgXXInit:
		// A copy, so that src never leaves the caller's stack for the
		// data messages (the cookie MACs hash it through an interface).
		return s.receiveInitiation(msg, bytes.Clone(src))
	case msgIKResp:
		return s.receiveIKResponse(msg)
	case msgXXResp:
		return s.receiveXXResponse(msg)
	case msgXXFinish:
		return s.receiveXXFinish(msg)
	case msgCookie:
		return s.receiveCookie(msg)
	case msgStale:
		return s.receiveStale(msg)
	}
	return Result{}, fmt.Errorf("%w: type %d", ErrMalformed, msg[0])
}

// countDrop counts a dropped message by its reason.
func (s *Sessions) countDrop(err error) {
	c := &s.stats
	for _, r := range []struct {
		err error
		n   interface{ Add(uint64) uint64 }
	}{
		{ErrRefused, &c.droppedRefused},
		{ErrBadSignature, &c.droppedBadSignature},
		{ErrWrongWallet, &c.droppedWrongWallet},
		{ErrExpired, &c.droppedBindingExpired},
		{ErrNodeKeyMismatch, &c.droppedNodeKeyMismatch},
		{ErrWrongChain, &c.droppedWrongChain},
		{errHandshakeReplay, &c.droppedHandshakeReplay},
		{ErrReplay, &c.droppedReplay},
		{ErrMAC, &c.droppedMAC},
		{ErrRateLimited, &c.droppedRateLimited},
		{ErrUnknownIndex, &c.droppedUnknownIndex},
		{ErrSessionExpired, &c.droppedExpired},
		{ErrAuth, &c.droppedAuth},
		{ErrMalformed, &c.droppedMalformed},
	} {
		if errors.Is(err, r.err) {
			r.n.Add(1)
			return
		}
	}
	c.droppedMalformed.Add(1)
}
