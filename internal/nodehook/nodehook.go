// Package nodehook is the simulator's way into a stack.Node: the
// netstack's clock and non-cryptographic randomness, timers it fires
// itself instead of the link endpoint's ticker goroutine, and the running
// parts it drives (the gVisor stack it pauses and resumes, the link
// endpoint it ticks). It is internal so that stack.Node's public fields
// are only what a user sets; stack and sim (and stack's own tests) import
// it.
//
// The hooks travel in the context passed to Node.Up:
//
//	ctx = nodehook.NewContext(ctx, &nodehook.Hooks{Clock: c, ManualTick: true, OnUp: f})
//	err := node.Up(ctx)
package nodehook

import (
	"context"
	mrand "math/rand"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/router"
	"github.com/anynet/anynet/transport"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Hooks replace a node's real clock, randomness and timer goroutine.
// The zero value changes nothing.
type Hooks struct {
	// Clock is the netstack's clock (TCP timers, RTT); nil means the
	// real one.
	Clock tcpip.Clock
	// RandSource seeds the netstack's non-cryptographic randomness (port
	// choice, hash seeds); nil means seeded from Node.Rand. It must be
	// safe for concurrent use.
	RandSource mrand.Source
	// ManualTick starts no timer goroutines (the link endpoint's ticker,
	// the chain checks): the owner of the hooks calls Internals.Link.Tick
	// at times of its choosing.
	ManualTick bool
	// OnUp, if set, is called at the end of Up with the node's running
	// parts.
	OnUp func(Internals)
}

// Internals are the running parts of a node that a simulator drives: it
// fires the netstack's timers through Hooks.Clock, drains its processor
// goroutines with Netstack.Pause and Resume, and calls Link.Tick when
// Hooks.ManualTick is set.
type Internals struct {
	Netstack *stack.Stack
	Link     *link.Endpoint
	Router   *router.Router // a router's forwarding; nil on a host
	Sessions *transport.Sessions
}

type ctxKey struct{}

// NewContext returns ctx carrying h, for Node.Up.
func NewContext(ctx context.Context, h *Hooks) context.Context {
	return context.WithValue(ctx, ctxKey{}, h)
}

// FromContext returns the hooks ctx carries, or nil.
func FromContext(ctx context.Context) *Hooks {
	h, _ := ctx.Value(ctxKey{}).(*Hooks)
	return h
}
