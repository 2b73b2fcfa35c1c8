package link

import (
	"encoding/binary"
	"sync"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Receive coalescing: on an underlay that marks where its read batches
// end (BatchUnderlay), the frames of a batch are opened one after the
// other into shared chunks of up to 64 KiB (a gVisor view each), and a
// TCP segment that continues the packet just before it in the chunk is
// merged into it as it lands: its payload is moved down over its own
// headers, in cache, and the first segment's IPv6 payload length grows.
// The netstack gets one packet per run of segments, carved out of the
// chunk without a copy, instead of one view, one packet buffer and one
// pass through TCP per frame. What does not merge (UDP, ICMPv6, TCP with
// other flags, a gap in the sequence, another flow) is handed on as its
// own packet, in arrival order. Whatever is pending goes to the netstack
// when the next packet does not merge and when the batch ends, so nothing
// waits for a later read.
//
// A segment merges into the pending packet P when P began as a TCP
// segment with payload and only ACK set, nothing but P's own segments
// have merged into it so far, and the segment
//
//   - lies right behind P in the same chunk;
//   - has P's IPv6 header but for the payload length (version, traffic
//     class, flow label, next header TCP, hop limit, addresses), and a
//     payload length that matches its size;
//   - has P's TCP header but for the sequence number, the flags and the
//     checksum (ports, acknowledgement, header length, window, urgent
//     pointer, options byte for byte, timestamps included);
//   - starts where P's payload ends, carries ACK and perhaps PSH only, and
//     no more payload than P's first segment.
//
// A segment with PSH, or shorter than the first, merges and ends P (the
// PSH is kept). This is the kernel's tcp_gro_receive, restricted to
// consecutive segments: a sender's GSO burst arrives as one run.
//
// Checksums are not verified on the way in, and a merged packet's TCP
// checksum is left stale: a packet that opened was authenticated by the
// session's AEAD, which any corruption would have failed (see
// Capabilities).

// coalesceChunk is the largest chunk frames are opened into: gVisor's
// largest pooled chunk. A larger frame gets a view of its own.
const coalesceChunk = buffer.MaxChunkSize

// groState is the endpoint's receive coalescing. Underlays may call the
// receiver from more than one goroutine over time (one per NIC), so mu
// serialises it; in practice one underlay goroutine holds it,
// uncontended. A frame is opened outside the lock, into room reserved
// for it (rxSlot).
type groState struct {
	on bool // set by New, never changed after

	mu    sync.Mutex   // guards the fields below
	chunk *buffer.View // what frames are opened into; nil between batches
	buf   []byte       // chunk's bytes, all of its capacity
	next  int          // the first byte of buf not reserved
	used  int          // bytes reserved in this batch
	hint  int          // bytes reserved in the last batch: the first chunk's size
	pend  groPacket    // the packet the next segment may merge into
	d     stack.NetworkDispatcher
}

// groPacket is a packet pending in a chunk: buf[start:end].
type groPacket struct {
	v          *buffer.View // a reference to the chunk; nil: nothing pending
	buf        []byte
	start, end int
	hdrLen     int    // IPv6 and TCP header bytes; 0: nothing merges into it
	seg        int    // the payload of its first segment
	nextSeq    uint32 // the sequence number a merging segment starts at
}

// rxSlot is room for one frame in a chunk: buf[off:off+n]. It holds a
// reference to the chunk (v) until it is handed to add or drop.
type rxSlot struct {
	v      *buffer.View
	buf    []byte
	off, n int
}

// bytes returns the slot's room, capped so nothing written past it.
func (s *rxSlot) bytes() []byte { return s.buf[s.off : s.off+s.n : s.off+s.n] }

func (g *groState) init() { g.on = true }

// enabled reports whether frames are coalesced.
func (g *groState) enabled() bool { return g.on }

// reserve returns room for a frame of n bytes, at most coalesceChunk:
// behind the last frame in the current chunk, or at the start of a new
// one. The first chunk of a batch is as large as the last batch was
// (capped), so a batch of one acknowledgement clears little.
func (g *groState) reserve(n int) rxSlot {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.chunk == nil || len(g.buf)-g.next < n {
		size := coalesceChunk
		if g.used == 0 {
			size = min(max(g.hint, n), coalesceChunk)
		}
		if g.chunk != nil {
			g.chunk.Release()
		}
		g.chunk = buffer.NewView(max(size, n))
		g.chunk.Grow(g.chunk.Capacity())
		g.buf, g.next = g.chunk.AsSlice(), 0
		g.carry(n)
	}
	s := rxSlot{v: g.chunk.Clone(), buf: g.buf, off: g.next, n: n}
	g.next += n
	g.used += n
	return s
}

// carryMax is the largest pending packet a new chunk takes over.
const carryMax = coalesceChunk / 8

// carry copies a small pending packet that segments may still merge into
// to the start of the new chunk, if room for a frame of n bytes is left
// behind it, so that the run goes on (a batch's first chunk is small
// when the last batch was). Callers hold mu.
func (g *groState) carry(n int) {
	p := &g.pend
	size := p.end - p.start
	if p.v == nil || p.hdrLen == 0 || size > carryMax || size+n > len(g.buf) || g.next != 0 {
		return
	}
	copy(g.buf, p.buf[p.start:p.end])
	p.v.Release()
	p.v, p.buf, p.start, p.end = g.chunk.Clone(), g.buf, 0, size
	g.next = size
}

// giveBack returns s's room from byte from on to the chunk, if nothing
// was reserved behind it meanwhile. Callers hold mu.
func (g *groState) giveBack(s *rxSlot, from int) {
	if g.chunk != nil && &g.buf[0] == &s.buf[0] && g.next == s.off+s.n {
		g.used -= g.next - from
		g.next = from
	}
}

// drop clears and gives back the room of a frame that delivered nothing.
func (g *groState) drop(s rxSlot) {
	clear(s.bytes())
	g.mu.Lock()
	g.giveBack(&s, s.off)
	g.mu.Unlock()
	s.v.Release()
}

// add takes s, whose room starts with plain, an opened IPv6 packet
// checked for delivery to d: it merges into the pending packet, or the
// pending packet goes to d and plain becomes the pending one.
func (g *groState) add(d stack.NetworkDispatcher, s rxSlot, plain []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p := &g.pend
	if p.v != nil && p.hdrLen > 0 && p.end == s.off && &p.buf[0] == &s.buf[0] && p.merge(plain) {
		g.giveBack(&s, p.end)
		s.v.Release()
		return
	}
	g.deliverPending()
	g.d = d
	*p = groPacket{v: s.v, buf: s.buf, start: s.off, end: s.off + len(plain)}
	p.hdrLen, p.seg, p.nextSeq = mergeHead(plain)
	g.giveBack(&s, p.end)
}

// pass hands pkt to d after the pending packet, keeping arrival order;
// the caller keeps its reference.
func (g *groState) pass(d stack.NetworkDispatcher, pkt *stack.PacketBuffer) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.deliverPending()
	d.DeliverNetworkPacket(header.IPv6ProtocolNumber, pkt)
}

// flush delivers what is pending and lets the chunk go: the batch ended.
func (g *groState) flush() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.deliverPending()
	if g.chunk != nil {
		g.chunk.Release()
		g.chunk, g.buf, g.next = nil, nil, 0
	}
	if g.used > 0 {
		g.hint, g.used = g.used, 0
	}
}

// deliverPending hands the pending packet to the netstack. Callers hold
// mu.
func (g *groState) deliverPending() {
	p := &g.pend
	if p.v == nil {
		return
	}
	// The headers go in a view of their own: the netstack pulls them up,
	// and pulling up a view whose chunk is shared copies the whole chunk.
	q := p.buf[p.start:p.end]
	hl := headLen(q)
	payload := buffer.MakeWithView(buffer.NewViewWithData(q[:hl]))
	if v := p.v; hl < len(q) {
		v.TrimFront(p.start + hl)
		v.CapLength(len(q) - hl)
		_ = payload.Append(v) // fails only if writing to an unshared view does, which cannot
	} else {
		v.Release()
	}
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: payload})
	pkt.NetworkProtocolNumber = header.IPv6ProtocolNumber
	pkt.RXChecksumValidated = true
	d := g.d
	*p = groPacket{}
	d.DeliverNetworkPacket(header.IPv6ProtocolNumber, pkt)
	pkt.DecRef()
}

// headLen is how much of the IPv6 packet q the netstack reads as
// headers: IPv6 and TCP for TCP, else up to 128 bytes, all of a small
// packet.
func headLen(q []byte) int {
	const ip = header.IPv6MinimumSize
	if len(q) >= ip+header.TCPMinimumSize && q[6] == uint8(header.TCPProtocolNumber) {
		return min(ip+int(header.TCP(q[ip:]).DataOffset()), len(q))
	}
	return min(len(q), 128)
}

// mergeHead reports whether segments may merge into the IPv6 packet q:
// its header length, payload and the next sequence number, or a zero
// header length.
func mergeHead(q []byte) (hdrLen, seg int, next uint32) {
	const ip = header.IPv6MinimumSize
	if len(q) < ip+header.TCPMinimumSize || q[0]>>4 != 6 || q[6] != uint8(header.TCPProtocolNumber) ||
		ip+int(binary.BigEndian.Uint16(q[4:6])) != len(q) {
		return 0, 0, 0
	}
	tcp := header.TCP(q[ip:])
	hdrLen = ip + int(tcp.DataOffset())
	if int(tcp.DataOffset()) < header.TCPMinimumSize || hdrLen >= len(q) || tcp.Flags() != header.TCPFlagAck {
		return 0, 0, 0
	}
	seg = len(q) - hdrLen
	return hdrLen, seg, tcp.SequenceNumber() + uint32(seg)
}

// merge moves q's payload onto the end of p if q continues p (see the
// rules above); q lies at buf[p.end:].
func (p *groPacket) merge(q []byte) bool {
	const ip = header.IPv6MinimumSize
	h := p.buf[p.start : p.start+p.hdrLen]
	pay := len(q) - p.hdrLen
	if pay <= 0 || pay > p.seg || ip+int(binary.BigEndian.Uint16(q[4:6])) != len(q) {
		return false
	}
	// IPv6: all but the payload length. TCP: ports, then acknowledgement
	// and data offset, window, urgent pointer and options.
	if string(q[0:4]) != string(h[0:4]) || string(q[6:ip+4]) != string(h[6:ip+4]) ||
		binary.BigEndian.Uint32(q[ip+4:]) != p.nextSeq ||
		string(q[ip+8:ip+13]) != string(h[ip+8:ip+13]) ||
		string(q[ip+14:ip+16]) != string(h[ip+14:ip+16]) ||
		string(q[ip+18:p.hdrLen]) != string(h[ip+18:p.hdrLen]) {
		return false
	}
	flags := header.TCPFlags(q[ip+13])
	if flags&^header.TCPFlagPsh != header.TCPFlagAck {
		return false
	}
	copy(p.buf[p.end:], q[p.hdrLen:]) // q starts at p.end: its payload moves down
	p.end += pay
	p.nextSeq += uint32(pay)
	binary.BigEndian.PutUint16(h[4:6], uint16(p.end-p.start-ip))
	if flags&header.TCPFlagPsh != 0 || pay < p.seg {
		h[ip+13] |= uint8(flags & header.TCPFlagPsh)
		p.hdrLen = 0 // the run ended
	}
	return true
}

// flushReceived is the underlay's batch-end callback (BatchUnderlay):
// the coalesced packets go to the netstack, the forwarded frames
// (host_forward.go) to the underlay.
func (e *Endpoint) flushReceived() {
	if e.rxSerial { // one underlay: no other batch end runs meanwhile
		e.rxRun.flush() // meter.go
	}
	e.flushForwarded()
	if e.gro.enabled() {
		e.gro.flush()
	}
}
