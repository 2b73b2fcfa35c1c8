package transport

import (
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/flynn/noise"
)

// The initiator's side of the handshakes (the responder's is in
// responder.go):
//
//	IK (node key known):  -> init(e, es, s, ss; timestamp, binding)
//	                      <- resp(e, ee, se; binding)         session ready
//	XX (wallet only):     -> init(e)
//	                      <- resp(e, ee, s, es; binding)
//	                      -> finish(s, se; binding)           session ready
//
// Each initiation has a fresh random index; Tick retransmits it with a
// new ephemeral key after a wait paced by the measured round trip and
// bounded by RekeyTimeout (pacing.go), and gives up after
// HandshakeGiveUp.

// initHandshake is this node's pending initiation to a peer.
type initHandshake struct {
	peer    *Peer
	index   uint32
	state   *noise.HandshakeState // nil once a response consumed it
	xx      bool
	firstAt time.Time // first attempt: the give-up clock
	sentAt  time.Time // this attempt: the round-trip clock
	retryAt time.Time // when Tick sends it again (pacing.go)
	attempt int       // 0 for the first
	mac1    [macSize]byte
	// retryNow asks Tick to retransmit at once (a cookie arrived).
	retryNow bool
}

// Initiate starts a handshake with p and returns its first message. A
// handshake already in flight with p is replaced (its responses will be
// dropped as for an unknown index).
func (s *Sessions) Initiate(p *Peer) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.removed {
		return nil, fmt.Errorf("%w: peer removed", ErrNoSession)
	}
	now := s.now()
	return s.initiateLocked(p, now, now)
}

// initiateLocked builds a new initiation to p, replacing any pending one.
func (s *Sessions) initiateLocked(p *Peer, now, firstAt time.Time) ([]byte, error) {
	attempt := 0
	if old := p.hs; old != nil && old.firstAt.Equal(firstAt) { // a retransmission
		attempt = old.attempt + 1
	}
	s.dropHandshakeLocked(p)
	idx, err := s.newIndex()
	if err != nil {
		return nil, err
	}
	hs := &initHandshake{peer: p, index: idx, xx: !p.hasKey, firstAt: firstAt, sentAt: now, attempt: attempt}
	hs.retryAt = now.Add(s.retryAfter(p, attempt, idx))
	cfg := noise.Config{
		CipherSuite:   cipherSuite,
		Random:        s.rand,
		Pattern:       noise.HandshakeXX,
		Initiator:     true,
		Prologue:      s.prologue,
		StaticKeypair: s.static,
	}
	var msg []byte
	if hs.xx {
		msg = header(msgXXInit, xxInitSize, idx)
	} else {
		cfg.Pattern = noise.HandshakeIK
		cfg.PeerStatic = p.key[:]
		msg = header(msgIKInit, ikInitSize, idx)
	}
	hs.state, err = noise.NewHandshakeState(cfg)
	if err == nil {
		var payload []byte
		if hs.xx {
			payload = make([]byte, xxInitPad) // no amplification (amplification.go)
		} else {
			stamp := tai64n(s.nextStamp(now))
			payload = append(stamp[:], s.bindingBytes...)
		}
		msg, _, _, err = hs.state.WriteMessage(msg, payload)
	}
	if err != nil {
		s.index.Delete(idx)
		return nil, fmt.Errorf("transport: initiate to %s: %w", p.wallet.Hex(), err)
	}
	msg = append(msg, make([]byte, 2*macSize)...)
	var cookie *[macSize]byte
	if !p.cookieAt.IsZero() && now.Sub(p.cookieAt) < cookieLife {
		cookie = &p.cookie
	}
	hs.mac1 = putMACs(msg, &p.mac1Key, cookie)
	p.hs = hs
	p.touch()
	s.index.Store(idx, hs)
	s.stats.handshakesInitiated.Add(1)
	return msg, nil
}

// nextStamp returns now, or just after the last initiation timestamp if
// the clock has not moved past it, so that a responder never sees two
// initiations from this node with the same timestamp.
func (s *Sessions) nextStamp(now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !now.After(s.lastStamp) {
		now = s.lastStamp.Add(time.Nanosecond)
	}
	s.lastStamp = now
	return now
}

// dropHandshakeLocked forgets p's pending initiation.
func (s *Sessions) dropHandshakeLocked(p *Peer) {
	if p.hs != nil {
		s.index.CompareAndDelete(p.hs.index, p.hs)
		p.hs = nil
		p.touch()
	}
}

// pendingInit finds the pending initiation a response or cookie reply
// names, and locks its peer; the caller unlocks p.mu. kind is the
// initiation's type, or 0 for either.
func (s *Sessions) pendingInit(idx uint32, kind byte) (*initHandshake, error) {
	e, _ := s.index.Load(idx)
	hs, ok := e.(*initHandshake)
	if !ok || (kind != 0 && (kind == msgXXInit) != hs.xx) {
		return nil, fmt.Errorf("%w: reply for %08x", ErrUnknownIndex, idx)
	}
	hs.peer.mu.Lock()
	if hs.peer.hs != hs {
		hs.peer.mu.Unlock()
		return nil, fmt.Errorf("%w: reply for %08x", ErrUnknownIndex, idx)
	}
	return hs, nil
}

// consume takes the Noise state of hs for one response; the index stays
// for the session, or goes if the response fails. The handshake itself
// stays pending so that Tick retransmits it.
func consume(hs *initHandshake) (*noise.HandshakeState, error) {
	st := hs.state
	if st == nil {
		return nil, fmt.Errorf("%w: response for %08x already consumed", ErrUnknownIndex, hs.index)
	}
	hs.state = nil
	return st, nil
}

// receiveIKResponse completes an IK handshake this node initiated.
func (s *Sessions) receiveIKResponse(msg []byte) (Result, error) {
	if len(msg) != ikRespSize {
		return Result{}, fmt.Errorf("%w: IK response of %d bytes", ErrMalformed, len(msg))
	}
	hs, err := s.pendingInit(le32(msg[8:12]), msgIKInit)
	if err != nil {
		return Result{}, err
	}
	p := hs.peer
	defer p.mu.Unlock()
	st, err := consume(hs)
	if err != nil {
		return Result{}, err
	}
	now := s.now()
	payload, send, recv, err := st.ReadMessage(nil, msg[12:])
	if err != nil {
		s.index.CompareAndDelete(hs.index, hs)
		return Result{}, fmt.Errorf("%w: IK response from %s", ErrAuth, p.wallet.Hex())
	}
	if err := s.checkPayloadBinding(payload, p.key, &p.wallet, now); err != nil {
		s.index.CompareAndDelete(hs.index, hs)
		return Result{}, fmt.Errorf("IK response: %w", err)
	}
	ses := newSession(p, hs.index, le32(msg[4:8]), send, recv, now, true)
	return s.completeLocked(p, ses, nil), nil
}

// receiveXXResponse answers an XX message 2 with message 3.
func (s *Sessions) receiveXXResponse(msg []byte) (Result, error) {
	if len(msg) != xxRespSize {
		return Result{}, fmt.Errorf("%w: XX response of %d bytes", ErrMalformed, len(msg))
	}
	hs, err := s.pendingInit(le32(msg[8:12]), msgXXInit)
	if err != nil {
		return Result{}, err
	}
	p := hs.peer
	defer p.mu.Unlock()
	st, err := consume(hs)
	if err != nil {
		return Result{}, err
	}
	now := s.now()
	fail := func(err error) (Result, error) {
		s.index.CompareAndDelete(hs.index, hs)
		return Result{}, fmt.Errorf("XX response: %w", err)
	}
	payload, _, _, err := st.ReadMessage(nil, msg[12:])
	if err != nil {
		return fail(fmt.Errorf("%w: from %s", ErrAuth, p.wallet.Hex()))
	}
	var remote PublicKey
	copy(remote[:], st.PeerStatic())
	if p.hasKey && p.key != remote {
		return fail(fmt.Errorf("%w: peer %s is known as %s", ErrNodeKeyMismatch, remote, p.key))
	}
	if err := s.checkPayloadBinding(payload, remote, &p.wallet, now); err != nil {
		return fail(err)
	}
	remoteIdx := le32(msg[4:8])
	fin, send, recv, err := st.WriteMessage(header(msgXXFinish, xxFinishSize, remoteIdx), s.bindingBytes)
	if err != nil {
		return fail(err)
	}
	s.learnKeyLocked(p, remote)
	ses := newSession(p, hs.index, remoteIdx, send, recv, now, true)
	return s.completeLocked(p, ses, fin), nil
}

// completeLocked installs a session this node initiated. An XX handshake
// replies with its message 3; an IK one with a keepalive, so that the
// responder may start sending at once.
func (s *Sessions) completeLocked(p *Peer, ses *session, reply []byte) Result {
	if hs := p.hs; hs != nil { // the response names its attempt: one round trip (pacing.go)
		s.noteRTT(p, ses.created.Sub(hs.sentAt))
	}
	s.index.Store(ses.localIndex, ses)
	p.hs = nil
	p.installLocked(ses) // touches p
	s.stats.handshakesCompleted.Add(1)
	s.log.Debug("handshake complete", "peer", p.wallet.Hex(), "role", "initiator", "index", ses.localIndex)
	if reply == nil {
		reply, _ = s.Seal(nil, p, nil)
	}
	return Result{Kind: KindHandshake, Peer: p, Replies: [][]byte{reply}, Established: true}
}

// receiveCookie stores the cookie of a cookie reply to a pending
// initiation; Tick retransmits the initiation with mac2 at once.
func (s *Sessions) receiveCookie(msg []byte) (Result, error) {
	if len(msg) != cookieReplySize {
		return Result{}, fmt.Errorf("%w: cookie reply of %d bytes", ErrMalformed, len(msg))
	}
	hs, err := s.pendingInit(le32(msg[4:8]), 0)
	if err != nil {
		return Result{}, err
	}
	p := hs.peer
	defer p.mu.Unlock()
	cookie, err := openCookieReply(&p.cookieKey, hs.mac1, msg)
	if err != nil {
		return Result{}, err
	}
	p.cookie, p.cookieAt = cookie, s.now()
	hs.retryNow = true
	p.touch()
	s.stats.cookiesReceived.Add(1)
	return Result{Kind: KindCookie, Peer: p}, nil
}

// checkPayloadBinding decodes and checks a binding received in a
// handshake from the holder of remote. wallet, if not nil, is the wallet
// it must name. Cheap checks come first, then the (cached) signature,
// then Config.Check.
func (s *Sessions) checkPayloadBinding(raw []byte, remote PublicKey, wallet *common.Address, now time.Time) error {
	var b Binding
	if err := b.UnmarshalBinary(raw); err != nil {
		return err
	}
	switch {
	case b.ChainID != s.chainID:
		return fmt.Errorf("%w: %d, want %d", ErrWrongChain, b.ChainID, s.chainID)
	case b.NodeKey != remote:
		return fmt.Errorf("%w: binding names %s, peer proved %s", ErrNodeKeyMismatch, b.NodeKey, remote)
	case wallet != nil && b.Wallet != *wallet:
		return fmt.Errorf("%w: %s, asked for %s", ErrWrongWallet, b.Wallet.Hex(), wallet.Hex())
	}
	if err := b.checkExpiry(now); err != nil {
		return err
	}
	if err := s.bindings.verify(&b, raw); err != nil {
		return err
	}
	if s.check != nil {
		if err := s.check(b); err != nil {
			if errors.Is(err, ErrRefused) {
				return err
			}
			return fmt.Errorf("%w: %w", ErrRefused, err)
		}
	}
	return nil
}
