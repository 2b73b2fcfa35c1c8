package link

import (
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anynet/anynet/transport"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

const (
	// DefaultMTU is the netstack MTU: the IPv6 minimum, so every path
	// carries it.
	DefaultMTU = header.IPv6MinimumMTU

	// TransportOverhead is what sealing adds to a packet: the transport
	// data header and the AEAD tag.
	TransportOverhead = 32

	// MinUnderlayMTU is the smallest underlay MTU that carries a
	// DefaultMTU packet with a full routing header.
	MinUnderlayMTU = DefaultMTU + MaxFrameHeader + TransportOverhead

	// DefaultQueueLen is how many packets wait per peer for a handshake.
	DefaultQueueLen = 256

	// DefaultTickInterval is how often the endpoint runs the transport's
	// timers while it routes, serves anycast peers or waits on a
	// handshake; an idle host sleeps until the transport's next deadline,
	// at most idleTickMax, so it does not wake ten times a second, and a
	// host with nothing to time at all sleeps idleSleepMax.
	DefaultTickInterval = 100 * time.Millisecond

	// idleTickMax bounds the timer goroutine's sleep on a host that has
	// sessions or handshakes (their deadlines come from the transport).
	idleTickMax = time.Second

	// idleSleepMax bounds the timer goroutine's sleep on a host with no
	// session, no handshake and no queued packet: nothing is timed, and
	// whatever creates state wakes the goroutine (wakeIdle). A node that
	// nobody talks to then wakes once a minute, not once a second.
	idleSleepMax = time.Minute

	// handshakeRetry is the least time between two handshakes the data
	// path starts for one peer; the transport retransmits in between.
	handshakeRetry = 5 * time.Second
)

// Config configures an Endpoint.
type Config struct {
	// Sessions seals and opens this node's frames. Required.
	Sessions *transport.Sessions
	// Underlay carries frames. Required.
	Underlay Underlay
	// MTU is the netstack MTU. Zero means DefaultMTU. It must leave room
	// for MaxFrameHeader and TransportOverhead within the underlay MTU.
	MTU uint32
	// QueueLen bounds the packets held per peer while a handshake runs;
	// when full the oldest is dropped and counted. Zero means
	// DefaultQueueLen.
	QueueLen int
	// TickInterval is the period of the timer goroutine. Zero means
	// DefaultTickInterval; negative starts no goroutine and the caller
	// (the simulator) calls Tick itself.
	TickInterval time.Duration
	// DisableGSO turns off segmentation offload on send: without it the
	// netstack hands over packets of up to 64 KiB that the endpoint cuts
	// into MTU-sized segments (gso.go) and sends as one underlay batch.
	DisableGSO bool
	// DisableGRO turns off receive coalescing: without it the TCP
	// segments of one underlay read batch are merged before they reach
	// the netstack (gro.go), on underlays that mark their batches
	// (BatchUnderlay).
	DisableGRO bool
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives debug logs; nil discards.
	Logger *slog.Logger

	// Routing places the node in a routed segment: its role (host or
	// router), locator and routers (host_routing.go). The zero value is
	// a host that reaches its peers only directly.
	Routing Routing

	// Router forwards frames for other nodes (package link/router's
	// New). Required with Routing.Role RoleRouter, refused without.
	Router Forwarder

	// NICs are a host's further network interfaces, NIC 1 onwards
	// (nic.go): each an underlay of its own with its own locator and
	// routers. Nil, the usual case, is one NIC: Underlay with Routing. A
	// router with NICs is refused (ErrRouting).
	NICs []NIC

	// Anycast tunes the choice among the nodes of a wallet that several
	// serve (AddInstances, anycast.go).
	Anycast AnycastConfig
}

// Endpoint is the overlay's gVisor link endpoint: IPv6 packets written
// by the netstack leave sealed in frames on the underlay (send.go), and
// frames from the underlay are opened and injected (receive.go).
type Endpoint struct {
	sessions *transport.Sessions
	underlay Underlay
	nics     []Underlay // every NIC's underlay, NIC 0 first; nil with one NIC (nic.go)
	queueLen int
	now      func() time.Time
	log      *slog.Logger
	mtu      atomic.Uint32
	maxMTU   uint32
	gso      stack.SupportedGSO

	gro  groState // receive coalescing (gro.go); off without a BatchUnderlay
	fwdq fwdState // forwarded frames batched per read batch (host_forward.go)
	// rxSerial: one BatchUnderlay, which calls receive one call at a
	// time with batch ends (flushReceived) between, so what a batch's
	// frames add up to is kept without a lock: rxRun.
	rxSerial bool
	rxRun    meterRun // received routed frames not yet on the meter (meter.go)

	rt       *routing     // the host's routing state (host_routing.go); nil without Config.Routing
	fwd      Forwarder    // a router's forwarding (package link/router); nil on a host
	fwdMeter ForwardMeter // fwd, when it meters what it forwards; else nil

	pathChange pathNotifier // PathChanged's watchers (pathnotify.go)

	any anycastState // wallets served by several nodes (anycast.go)

	probes probeWatch // segments that may go again early (nudge.go)

	meter meter // routed traffic, for proof of relay (meter.go)

	dispatcher atomic.Pointer[dispatcherBox]

	peers peerTable
	bufs  *framePool
	stats counters

	closeOnce sync.Once
	done      chan struct{}
	kick      chan struct{} // wakes the timer goroutine early (a cookie arrived)
	// deepIdle is set while the timer goroutine may sleep idleSleepMax
	// (set before it reads the transport's deadline, so state created
	// after that read sees it and wakes the goroutine: wakeIdle).
	deepIdle atomic.Bool
	wg       sync.WaitGroup // the timer goroutine
}

type dispatcherBox struct{ d stack.NetworkDispatcher }

var (
	_ stack.LinkEndpoint = (*Endpoint)(nil)
	_ stack.GSOEndpoint  = (*Endpoint)(nil)
)

// New returns an endpoint over cfg.Underlay and installs itself as the
// underlay's receiver.
func New(cfg Config) (*Endpoint, error) {
	if cfg.Sessions == nil || cfg.Underlay == nil {
		return nil, fmt.Errorf("link: config needs Sessions and Underlay")
	}
	if cfg.MTU == 0 {
		cfg.MTU = DefaultMTU
	}
	if cfg.MTU < header.IPv6MinimumMTU {
		return nil, fmt.Errorf("link: MTU %d below the IPv6 minimum %d", cfg.MTU, header.IPv6MinimumMTU)
	}
	if need := int(cfg.MTU) + MaxFrameHeader + TransportOverhead; cfg.Underlay.MTU() < need {
		return nil, fmt.Errorf("link: underlay MTU %d too small for netstack MTU %d (need %d)", cfg.Underlay.MTU(), cfg.MTU, need)
	}
	if cfg.QueueLen <= 0 {
		cfg.QueueLen = DefaultQueueLen
	}
	if cfg.TickInterval == 0 {
		cfg.TickInterval = DefaultTickInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	e := &Endpoint{
		sessions: cfg.Sessions,
		underlay: cfg.Underlay,
		queueLen: cfg.QueueLen,
		now:      cfg.Now,
		log:      cfg.Logger,
		done:     make(chan struct{}),
		kick:     make(chan struct{}, 1),
		maxMTU:   cfg.MTU,
	}
	e.gso = stack.HostGSOSupported
	if cfg.DisableGSO {
		e.gso = stack.GSONotSupported
	}
	e.peers.init()
	e.peers.self = cfg.Sessions.Wallet()
	e.any.cfg = cfg.Anycast.withDefaults()
	e.bufs = newFramePool(int(cfg.MTU) + MaxFrameHeader + TransportOverhead)
	e.mtu.Store(cfg.MTU)
	if bu, ok := cfg.Underlay.(BatchUnderlay); ok {
		if !cfg.DisableGRO {
			e.gro.init()
		}
		e.rxSerial = len(cfg.NICs) == 0
		e.fwdq.on = cfg.Router != nil // host_forward.go
		e.fwdq.hold = e.fwdq.on && e.rxSerial
		bu.SetBatchEnd(e.flushReceived)
	}
	if len(cfg.NICs) > 0 { // several NICs (nic.go)
		if err := e.initNICs(&cfg); err != nil {
			return nil, err
		}
	}
	if (cfg.Routing.Role == RoleRouter) != (cfg.Router != nil) {
		return nil, fmt.Errorf("%w: Config.Router (package link/router) goes with Routing.Role RoleRouter, and only with it", ErrRouting)
	}
	if cfg.Routing.enabled() || len(cfg.NICs) > 0 { // routing hook (host_routing.go)
		rt, err := e.newRouting(cfg.Routing, cfg.NICs)
		if err != nil {
			return nil, err
		}
		e.rt = rt
	}
	if cfg.Router != nil { // a router (package link/router)
		if err := cfg.Router.Start(&port{e: e, routing: cfg.Routing}); err != nil {
			return nil, fmt.Errorf("link: router: %w", err)
		}
		e.fwd = cfg.Router
		e.fwdMeter, _ = cfg.Router.(ForwardMeter)
	}
	cfg.Underlay.SetReceiver(e.receive)
	e.listenNICs() // several NICs (nic.go)
	if cfg.TickInterval > 0 {
		e.wg.Add(1)
		go e.tickLoop(cfg.TickInterval)
	}
	return e, nil
}

// AddPeer tells the endpoint how to reach wallet: the underlay address
// and, if known, its node key (IK handshake; nil means XX). Packets to
// the wallet's identity address go to this peer from now on.
//
// Packets that waited for the anycast group it replaces (AddInstances)
// wait for this peer, ahead of those written after.
func (e *Endpoint) AddPeer(wallet [20]byte, key *transport.PublicKey, addr netip.AddrPort) error {
	return e.addPeer(wallet, key, addr, nil, 0)
}

// addPeer is AddPeer, and for a peer reached through routers
// (AddRoutedPeer) its locator loc on NIC nic; nil loc leaves them.
func (e *Endpoint) addPeer(wallet [20]byte, key *transport.PublicKey, addr netip.AddrPort, loc *Locator, nic int) error {
	p, waits, err := e.peers.add(wallet, e.sessions.Peer(wallet, key), addr, e.now())
	if err != nil {
		return err
	}
	if loc != nil {
		p.nic.Store(uint32(nic))
		p.loc.Store(loc)
	}
	if waits {
		e.drain(p, true)
	}
	return nil
}

// Wallet returns the verified wallet behind an identity address, if a
// session with it was ever established.
func (e *Endpoint) Wallet(ident netip.Addr) ([20]byte, bool) {
	p := e.peers.byIdent(ident)
	if p == nil || !p.verified.Load() {
		return [20]byte{}, false
	}
	return p.wallet, true
}

// Stats returns the endpoint's counters.
func (e *Endpoint) Stats() Stats { return e.stats.snapshot() }

// tickLoop is the long-lived goroutine that runs the transport's timers.
func (e *Endpoint) tickLoop(every time.Duration) {
	defer e.wg.Done()
	t := time.NewTimer(every)
	defer t.Stop()
	next := time.Now().Add(every)
	for {
		select {
		case <-e.done:
			return
		case <-t.C:
			e.Tick()
			d := e.nextTick(every)
			next = time.Now().Add(d)
			t.Reset(d)
		case <-e.kick:
			// Only ever bring the next tick forward: kicks that come
			// faster than ticks must not starve them.
			d := e.nextTick(every)
			if at := time.Now().Add(d); at.Before(next) {
				next = at
				t.Reset(d)
			}
		}
	}
}

// nextTick is how long the timer goroutine sleeps: every while the
// endpoint routes or serves anycast peers, else until its next deadline
// (the transport's timers, the probes of nudge.go), at most idleTickMax
// (and never less than every).
//
// With no session, handshake, probe or queued packet at all it sleeps
// idleSleepMax, and deepIdle is set while it does: it is stored before
// the deadlines are read, so a handshake started after that read finds
// it set and wakes the goroutine (wakeIdle); a probe armed wakes it
// always (remember).
func (e *Endpoint) nextTick(every time.Duration) time.Duration {
	if e.rt != nil || e.hasAnycast() {
		e.deepIdle.Store(false)
		return every
	}
	e.deepIdle.Store(true)
	at := e.NextDeadline()
	if at.IsZero() && e.peers.queued.Load() == 0 && !e.watchingProbes() {
		return idleSleepMax
	}
	e.deepIdle.Store(false)
	d := idleTickMax
	if !at.IsZero() {
		d = min(d, max(at.Sub(e.now()), 0))
	}
	return max(d, every)
}

// wakeIdle wakes the timer goroutine if it sleeps idleSleepMax: new
// transport state (a handshake started or answered) has deadlines of
// its own.
func (e *Endpoint) wakeIdle() {
	if e.deepIdle.Load() {
		e.wake()
	}
}

// wake asks the timer goroutine to recompute its sleep now.
func (e *Endpoint) wake() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// Tick runs the transport's timers once and sends what they produce.
func (e *Endpoint) Tick() {
	for _, out := range e.sessions.Tick() {
		p := e.peers.byTransport(out.Peer)
		if p == nil {
			continue
		}
		e.sendTo(p, out.Msg) // routing hook (host_route.go): with locators for a routed peer
	}
	e.stats.droppedQueueExpired.Add(uint64(e.peers.expireQueues(e.now())))
	e.tickProbes(e.now()) // nudge.go: early SYN retransmissions, tail probes
	e.tickRouting()       // routing hook (host_routing.go): attaches, hold timers, the router's
	e.tickAnycast()       // anycast hook (anycast.go): probes, failover
}

// Shutdown stops the timer goroutine. It does not close the underlay,
// which belongs to the caller. Shutdown is idempotent.
func (e *Endpoint) Shutdown() {
	e.closeOnce.Do(func() {
		if e.fwd != nil {
			e.fwd.Close()
		}
		close(e.done)
		e.wg.Wait()
	})
}

// The rest of this file is stack.LinkEndpoint.

// MTU implements stack.LinkEndpoint.
func (e *Endpoint) MTU() uint32 { return e.mtu.Load() }

// SetMTU implements stack.LinkEndpoint. The MTU may shrink (a path
// with less room) but not grow past what the endpoint was built for.
func (e *Endpoint) SetMTU(mtu uint32) {
	if mtu >= header.IPv6MinimumMTU && mtu <= e.maxMTU {
		e.mtu.Store(mtu)
	}
}

// GSOMaxSize implements stack.GSOEndpoint: the largest packet the
// netstack may hand WritePackets for the endpoint to segment.
func (*Endpoint) GSOMaxSize() uint32 { return gsoMaxSize }

// SupportedGSO implements stack.GSOEndpoint. The endpoint segments TCP
// itself (gso.go) as a host NIC would, so it reports host GSO: the
// netstack then leaves the cutting and the checksums to it.
func (e *Endpoint) SupportedGSO() stack.SupportedGSO { return e.gso }

// MaxHeaderLength implements stack.LinkEndpoint: frames are built in
// buffers of the endpoint's own, so the netstack reserves nothing.
func (*Endpoint) MaxHeaderLength() uint16 { return 0 }

// LinkAddress implements stack.LinkEndpoint; the overlay has none.
func (*Endpoint) LinkAddress() tcpip.LinkAddress { return "" }

// SetLinkAddress implements stack.LinkEndpoint.
func (*Endpoint) SetLinkAddress(tcpip.LinkAddress) {}

// Capabilities implements stack.LinkEndpoint. Inbound packets are
// authenticated by the session's AEAD, so the netstack need not verify
// their checksums.
func (*Endpoint) Capabilities() stack.LinkEndpointCapabilities {
	return stack.CapabilityRXChecksumOffload
}

// Attach implements stack.LinkEndpoint.
func (e *Endpoint) Attach(d stack.NetworkDispatcher) {
	if d == nil {
		e.dispatcher.Store(nil)
		return
	}
	e.dispatcher.Store(&dispatcherBox{d})
}

// IsAttached implements stack.LinkEndpoint.
func (e *Endpoint) IsAttached() bool { return e.dispatcher.Load() != nil }

// Wait implements stack.LinkEndpoint.
func (e *Endpoint) Wait() { e.wg.Wait() }

// ARPHardwareType implements stack.LinkEndpoint.
func (*Endpoint) ARPHardwareType() header.ARPHardwareType { return header.ARPHardwareNone }

// AddHeader implements stack.LinkEndpoint; frames are built on send.
func (*Endpoint) AddHeader(*stack.PacketBuffer) {}

// ParseHeader implements stack.LinkEndpoint.
func (*Endpoint) ParseHeader(*stack.PacketBuffer) bool { return true }

// Close implements stack.LinkEndpoint.
func (e *Endpoint) Close() { e.Shutdown() }

// SetOnCloseAction implements stack.LinkEndpoint.
func (*Endpoint) SetOnCloseAction(func()) {}

// HasPeer reports whether the endpoint knows how to reach ident.
func (e *Endpoint) HasPeer(ident netip.Addr) bool { return e.peers.byIdent(ident) != nil }

// PeerWallet returns the wallet of the peer at ident, verified or not.
func (e *Endpoint) PeerWallet(ident netip.Addr) ([20]byte, bool) {
	p := e.peers.byIdent(ident)
	if p == nil {
		return [20]byte{}, false
	}
	return p.wallet, true
}
