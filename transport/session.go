package transport

import (
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flynn/noise"
)

// The data path. Outbound (Seal):
//
//  1. load the peer's current session (an atomic pointer);
//  2. refuse if it is older than RejectAfterTime; take the next counter
//     (an atomic add) and refuse past RejectAfterMessages;
//  3. ask Tick for a rekey when the session is old or used enough;
//  4. write the header and seal with the counter as the nonce.
//
// Inbound (receiveData) mirrors it:
//
//  1. find the session by the receiver index (a sync.Map);
//  2. refuse counters and ages past the reject limits;
//  3. open with the counter as the nonce (ErrAuth);
//  4. check the replay window under the session's own lock (ErrReplay);
//  5. update the keepalive and dead-peer timers, and promote a
//     responder's next session on its first message.

// session is one direction pair of keys from one handshake.
type session struct {
	peer        *Peer
	localIndex  uint32 // receiver index of messages to us
	remoteIndex uint32 // receiver index of messages we send
	send, recv  noise.Cipher
	created     time.Time
	initiator   bool // this node initiated the handshake (rekeys by age)

	sendNonce atomic.Uint64

	mu     sync.Mutex // guards window
	window replayWindow
}

func newSession(p *Peer, local, remote uint32, send, recv *noise.CipherState, now time.Time, initiator bool) *session {
	return &session{
		peer:        p,
		localIndex:  local,
		remoteIndex: remote,
		send:        send.Cipher(),
		recv:        recv.Cipher(),
		created:     now,
		initiator:   initiator,
	}
}

// canSend reports whether the session may still seal.
func (ses *session) canSend(now time.Time, t Timers) bool {
	return now.Sub(ses.created) < t.RejectAfterTime && ses.sendNonce.Load() < t.RejectAfterMessages
}

// wantsRekey reports whether this node should start a new handshake
// because of ses's age or use.
func (ses *session) wantsRekey(now time.Time, t Timers) bool {
	age := now.Sub(ses.created)
	n := ses.sendNonce.Load()
	return n >= t.RekeyAfterMessages || age >= t.RejectAfterTime ||
		(ses.initiator && age >= t.RekeyAfterTime)
}

// Seal appends to dst one data message carrying plaintext to p and
// returns the extended slice. It returns ErrNoSession when no session
// with p can send (the caller queues and calls Initiate).
//
// The message is DataHeaderSize bytes of header, then the ciphertext and
// a 16-byte tag (Overhead in all). If plaintext lies exactly at
// dst[len(dst)+DataHeaderSize:], it is sealed in place.
func (s *Sessions) Seal(dst []byte, p *Peer, plaintext []byte) ([]byte, error) {
	ses := p.current.Load()
	if ses == nil {
		return dst, ErrNoSession
	}
	t := &s.timers
	now := s.now()
	if now.Sub(ses.created) >= t.RejectAfterTime {
		p.askRekey(ses)
		return dst, fmt.Errorf("%w: session expired", ErrNoSession)
	}
	n := ses.sendNonce.Add(1) - 1
	if n >= t.RejectAfterMessages {
		ses.sendNonce.Store(t.RejectAfterMessages)
		p.askRekey(ses)
		return dst, fmt.Errorf("%w: session used up", ErrNoSession)
	}
	if n >= t.RekeyAfterMessages || (ses.initiator && now.Sub(ses.created) >= t.RekeyAfterTime) {
		p.askRekey(ses)
	}
	dst = appendData(dst, ses.send, ses.remoteIndex, n, plaintext)
	if len(plaintext) > 0 {
		p.bytesOut.Add(uint64(len(plaintext)))
		p.lastOut.Store(s.mono(now))
	}
	if p.recvPending.Load() != 0 && p.recvPending.Swap(0) != 0 {
		p.touch()
	}
	if len(plaintext) > 0 && p.sentPending.Load() == 0 && p.sentPending.CompareAndSwap(0, s.mono(now)) {
		p.touch()
	}
	return dst, nil
}

// askRekey asks Tick for a new handshake because ses is old or used up.
func (p *Peer) askRekey(ses *session) {
	if p.rekeyFor.Swap(ses) == nil {
		p.touch()
	}
}

// receiveData opens a data message into dst.
func (s *Sessions) receiveData(dst, msg []byte) (Result, error) {
	if len(msg) < Overhead {
		return Result{}, fmt.Errorf("%w: data message of %d bytes", ErrMalformed, len(msg))
	}
	idx := le32(msg[4:8])
	e, _ := s.index.Load(idx)
	ses, ok := e.(*session)
	if !ok {
		return Result{}, fmt.Errorf("%w: data for %08x", ErrUnknownIndex, idx)
	}
	t := &s.timers
	n := binary.LittleEndian.Uint64(msg[8:16])
	now := s.now()
	age := now.Sub(ses.created)
	if n >= t.RejectAfterMessages || age >= t.RejectAfterTime {
		return Result{}, fmt.Errorf("%w: counter %d, age %v", ErrSessionExpired, n, age)
	}
	out, err := ses.recv.Decrypt(dst, n, msg[:DataHeaderSize], msg[DataHeaderSize:])
	if err != nil {
		return Result{}, fmt.Errorf("%w: data counter %d", ErrAuth, n)
	}
	ses.mu.Lock()
	fresh := ses.window.check(n, t.RejectAfterMessages)
	ses.mu.Unlock()
	if !fresh {
		clear(out[len(dst):])
		return Result{}, fmt.Errorf("%w: counter %d", ErrReplay, n)
	}
	p := ses.peer
	if p.sentPending.Load() != 0 && p.sentPending.Swap(0) != 0 {
		p.touch()
	}
	if len(out) > len(dst) {
		p.bytesIn.Add(uint64(len(out) - len(dst)))
		p.lastIn.Store(s.mono(now))
		if p.recvPending.Load() == 0 && p.recvPending.CompareAndSwap(0, s.mono(now)) {
			p.touch()
		}
	}
	res := Result{Kind: KindData, Peer: p, Payload: out}
	if p.next.Load() == ses {
		res.Established = p.confirm(ses, now)
	}
	// As WireGuard: an initiator whose session nears RejectAfterTime on
	// receive rekeys even if it has nothing to send.
	if ses.initiator && age >= t.RejectAfterTime-t.KeepaliveTimeout-t.RekeyTimeout && p.current.Load() == ses {
		p.askRekey(ses)
	}
	return res, nil
}
