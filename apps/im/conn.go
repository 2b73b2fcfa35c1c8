package im

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// errConnLost: the connection closed before the peer answered.
var errConnLost = errors.New("im: connection lost before an answer")

// peerConn is one TCP connection with a verified peer wallet, dialed or
// accepted. Its read loop serves every frame the peer sends; request
// waits for the answer to one frame by ID.
type peerConn struct {
	s    *Service
	c    net.Conn
	peer common.Address
	done chan struct{} // closed when the read loop ends

	wmu sync.Mutex // serialises writes

	mu      sync.Mutex // guards the fields below
	pending map[MessageID]chan error
	closed  bool
}

func (s *Service) newPeerConn(c net.Conn, peer common.Address) *peerConn {
	return &peerConn{s: s, c: c, peer: peer, done: make(chan struct{}), pending: make(map[MessageID]chan error)}
}

// write sends one frame.
func (pc *peerConn) write(f frame) error {
	b := appendFrame(nil, f)
	pc.wmu.Lock()
	defer pc.wmu.Unlock()
	pc.c.SetWriteDeadline(time.Now().Add(pc.s.cfg.AckTimeout))
	if _, err := pc.c.Write(b); err != nil {
		return fmt.Errorf("im: write to %s: %w", pc.peer, err)
	}
	return nil
}

// request writes f and waits for the answer to id: nil for a delivery
// receipt or STORED, a *RemoteError for an ERROR frame.
func (pc *peerConn) request(ctx context.Context, id MessageID, f frame) error {
	ch := make(chan error, 1)
	pc.mu.Lock()
	if pc.closed {
		pc.mu.Unlock()
		return errConnLost
	}
	pc.pending[id] = ch
	pc.mu.Unlock()
	defer func() {
		pc.mu.Lock()
		delete(pc.pending, id)
		pc.mu.Unlock()
	}()
	if err := pc.write(f); err != nil {
		pc.close()
		return err
	}
	t := time.NewTimer(pc.s.cfg.AckTimeout)
	defer t.Stop()
	select {
	case err := <-ch:
		return err
	case <-pc.done:
		return errConnLost
	case <-t.C:
		pc.close() // a peer that does not answer is gone
		return fmt.Errorf("im: no answer from %s within %s: %w", pc.peer, pc.s.cfg.AckTimeout, errConnLost)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// resolve answers a pending request.
func (pc *peerConn) resolve(id MessageID, err error) {
	pc.mu.Lock()
	ch := pc.pending[id]
	delete(pc.pending, id)
	pc.mu.Unlock()
	if ch != nil {
		ch <- err
	}
}

func (pc *peerConn) close() {
	pc.mu.Lock()
	pc.closed = true
	pc.mu.Unlock()
	pc.c.Close()
}

// acceptLoop is the long-lived goroutine that accepts connections on Port.
func (s *Service) acceptLoop() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		peer, err := s.node.PeerOf(c)
		if err != nil {
			s.log.Debug("unverified connection refused", "err", err)
			c.Close()
			continue
		}
		s.start(s.newPeerConn(c, peer), false)
	}
}

// start registers pc and runs its read loop. An accepted conn serves as
// the way to its peer only if none is pooled already.
func (s *Service) start(pc *peerConn, replace bool) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		pc.c.Close()
		return false
	}
	s.all[pc] = struct{}{}
	if old := s.conns[pc.peer]; old == nil || replace {
		s.conns[pc.peer] = pc
	}
	s.mu.Unlock()
	s.wg.Add(1)
	go s.readLoop(pc)
	return true
}

// readLoop is the long-lived goroutine of one connection: it greets the
// peer, then reads and serves frames until the connection ends.
func (s *Service) readLoop(pc *peerConn) {
	defer s.wg.Done()
	defer func() {
		pc.close()
		close(pc.done)
		s.mu.Lock()
		delete(s.all, pc)
		if s.conns[pc.peer] == pc {
			delete(s.conns, pc.peer)
		}
		s.mu.Unlock()
	}()
	if err := pc.write(helloFrame{Version: protocolVersion, SealKey: s.keys.pub}); err != nil {
		return
	}
	var buf []byte
	for {
		b, err := readFrame(pc.c, s.cfg.MaxFrame, buf)
		buf = b
		var oe *oversizeError
		if errors.As(err, &oe) {
			s.refuseOversize(pc, oe)
			if oe.Len > discardLimit {
				return
			}
			continue
		}
		if err != nil {
			return
		}
		f, err := decodeFrame(b)
		if err != nil {
			s.log.Debug("malformed frame", "peer", pc.peer, "err", err)
			pc.write(errorFrame{ID: requestID(b), Code: CodeMalformed, Reason: err.Error()})
			continue
		}
		s.serve(pc, f)
	}
}

func (s *Service) refuseOversize(pc *peerConn, oe *oversizeError) {
	s.log.Debug("oversized frame refused", "peer", pc.peer, "len", oe.Len)
	pc.write(errorFrame{ID: requestID(oe.Head), Code: CodeTooLarge, Reason: oe.Error()})
}

// requestID finds the ID a sender waits on in the first bytes of a
// frame (type and body) that could not be served, so the ERROR names
// it; zero if the type has none there.
func requestID(b []byte) (id MessageID) {
	if len(b) == 0 {
		return id
	}
	off := -1
	switch b[0] {
	case typeMsg, typeGroupKey:
		off = 1
	case typeCPost, typeCMod:
		off = 17
	case typeGroup:
		off = 21
	case typeDeposit:
		off = 21
	}
	if off >= 0 && len(b) >= off+16 {
		copy(id[:], b[off:])
	}
	return id
}

// connTo returns the pooled connection to w or dials one; fresh reports
// a new dial. Concurrent callers for one wallet share a single dial.
func (s *Service) connTo(ctx context.Context, w common.Address) (pc *peerConn, fresh bool, err error) {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, false, ErrClosed
		}
		if pc = s.conns[w]; pc != nil {
			s.mu.Unlock()
			return pc, false, nil
		}
		wait, busy := s.dialing[w]
		if !busy {
			wait = make(chan struct{})
			s.dialing[w] = wait
		}
		s.mu.Unlock()
		if !busy {
			break
		}
		select { // another caller is dialing: take its result
		case <-wait:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		s.mu.Lock()
		pc = s.conns[w]
		s.mu.Unlock()
		if pc != nil {
			return pc, false, nil
		}
		return nil, false, fmt.Errorf("im: dial %s: %w", w, ErrUnreachable)
	}
	defer func() {
		s.mu.Lock()
		close(s.dialing[w])
		delete(s.dialing, w)
		s.mu.Unlock()
	}()
	dctx, cancel := context.WithTimeout(ctx, s.cfg.DialTimeout)
	defer cancel()
	c, err := s.node.Dial(dctx, "tcp", fmt.Sprintf("%s:%d", w.Hex(), Port))
	if err != nil {
		return nil, false, fmt.Errorf("im: dial %s: %w", w, err)
	}
	if got, err := s.node.PeerOf(c); err != nil || got != w {
		c.Close()
		return nil, false, fmt.Errorf("im: dial %s reached %s: %w", w, got, ErrUnreachable)
	}
	pc = s.newPeerConn(c, w)
	if !s.start(pc, true) {
		return nil, false, ErrClosed
	}
	return pc, true, nil
}
