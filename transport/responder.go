package transport

import (
	"bytes"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/flynn/noise"
)

// The responder's side of the handshakes. An initiation goes through:
//
//  1. exact length, then mac1 (no DH before it: ErrMAC);
//  2. under load, mac2 (else a cookie reply, still no DH) and the
//     source's token bucket (ErrRateLimited);
//  3. IK: the Noise message (ErrAuth), the binding, the timestamp
//     (ErrReplay), then message 2 and a session offered as next;
//     XX: message 2 with this node's binding, and a pending state that
//     waits RekeyTimeout for message 3.

// errHandshakeReplay marks a replayed initiation (counted apart from
// replayed data).
var errHandshakeReplay = fmt.Errorf("%w: initiation not newer than the last", ErrReplay)

// xxResponder is an XX handshake waiting for the initiator's message 3.
type xxResponder struct {
	index       uint32
	remoteIndex uint32
	state       *noise.HandshakeState
	created     time.Time
	used        atomic.Bool // message 3 is processed once
}

// receiveInitiation runs the flood defence, then the handshake.
func (s *Sessions) receiveInitiation(msg, src []byte) (Result, error) {
	xx := msg[0] == msgXXInit
	want := ikInitSize
	if xx {
		want = xxInitSize
	}
	if len(msg) != want {
		return Result{}, fmt.Errorf("%w: initiation of %d bytes", ErrMalformed, len(msg))
	}
	if !s.cookies.checkMAC1(msg) {
		return Result{}, ErrMAC
	}
	now := s.now()
	if s.cookies.underLoad(now) {
		if !s.cookies.checkMAC2(msg, src, now) {
			reply, err := s.cookies.reply(msg, src, now)
			if err != nil {
				return Result{}, err
			}
			s.stats.cookiesSent.Add(1)
			return Result{Kind: KindHandshake, Replies: [][]byte{reply}}, nil
		}
		if !s.cookies.allow(src, now) {
			return Result{}, ErrRateLimited
		}
	}
	s.stats.handshakesProcessed.Add(1)
	if xx {
		return s.respondXX(msg, now)
	}
	return s.respondIK(msg, now)
}

func (s *Sessions) responderState(pattern noise.HandshakePattern) (*noise.HandshakeState, error) {
	return noise.NewHandshakeState(noise.Config{
		CipherSuite:   cipherSuite,
		Random:        s.rand,
		Pattern:       pattern,
		Prologue:      s.prologue,
		StaticKeypair: s.static,
	})
}

// respondIK answers an IK initiation and offers the new session as the
// peer's next: it seals once the initiator's first data message arrives.
func (s *Sessions) respondIK(msg []byte, now time.Time) (Result, error) {
	st, err := s.responderState(noise.HandshakeIK)
	if err != nil {
		return Result{}, err
	}
	payload, err := readOrAuth(st, msg[8:len(msg)-2*macSize])
	if err != nil {
		return Result{}, fmt.Errorf("IK initiation: %w", err)
	}
	if len(payload) != ikInitPayload {
		return Result{}, fmt.Errorf("%w: IK payload of %d bytes", ErrMalformed, len(payload))
	}
	var remote PublicKey
	copy(remote[:], st.PeerStatic())
	raw := payload[tai64nSize:]
	if err := s.checkPayloadBinding(raw, remote, nil, now); err != nil {
		return Result{}, fmt.Errorf("IK initiation: %w", err)
	}
	var b Binding
	_ = b.UnmarshalBinary(raw) // checked above
	p, err := s.peerForKey(remote, b.Wallet)
	if err != nil {
		return Result{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if bytes.Compare(payload[:tai64nSize], p.lastStamp[:]) <= 0 {
		return Result{}, fmt.Errorf("%w: from %s", errHandshakeReplay, b.Wallet.Hex())
	}
	idx, err := s.newIndex()
	if err != nil {
		return Result{}, err
	}
	remoteIdx := le32(msg[4:8])
	resp, recv, send, err := st.WriteMessage(header(msgIKResp, ikRespSize, idx, remoteIdx), s.bindingBytes)
	if err != nil {
		s.index.Delete(idx)
		return Result{}, fmt.Errorf("transport: IK response: %w", err)
	}
	copy(p.lastStamp[:], payload[:tai64nSize])
	ses := newSession(p, idx, remoteIdx, send, recv, now, false)
	s.index.Store(idx, ses)
	p.offerLocked(ses)
	s.stats.handshakesCompleted.Add(1)
	s.log.Debug("handshake complete", "peer", p.wallet.Hex(), "role", "IK responder", "index", idx)
	return Result{Kind: KindHandshake, Peer: p, Replies: [][]byte{resp}}, nil
}

// readOrAuth reads a handshake message, mapping Noise failures to ErrAuth.
func readOrAuth(st *noise.HandshakeState, msg []byte) ([]byte, error) {
	payload, _, _, err := st.ReadMessage(nil, msg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrAuth, err)
	}
	return payload, nil
}

// respondXX answers an XX message 1 with message 2 and keeps the state
// for message 3.
func (s *Sessions) respondXX(msg []byte, now time.Time) (Result, error) {
	st, err := s.responderState(noise.HandshakeXX)
	if err != nil {
		return Result{}, err
	}
	pad, err := readOrAuth(st, msg[8:len(msg)-2*macSize])
	if err != nil {
		return Result{}, fmt.Errorf("XX initiation: %w", err)
	}
	if len(pad) != xxInitPad || !allZero(pad) {
		return Result{}, fmt.Errorf("%w: XX initiation padding", ErrMalformed)
	}
	idx, err := s.newIndex()
	if err != nil {
		return Result{}, err
	}
	x := &xxResponder{index: idx, remoteIndex: le32(msg[4:8]), state: st, created: now}
	resp, _, _, err := st.WriteMessage(header(msgXXResp, xxRespSize, idx, x.remoteIndex), s.bindingBytes)
	if err != nil {
		s.index.Delete(idx)
		return Result{}, fmt.Errorf("%w: XX response: %w", ErrAuth, err)
	}
	s.index.Store(idx, x)
	s.mu.Lock()
	s.xxPending = append(s.xxPending, x)
	var evicted *xxResponder
	if len(s.xxPending) > maxXXPending {
		evicted = s.xxPending[0]
		s.xxPending = s.xxPending[1:]
	}
	s.mu.Unlock()
	if evicted != nil {
		s.index.CompareAndDelete(evicted.index, evicted)
	}
	return Result{Kind: KindHandshake, Replies: [][]byte{resp}}, nil
}

// receiveXXFinish completes an XX handshake with the initiator's
// message 3. The session seals at once: the initiator already has it.
func (s *Sessions) receiveXXFinish(msg []byte) (Result, error) {
	if len(msg) != xxFinishSize {
		return Result{}, fmt.Errorf("%w: XX finish of %d bytes", ErrMalformed, len(msg))
	}
	idx := le32(msg[4:8])
	e, _ := s.index.Load(idx)
	x, ok := e.(*xxResponder)
	if !ok || !x.used.CompareAndSwap(false, true) {
		return Result{}, fmt.Errorf("%w: XX finish for %08x", ErrUnknownIndex, idx)
	}
	s.index.CompareAndSwap(idx, x, reserved{})
	s.mu.Lock()
	for i, y := range s.xxPending {
		if y == x {
			s.xxPending = append(s.xxPending[:i], s.xxPending[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	now := s.now()
	fail := func(err error) (Result, error) {
		s.index.CompareAndDelete(idx, reserved{})
		return Result{}, fmt.Errorf("XX finish: %w", err)
	}
	payload, recv, send, err := x.state.ReadMessage(nil, msg[8:])
	if err != nil {
		return fail(fmt.Errorf("%w: %w", ErrAuth, err))
	}
	var remote PublicKey
	copy(remote[:], x.state.PeerStatic())
	if err := s.checkPayloadBinding(payload, remote, nil, now); err != nil {
		return fail(err)
	}
	var b Binding
	_ = b.UnmarshalBinary(payload)
	p, err := s.peerForKey(remote, b.Wallet)
	if err != nil {
		return fail(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ses := newSession(p, idx, x.remoteIndex, send, recv, now, false)
	s.index.Store(idx, ses)
	p.installLocked(ses)
	s.stats.handshakesCompleted.Add(1)
	s.log.Debug("handshake complete", "peer", p.wallet.Hex(), "role", "XX responder", "index", idx)
	return Result{Kind: KindHandshake, Peer: p, Established: true}, nil
}

// expireXX drops XX handshakes that waited RekeyTimeout for message 3.
func (s *Sessions) expireXX(now time.Time) {
	s.mu.Lock()
	var old []*xxResponder
	for len(s.xxPending) > 0 && now.Sub(s.xxPending[0].created) >= s.timers.RekeyTimeout {
		old = append(old, s.xxPending[0])
		s.xxPending = s.xxPending[1:]
	}
	s.mu.Unlock()
	for _, x := range old {
		s.index.CompareAndDelete(x.index, x)
	}
}
