package link

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/anynet/anynet/transport"
)

// This file is the seam between the host's data path (this package) and
// the router's (package link/router). A router node's Endpoint is given
// a Forwarder in Config.Router; the endpoint hands it a Port when it is
// built, passes it every frame addressed to another locator and every
// control message, asks it where its own routed frames go, and runs its
// timers. link never imports link/router: the router imports link.
//
// Buffers: a frame passed to Forward, and the Header and payload parsed
// from it, belong to the underlay until Forward returns; the forwarder
// may rewrite the hop limit in place and must copy what it keeps. A
// ControlMessage's Body is valid only during Control. Frames and bodies
// the forwarder passes to Port (SendFrame, SendControl, SendRouted) are
// not retained: the Port copies what it queues and the underlay copies
// or sends before returning.

// Forwarder is a router's half of the data path (package link/router).
type Forwarder interface {
	// Start hands the forwarder its endpoint's Port. New calls it once,
	// before the endpoint receives any frame.
	Start(p Port) error
	// Forward takes a frame whose destination locator is none of this
	// node's, from src. It returns the next hop when the endpoint is to
	// send frame on (the forwarder decremented its hop limit in place);
	// false when the forwarder took care of it (dropped, answered
	// unreachable, held for a tunnel lookup). It runs on the underlay's
	// reader goroutine and must not wait on another node's queue. h
	// comes by value so that the endpoint's copy stays on its stack.
	Forward(frame []byte, h Header, payload []byte, src netip.AddrPort) (next netip.AddrPort, ok bool)
	// Control acts on an opened control message. An error counts the
	// message as refused (Stats.DroppedControl).
	Control(m *ControlMessage) error
	// NextHop returns where a frame this node originates for dst goes.
	NextHop(dst *Locator) (netip.AddrPort, bool)
	// SessionUp tells the forwarder that a session became usable, so
	// the control messages it owes can go at the next Tick.
	SessionUp()
	// Tick runs the forwarder's timers; Endpoint.Tick calls it.
	Tick(now time.Time)
	// Routers reports the forwarder's neighbor routers.
	Routers() []RouterStatus
	// MoveRouter points the neighbor with wallet at addr.
	MoveRouter(wallet [20]byte, addr netip.AddrPort) error
	// Close stops the forwarder's background work; Shutdown calls it.
	Close()
}

// ForwardMeter is a Forwarder that counts what it forwards (package
// link/router's meter, for proof of relay): the endpoint hands it the
// frames it passed on (Forward returned true) that the underlay took,
// so that it counts what left, not what it meant to send (a frame that
// finds the next hop's queue full is dropped, Stats.DroppedSendFull,
// and is not handed over). Frames come in the order they went, those
// of one batch to one next hop in one call (a burst of one flow's
// segments, on a BatchUnderlay), each as Forward left it; they are
// valid only during the call. Sent runs on the goroutine that sent
// them and must not wait.
type ForwardMeter interface {
	Sent(frames [][]byte)
}

// Port is what an Endpoint offers its Forwarder. No method waits on
// another node's queue.
type Port interface {
	// Routing returns the node's routing configuration (Config.Routing).
	Routing() Routing
	// Now is the endpoint's clock (Config.Now).
	Now() time.Time
	// Logger is the endpoint's logger.
	Logger() *slog.Logger
	// NodeKey is this node's public node key, which names it in route
	// paths.
	NodeKey() [32]byte
	// LocalAddr is the underlay's own address.
	LocalAddr() netip.AddrPort
	// ControlRoom is the largest control message a control frame carries.
	ControlRoom() int
	// Neighbor registers rp as a peer of the endpoint and returns it.
	Neighbor(rp RouterPeer) (PeerRef, error)
	// SendControl seals msg for to and sends it in a control frame. It
	// fails with transport.ErrNoSession when there is no session; then
	// Handshake starts one.
	SendControl(to PeerRef, msg []byte) error
	// Handshake starts a handshake with to.
	Handshake(to PeerRef)
	// SendFrame sends frame, unchanged, to dst at once without waiting
	// (a full queue drops and counts it), and counts it as forwarded.
	SendFrame(dst netip.AddrPort, frame []byte)
	// SendRouted sends body in a frame of type t to the locator dst,
	// with this node's locator as source, through NextHop or else
	// through fallback. It reports whether the frame went.
	SendRouted(dst *Locator, t FrameType, body []byte, fallback netip.AddrPort) bool
	// Count adds n to one of the endpoint's routing counters (Stats).
	Count(c Counter, n uint64)
}

// Counter names a Stats counter a Forwarder adds to.
type Counter uint8

const (
	CountNoRoute            Counter = iota // Stats.DroppedNoRoute
	CountHopLimit                          // Stats.DroppedHopLimit
	CountUnreachableSent                   // Stats.UnreachableSent
	CountPunchesCoordinated                // Stats.PunchesCoordinated
)

// PeerRef is a peer a Forwarder sends control messages to: a neighbor
// router from the endpoint's peer table (Port.Neighbor), the sender of a
// control message (ControlMessage.From), or an attached host's own
// record (ControlMessage.Attachment). The zero value is no peer.
type PeerRef struct{ p *peer }

// IsZero reports whether r names no peer.
func (r PeerRef) IsZero() bool { return r.p == nil }

// Addr is where the peer's frames go now.
func (r PeerRef) Addr() netip.AddrPort { return r.p.endpoint() }

// SetAddr moves the peer to addr.
func (r PeerRef) SetAddr(addr netip.AddrPort) {
	r.p.mu.Lock()
	r.p.addr.store(addr)
	r.p.mu.Unlock()
}

// Session is the peer's transport session.
func (r PeerRef) Session() *transport.Peer { return r.p.transportPeer() }

// ControlMessage is an opened control message (doc.go, "Routing").
type ControlMessage struct {
	From    PeerRef         // the endpoint's peer for the sender
	Session *transport.Peer // the session the message opened in
	Key     [32]byte        // the sender's node key
	Kind    ControlKind
	Body    []byte         // valid until Control returns
	Src     netip.AddrPort // the underlay address it came from
}

// Attachment returns a record of its own for the sender of m, with m's
// session and source address: the peer table keeps one peer per wallet,
// and two nodes of one wallet (anycast instances) may attach to the same
// router.
func (m *ControlMessage) Attachment() PeerRef {
	return PeerRef{newPeer(m.From.p.wallet, m.From.p.ident, m.Session, m.Src)}
}

// port is an Endpoint's Port.
type port struct {
	e       *Endpoint
	routing Routing
}

var _ Port = (*port)(nil)

func (p *port) Routing() Routing          { return p.routing }
func (p *port) Now() time.Time            { return p.e.now() }
func (p *port) Logger() *slog.Logger      { return p.e.log }
func (p *port) NodeKey() [32]byte         { return p.e.sessions.PublicKey() }
func (p *port) LocalAddr() netip.AddrPort { return p.e.underlay.LocalAddr() }
func (p *port) ControlRoom() int          { return int(p.e.maxMTU) - 1 }

func (p *port) Neighbor(rp RouterPeer) (PeerRef, error) {
	key := rp.NodeKey
	if err := p.e.AddPeer(rp.Wallet, &key, rp.Addr); err != nil {
		return PeerRef{}, fmt.Errorf("link: router %x: %w", rp.Wallet, err)
	}
	return PeerRef{p.e.peers.byIdent(IdentityAddr(rp.Wallet))}, nil
}

func (p *port) SendControl(to PeerRef, msg []byte) error { return p.e.sealControl(to.p, msg) }
func (p *port) Handshake(to PeerRef)                     { p.e.startHandshake(to.p) }
func (p *port) SendFrame(dst netip.AddrPort, frame []byte) {
	p.e.stats.framesForwarded.Add(1)
	p.e.sendFrames(dst, frame)
}

func (p *port) SendRouted(dst *Locator, t FrameType, body []byte, fallback netip.AddrPort) bool {
	return p.e.sendRouted(dst, t, body, fallback, 0)
}

func (p *port) Count(c Counter, n uint64) {
	s := &p.e.stats
	switch c {
	case CountNoRoute:
		s.droppedNoRoute.Add(n)
	case CountHopLimit:
		s.droppedHopLimit.Add(n)
	case CountUnreachableSent:
		s.unreachableSent.Add(n)
	case CountPunchesCoordinated:
		s.punchesCoordinated.Add(n)
	}
}

// sealControl seals msg for p and sends it in a control frame. It fails
// with transport.ErrNoSession when p has no session.
func (e *Endpoint) sealControl(p *peer, msg []byte) error {
	tp, dst := p.route()
	buf := e.bufs.get()
	defer e.bufs.put(buf)
	putHeader(*buf, FrameControl, 1)
	frame, err := e.sessions.Seal((*buf)[:MinFrameHeader], tp, msg)
	if err != nil {
		if !errors.Is(err, transport.ErrNoSession) {
			e.log.Debug("seal control", "err", err)
		}
		return err
	}
	e.stats.controlSent.Add(1)
	e.sendFrames(dst, frame)
	return nil
}
