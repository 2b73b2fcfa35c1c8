package link

import (
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/stack/gro"
)

// Receive coalescing: on an underlay that marks where its read batches
// end (BatchUnderlay), opened packets go through gVisor's GRO engine,
// which merges consecutive in-order TCP segments of one flow into one
// packet of up to 64 KiB; the engine is flushed at the end of every
// batch, so nothing waits for a later read. Everything the engine does
// not merge (UDP, ICMPv6, out-of-order or flagged segments) passes
// through it unchanged. The netstack then runs TCP once per merged packet
// instead of once per segment.
//
// Checksums are not verified on the way in: a packet that opened was
// authenticated by the session's AEAD, which any corruption would have
// failed (see Capabilities).

// groState is the endpoint's GRO engine. The engine is not safe for
// concurrent use, and underlays may call the receiver from more than
// one goroutine over time, so mu serialises it; in practice one
// underlay goroutine holds it, uncontended.
type groState struct {
	on bool // set by New, never changed after

	mu     sync.Mutex // guards the fields below
	engine *gro.GRO   // allocated on the first packet: idle nodes stay small
	held   bool       // the engine may hold packets not yet flushed
}

func (g *groState) init() { g.on = true }

// enabled reports whether packets go through the engine.
func (g *groState) enabled() bool { return g.on }

// enqueue hands pkt, an opened IPv6 packet, to the engine; the caller
// keeps its reference.
func (g *groState) enqueue(d stack.NetworkDispatcher, pkt *stack.PacketBuffer) {
	pkt.NetworkProtocolNumber = header.IPv6ProtocolNumber
	pkt.RXChecksumValidated = true
	g.mu.Lock()
	if g.engine == nil {
		g.engine = new(gro.GRO)
		g.engine.Init(true)
	}
	g.engine.Dispatcher = d
	g.engine.Enqueue(pkt)
	g.held = true
	g.mu.Unlock()
}

// flush delivers what the engine holds.
func (g *groState) flush() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.held {
		return
	}
	g.engine.Flush()
	g.held = false
}

// flushReceived is the underlay's batch-end callback (BatchUnderlay):
// the merged packets go to the netstack, the forwarded frames
// (host_forward.go) to the underlay.
func (e *Endpoint) flushReceived() {
	e.flushForwarded()
	if e.gro.enabled() {
		e.gro.flush()
	}
}
