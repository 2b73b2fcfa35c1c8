package im

import (
	"bytes"
	"cmp"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

const (
	// callIdle ends a call that has sent nothing for this long; an
	// ended call is remembered as long again.
	callIdle = 10 * time.Second
	// maxEnded bounds the ended calls remembered.
	maxEnded = 16
)

// callSession is one incoming call: its jitter buffer and its RFC 3550
// reception statistics. The buffer plays each packet at its RTP
// timestamp plus a fixed delay after the first packet's arrival, in
// sequence order, skipping missing packets once a later one is due;
// packets arriving after their playout time are late and skipped. It is
// not safe for concurrent use (calls holds the lock).
type callSession struct {
	peer      common.Address
	ssrc, own uint32 // the caller's SSRC (the call) and the callee's
	sink      io.WriteCloser
	delay     time.Duration
	last      time.Time
	timer     *time.Timer // runs callTimer
	ended     time.Time   // zero while the call runs

	base    time.Time      // arrival of the first packet: the call's start
	firstTS uint32         // its RTP timestamp
	next    int64          // next extended sequence number to play
	maxSeq  int64          // highest extended sequence number received
	pending []heldPacket   // by sequence number
	seen    map[int64]bool // sequence numbers received, ≥ next-1024

	received, late, duplicates uint64
	bytes                      int64
	jitter, transit            time.Duration // RFC 3550 §6.4.1 estimator; last transit
	sent                       uint32        // the caller's packet count in its last SR
	lastSR                     uint32        // that SR's NTP time, middle 32 bits
	srAt                       time.Time     // its arrival
	prevSent, prevLost         int64         // at the previous report
}

type heldPacket struct {
	seq      int64
	deadline time.Time
	payload  []byte
}

// arrive takes one media packet that arrived at now.
func (cs *callSession) arrive(now time.Time, p *rtp.Packet) {
	if cs.base.IsZero() {
		cs.base, cs.firstTS, cs.next, cs.maxSeq = now, p.Timestamp, int64(p.SequenceNumber), int64(p.SequenceNumber)
	}
	seq := cs.maxSeq + int64(int16(p.SequenceNumber-uint16(cs.maxSeq)))
	if cs.seen[seq] {
		cs.duplicates++
		return
	}
	cs.seen[seq] = true
	if cs.received++; cs.received%1024 == 0 {
		maps.DeleteFunc(cs.seen, func(s int64, _ bool) bool { return s < cs.next-1024 })
	}
	cs.maxSeq = max(cs.maxSeq, seq)
	offset := time.Duration(p.Timestamp-cs.firstTS) * time.Second / callClock
	transit := now.Sub(cs.base) - offset
	cs.jitter += (max(transit-cs.transit, cs.transit-transit) - cs.jitter) / 16
	cs.transit = transit
	deadline := cs.base.Add(offset + cs.delay)
	if seq < cs.next || now.After(deadline) {
		cs.late++
		return
	}
	i, _ := slices.BinarySearchFunc(cs.pending, seq, func(h heldPacket, seq int64) int { return cmp.Compare(h.seq, seq) })
	cs.pending = slices.Insert(cs.pending, i, heldPacket{seq, deadline, bytes.Clone(p.Payload)})
}

// playout plays every held packet whose time has come.
func (cs *callSession) playout(now time.Time) {
	for len(cs.pending) > 0 && !now.Before(cs.pending[0].deadline) {
		cs.play()
	}
}

// play plays the first held packet, skipping those missing before it.
func (cs *callSession) play() {
	h := cs.pending[0]
	cs.pending, cs.next = cs.pending[1:], h.seq+1
	cs.bytes += int64(len(h.payload))
	if cs.sink != nil {
		cs.sink.Write(h.payload)
	}
}

// report is the reception report block on the call (RFC 3550 §6.4.1),
// expecting the packets the caller's last SR counted.
func (cs *callSession) report(now time.Time) rtcp.ReceptionReport {
	lost := max(int64(cs.sent)-int64(cs.received), 0)
	r := rtcp.ReceptionReport{SSRC: cs.ssrc, TotalLost: uint32(min(lost, 1<<23-1)), LastSequenceNumber: uint32(cs.maxSeq),
		Jitter: uint32(cs.jitter * callClock / time.Second), LastSenderReport: cs.lastSR, Delay: uint32(now.Sub(cs.srAt) << 16 / time.Second)}
	if expected := int64(cs.sent) - cs.prevSent; expected > 0 {
		r.FractionLost = uint8(min(max(lost-cs.prevLost, 0)*256/expected, 255))
	}
	cs.prevSent, cs.prevLost = int64(cs.sent), lost
	return r
}

// calls are the incoming calls of a service, and the last that ended:
// a BYE that reaches one (again, as its final report was lost, or after
// it timed out) is answered with its final report.
type calls struct {
	pc       net.PacketConn
	mu       sync.Mutex // guards sessions and ended
	sessions map[uint64]*callSession
	ended    []*callSession // oldest first, at most maxEnded
}

// session is the running call of ssrc, or one that ended less than
// callIdle before now.
func (c *calls) session(ssrc uint32, now time.Time) *callSession {
	if cs := c.sessions[uint64(ssrc)]; cs != nil {
		return cs
	}
	for _, cs := range slices.Backward(c.ended) {
		if cs.ssrc == ssrc && now.Sub(cs.ended) < callIdle {
			return cs
		}
	}
	return nil
}

// callLoop is the long-lived goroutine reading CallPort; when the port
// closes, it ends the calls in progress.
func (s *Service) callLoop() {
	defer s.wg.Done()
	buf := make([]byte, 2048)
	for {
		n, from, err := s.calls.pc.ReadFrom(buf)
		if err != nil {
			break
		}
		if a, ok := from.(*stack.Addr); ok {
			if d, err := decodeCall(buf[:n]); err == nil {
				s.callDatagram(a, d, time.Now())
			}
		}
	}
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	for _, cs := range s.calls.sessions {
		s.endCall(cs, time.Now(), false)
	}
}

// callDatagram takes one datagram of a call: media starts the call (from
// an Allowed wallet) or goes to its buffer, an SR is answered with an
// RR, and an SR with BYE ends the call with the final report. An ended
// call takes only BYE, to give its final report again.
func (s *Service) callDatagram(from *stack.Addr, d callDatagram, now time.Time) {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	cs := s.calls.session(d.ssrc, now)
	if cs != nil && cs.peer != from.Wallet {
		return // another wallet's SSRC
	}
	if cs == nil && d.media != nil {
		if c, err := s.ConsentOf(s.ctx, from.Wallet); err != nil || c != Allowed || len(s.calls.sessions) >= 64 {
			return
		}
		cs = &callSession{peer: from.Wallet, ssrc: d.ssrc, own: rand.Uint32(), delay: s.cfg.JitterDelay, seen: map[int64]bool{}}
		if s.cfg.CallSink != nil {
			cs.sink = s.cfg.CallSink(from.Wallet)
		}
		cs.timer = time.AfterFunc(callIdle, func() { s.callTimer(cs) })
		s.calls.sessions[uint64(d.ssrc)] = cs
	}
	switch {
	case cs == nil || !cs.ended.IsZero() && !d.bye: // nothing to do
	case d.media != nil:
		cs.last = now
		cs.arrive(now, d.media)
		cs.timer.Reset(0) // callTimer plays what is due
	case d.sr != nil:
		cs.sent, cs.lastSR, cs.srAt = d.sr.PacketCount, uint32(d.sr.NTPTime>>16), now
		if d.bye && cs.ended.IsZero() {
			s.endCall(cs, now, true)
		}
		s.calls.pc.WriteTo(receiverReport(cs.own, cs.report(now), d.bye, cs.late, cs.duplicates), from)
	}
}

// callTimer plays out what a call holds when due and sets itself for the
// next packet; it ends the call once idle for callIdle.
func (s *Service) callTimer(cs *callSession) {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	now := time.Now()
	switch {
	case !cs.ended.IsZero(): // meanwhile
	case now.Sub(cs.last) >= callIdle:
		s.endCall(cs, now, false)
	default:
		cs.playout(now)
		next := cs.last.Add(callIdle)
		if len(cs.pending) > 0 {
			next = cs.pending[0].deadline
		}
		cs.timer.Reset(next.Sub(now))
	}
}

// endCall plays out what a call holds, closes its sink, announces its
// statistics and remembers it as ended at now.
func (s *Service) endCall(cs *callSession, now time.Time, bye bool) {
	cs.timer.Stop()
	delete(s.calls.sessions, uint64(cs.ssrc))
	for len(cs.pending) > 0 {
		cs.play()
	}
	cs.ended, cs.pending, cs.seen = now, nil, nil
	s.calls.ended = append(s.calls.ended[max(len(s.calls.ended)-maxEnded+1, 0):], cs)
	if cs.sink != nil {
		cs.sink.Close()
	}
	st := CallStats{Peer: cs.peer, Call: uint64(cs.ssrc), Sent: uint64(cs.sent), Received: cs.received, Late: cs.late,
		Duplicates: cs.duplicates, Jitter: cs.jitter, Bytes: cs.bytes, Duration: cs.last.Sub(cs.base), Reported: bye}
	st.Lost = st.Sent - min(st.Received, st.Sent)
	s.emit(Event{Kind: EventCall, Peer: cs.peer, Call: &st})
}
