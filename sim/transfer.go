package sim

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// The transfer protocol, on TCP port transferPort: the client sends a
// 12-byte header (transfer id, 4 bytes; size, 8 bytes; big-endian) and
// size bytes of pattern(id, offset); the server checks every byte and,
// once all arrived, answers one byte 'K' and closes. The client counts
// the transfer complete when it reads the 'K'. Any failure (reset,
// timeout, crash, stall) closes the connection and starts again from
// the first byte after retryAfter.
const (
	transferPort   = 7
	transferHeader = 12
)

// pattern is byte off of transfer id's payload.
func pattern(id uint32, off int) byte { return byte(off) ^ byte(off>>8) ^ byte(id*31) }

type phase uint8

const (
	phaseWait phase = iota // not started, or waiting to retry
	phaseConnecting
	phaseSending
	phaseAck
	phaseDone
	phaseAbandoned // an end left for good (churn.go)
)

// transfer is one bulk TCP transfer, driven from its source node.
type transfer struct {
	id       uint32
	src, dst *node
	size     int
	startAt  int64

	phase       phase
	ep          tcpip.Endpoint
	wq          waiter.Queue
	written     int
	attempts    int
	sessionFrom int64 // virtual time awaitSession started the handshake; 0: not yet
	touched     int64 // virtual time of the last progress
	queued      int   // bytes in the send queue at the last poll
	doneAt      int64
	found       common.Address // the destination's wallet, as a lookup named it (resolve.go)
	foundInc    int            // 1 + the source incarnation whose link learnt it; 0: none
}

var _ task = (*transfer)(nil)

const (
	sessionPoll = 5 * time.Millisecond
	sessionWait = 5 * time.Second
)

func (t *transfer) schedule(s *Sim) { s.at(t.startAt, kindApp, t.src.id, func() { t.begin(s) }) }

func (t *transfer) done() bool { return t.phase == phaseDone || t.phase == phaseAbandoned }

// begin starts an attempt: the source finds the destination — by name
// on the chain when the run has naming, else as a static peer
// (resolve.go) — and connects.
func (t *transfer) begin(s *Sim) {
	if t.phase != phaseWait || t.src.down {
		return
	}
	n := t.src
	dst, ok := t.reach(s)
	if !ok {
		return
	}
	if t.awaitSession(s, n, dst) {
		return
	}
	t.attempts++
	s.stats.TransferAttempts++
	t.wq = waiter.Queue{}
	ep, err := n.in.Netstack.NewEndpoint(tcp.ProtocolNumber, ipv6.ProtocolNumber, &t.wq)
	if err != nil {
		s.fail("transfer %d: endpoint: %s", t.id, err)
		return
	}
	t.ep = ep
	t.written = 0
	t.phase = phaseConnecting
	t.touched = s.now.Load()
	switch err := ep.Connect(tcpip.FullAddress{NIC: 1, Addr: dst, Port: transferPort}); err.(type) {
	case nil, *tcpip.ErrConnectStarted:
	default:
		t.retry(s)
		return
	}
	t.watch(s)
	s.settle(n)
}

// awaitSession reports whether the connect must wait for the link
// session to dst: the first call starts the handshake, later ones poll
// every sessionPoll until it is up or sessionWait has passed (then TCP's
// own SYN carries the handshake as before). Connecting only over an
// established session keeps the handshake out of TCP's first RTT sample.
func (t *transfer) awaitSession(s *Sim, n *node, dst tcpip.Address) bool {
	ident := netip.AddrFrom16(dst.As16())
	if n.in.Link.Established(ident) {
		return false
	}
	now := s.now.Load()
	if t.sessionFrom == 0 {
		if !n.in.Link.Handshake(ident) {
			return false
		}
		t.sessionFrom = now
		s.settle(n)
	} else if now-t.sessionFrom >= int64(sessionWait) {
		return false
	}
	s.at(now+int64(sessionPoll), kindApp, n.id, func() { t.begin(s) })
	return true
}

// watch checks for a stall every stallTimeout.
func (t *transfer) watch(s *Sim) {
	attempt := t.attempts
	s.at(s.now.Load()+int64(stallTimeout), kindApp, t.src.id, func() {
		if t.attempts != attempt || t.phase == phaseDone || t.phase == phaseWait || t.phase == phaseAbandoned {
			return
		}
		if s.now.Load()-t.touched >= int64(stallTimeout) {
			s.stats.TransferStalls++
			t.retry(s)
			return
		}
		t.watch(s)
	})
}

// retry abandons the current attempt and schedules the next.
func (t *transfer) retry(s *Sim) {
	if t.ep != nil {
		t.ep.Abort()
		t.ep = nil
		if !t.src.down {
			s.settle(t.src)
		}
	}
	t.phase = phaseWait
	s.at(s.now.Load()+int64(retryAfter), kindApp, t.src.id, func() { t.begin(s) })
}

func (t *transfer) poll(s *Sim, n *node) bool {
	if n != t.src || t.ep == nil {
		return false
	}
	progress := false
	if t.phase == phaseConnecting {
		ready := t.ep.Readiness(waiter.WritableEvents | waiter.EventErr | waiter.EventHUp)
		if ready == 0 {
			return false
		}
		if err := t.ep.LastError(); err != nil || ready&(waiter.EventErr|waiter.EventHUp) != 0 {
			t.retry(s)
			return true
		}
		t.phase, progress = phaseSending, true
	}
	if t.phase == phaseSending {
		total := transferHeader + t.size
		for t.written < total {
			chunk := t.chunk(s.scratch[:0], t.written, min(total, t.written+len(s.scratch[:cap(s.scratch)])))
			m, err := t.ep.Write(bytes.NewReader(chunk), tcpip.WriteOptions{})
			if _, ok := err.(*tcpip.ErrWouldBlock); ok {
				break
			}
			if err != nil {
				t.retry(s)
				return true
			}
			t.written += int(m)
			progress = true
		}
		if t.written == total {
			t.phase = phaseAck
		}
	}
	if t.phase == phaseAck {
		var b bytes.Buffer
		_, err := t.ep.Read(&b, tcpip.ReadOptions{})
		switch {
		case b.Len() > 0 && b.Bytes()[0] == 'K':
			t.ep.Close()
			t.ep = nil
			t.phase = phaseDone
			t.doneAt = s.now.Load()
			s.stats.transferDone(t.doneAt - t.startAt)
			s.moved(t) // heal.go
			return true
		case err == nil:
		case isWouldBlock(err):
		default:
			t.retry(s)
			return true
		}
	}
	// Bytes leaving the send queue are progress too, though the task
	// did nothing.
	if q, err := t.ep.GetSockOptInt(tcpip.SendQueueSizeOption); err == nil && q != t.queued {
		t.queued = q
		t.touched = s.now.Load()
		s.moved(t) // heal.go
	}
	if progress {
		t.touched = s.now.Load()
		s.moved(t) // heal.go
	}
	return progress
}

// chunk appends the bytes [from, to) of the client's stream to b.
func (t *transfer) chunk(b []byte, from, to int) []byte {
	var h [transferHeader]byte
	binary.BigEndian.PutUint32(h[:], t.id)
	binary.BigEndian.PutUint64(h[4:], uint64(t.size))
	for i := from; i < to; i++ {
		if i < transferHeader {
			b = append(b, h[i])
		} else {
			b = append(b, pattern(t.id, i-transferHeader))
		}
	}
	return b
}

func (t *transfer) crashed(s *Sim, n *node) {
	if n == t.src && t.phase != phaseDone && t.phase != phaseAbandoned {
		t.ep = nil // gone with the netstack
		t.phase = phaseWait
	}
}

func (t *transfer) restarted(s *Sim, n *node) {
	if n == t.src && t.phase == phaseWait && s.now.Load() >= t.startAt {
		s.at(s.now.Load()+int64(retryAfter), kindApp, t.src.id, func() { t.begin(s) })
	}
}

func isWouldBlock(err tcpip.Error) bool {
	_, ok := err.(*tcpip.ErrWouldBlock)
	return ok
}

// readAll appends to in whatever ep holds to read now. It reports
// whether anything arrived, and closed once ep will deliver nothing more
// (closed or reset by the peer).
func readAll(ep tcpip.Endpoint, in []byte) (_ []byte, progress, closed bool) {
	w := appendWriter{b: in}
	for {
		n := len(w.b)
		_, err := ep.Read(&w, tcpip.ReadOptions{})
		if len(w.b) > n {
			progress = true
		}
		if err != nil {
			return w.b, progress, !isWouldBlock(err)
		}
	}
}

// appendWriter appends what is written to b: the netstack copies what
// it reads straight into a connection's buffer.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}
