package im

import (
	"io"
	"net"
	"sync"
	"time"

	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
)

// callIdle ends a call that has sent nothing for this long.
const callIdle = 10 * time.Second

// jitterBuffer orders a call's packets and plays each out at its send
// offset plus a fixed delay after the first packet's arrival; packets
// arriving after their playout time are late and skipped. It is not
// safe for concurrent use (calls holds the lock).
type jitterBuffer struct {
	delay     time.Duration
	started   bool
	base      time.Time // arrival of the first packet
	firstSent int64     // its send time, µs
	next      uint32    // next sequence number to play
	pending   map[uint32]bufferedPacket
	seen      map[uint32]bool // sequence numbers received, ≥ next-1024

	received, late, duplicates, skipped uint64
	jitter                              float64 // µs, RFC 3550 estimator
	lastTransit                         int64
	play                                func(payload []byte)
}

type bufferedPacket struct {
	payload  []byte
	deadline time.Time
}

func newJitterBuffer(delay time.Duration, play func([]byte)) *jitterBuffer {
	return &jitterBuffer{delay: delay, pending: map[uint32]bufferedPacket{}, seen: map[uint32]bool{}, play: play}
}

// arrive takes one packet that arrived at now.
func (j *jitterBuffer) arrive(now time.Time, seq uint32, sent int64, payload []byte) {
	if j.seen[seq] {
		j.duplicates++
		return
	}
	j.seen[seq] = true
	j.received++
	transit := now.UnixMicro() - sent
	if j.started {
		d := transit - j.lastTransit
		if d < 0 {
			d = -d
		}
		j.jitter += (float64(d) - j.jitter) / 16
	} else {
		j.started, j.base, j.firstSent, j.next = true, now, sent, seq
	}
	j.lastTransit = transit
	deadline := j.base.Add(time.Duration(sent-j.firstSent)*time.Microsecond + j.delay)
	if seq < j.next || now.After(deadline) {
		j.late++
		return
	}
	j.pending[seq] = bufferedPacket{payload: append([]byte(nil), payload...), deadline: deadline}
	j.playout(now)
}

// playout plays, in order, every packet whose time has come; a missing
// packet is skipped once a later one is due.
func (j *jitterBuffer) playout(now time.Time) {
	for len(j.pending) > 0 {
		if p, ok := j.pending[j.next]; ok {
			if now.Before(p.deadline) {
				return
			}
			j.play(p.payload)
			delete(j.pending, j.next)
			j.advance()
			continue
		}
		due := false
		for _, p := range j.pending {
			if !now.Before(p.deadline) {
				due = true
				break
			}
		}
		if !due {
			return
		}
		j.skipped++
		j.advance()
	}
}

// flush plays out everything held, in order (the call ended).
func (j *jitterBuffer) flush() {
	for len(j.pending) > 0 {
		if p, ok := j.pending[j.next]; ok {
			j.play(p.payload)
			delete(j.pending, j.next)
		}
		j.advance()
	}
}

func (j *jitterBuffer) advance() {
	j.next++
	if j.next > 1024 {
		delete(j.seen, j.next-1025)
	}
}

// callSession is one incoming call.
type callSession struct {
	peer  common.Address
	call  uint64
	buf   *jitterBuffer
	sink  io.WriteCloser
	bytes int64
	start time.Time
	last  time.Time
}

// calls are the incoming calls of a service.
type calls struct {
	pc net.PacketConn

	mu       sync.Mutex // guards sessions
	sessions map[uint64]*callSession

	// started wakes callTicker when a call begins; it ticks only while
	// calls are in progress, so an idle node is not woken 200 times a
	// second.
	started chan struct{}
}

// callLoop is the long-lived goroutine reading CallPort.
func (s *Service) callLoop() {
	defer s.wg.Done()
	buf := make([]byte, 2048)
	for {
		n, from, err := s.calls.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		a, ok := from.(*stack.Addr)
		if !ok {
			continue
		}
		p, err := decodeCallPacket(buf[:n])
		if err != nil {
			continue
		}
		s.callPacket(a, p, time.Now())
	}
}

// callTicker is the long-lived goroutine that plays out jitter buffers
// and ends idle calls.
func (s *Service) callTicker() {
	defer s.wg.Done()
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		s.calls.mu.Lock()
		idle := len(s.calls.sessions) == 0
		s.calls.mu.Unlock()
		if idle {
			t.Stop()
			select {
			case <-s.ctx.Done():
				return
			case <-s.calls.started:
			}
			t.Reset(5 * time.Millisecond)
		}
		select {
		case <-s.ctx.Done():
			s.calls.mu.Lock()
			for id, cs := range s.calls.sessions {
				s.endCall(cs, 0, false)
				delete(s.calls.sessions, id)
			}
			s.calls.mu.Unlock()
			return
		case now := <-t.C:
			s.calls.mu.Lock()
			for id, cs := range s.calls.sessions {
				cs.buf.playout(now)
				if now.Sub(cs.last) > callIdle {
					s.endCall(cs, 0, false)
					delete(s.calls.sessions, id)
				}
			}
			s.calls.mu.Unlock()
		}
	}
}

func (s *Service) callPacket(from *stack.Addr, p callPacket, now time.Time) {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	cs := s.calls.sessions[p.Call]
	if cs != nil && cs.peer != from.Wallet {
		return // another wallet's call ID
	}
	switch p.Type {
	case pktMedia:
		if cs == nil {
			if c, err := s.ConsentOf(s.ctx, from.Wallet); err != nil || c != Allowed || len(s.calls.sessions) >= 64 {
				return
			}
			cs = &callSession{peer: from.Wallet, call: p.Call, start: now}
			if s.cfg.CallSink != nil {
				cs.sink = s.cfg.CallSink(from.Wallet)
			}
			cs.buf = newJitterBuffer(s.cfg.JitterDelay, func(b []byte) {
				cs.bytes += int64(len(b))
				if cs.sink != nil {
					cs.sink.Write(b)
				}
			})
			s.calls.sessions[p.Call] = cs
			select {
			case s.calls.started <- struct{}{}:
			default:
			}
		}
		cs.last = now
		cs.buf.arrive(now, p.Seq, p.Sent, p.Payload)
		if p.Seq%4 == 0 {
			s.calls.pc.WriteTo(callPacket{Type: pktEcho, Call: p.Call, Seq: p.Seq, Sent: p.Sent}.append(nil), from)
		}
	case pktBye:
		if cs == nil {
			return
		}
		rep := s.endCall(cs, p.Seq, true)
		delete(s.calls.sessions, p.Call)
		s.calls.pc.WriteTo(callPacket{Type: pktReport, Call: p.Call, Report: rep}.append(nil), from)
	}
}

// endCall flushes a call, closes its sink and announces its statistics.
func (s *Service) endCall(cs *callSession, sent uint32, bye bool) callReport {
	cs.buf.flush()
	if cs.sink != nil {
		cs.sink.Close()
	}
	b := cs.buf
	st := CallStats{Peer: cs.peer, Call: cs.call, Received: b.received, Late: b.late, Duplicates: b.duplicates,
		Jitter: time.Duration(b.jitter) * time.Microsecond, Bytes: cs.bytes, Duration: cs.last.Sub(cs.start), Reported: bye}
	if bye {
		st.Sent = uint64(sent)
		if st.Sent > st.Received {
			st.Lost = st.Sent - st.Received
		}
	} else {
		st.Lost = b.skipped
	}
	s.emit(Event{Kind: EventCall, Peer: cs.peer, Call: &st})
	return callReport{Received: uint32(st.Received), Lost: uint32(st.Lost), Late: uint32(st.Late),
		Duplicates: uint32(st.Duplicates), JitterMicros: uint32(b.jitter)}
}
