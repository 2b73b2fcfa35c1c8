package stack

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/anynet/anynet/internal/nodehook"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/link/router"
	"github.com/anynet/anynet/link/udp"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Node is one anynet node: a userspace IPv6 netstack whose packets travel
// sealed, between wallets, over an underlay. The zero value is a working
// node with a throwaway wallet on a UDP socket; set the fields before the
// first call to Up (or Dial, Listen, ListenPacket, which call Up).
type Node struct {
	// Wallet signs this node's binding. If nil, Up makes a throwaway
	// wallet that lives in memory: fine for tests, useless for a name.
	Wallet transport.Signer
	// NodeKey is this node's Noise static key. If nil, Up loads it from
	// DataDir (creating it on first start) or, with no DataDir, generates
	// one in memory.
	NodeKey *transport.NodeKey
	// Binding, if set, is the wallet's signed delegation to NodeKey (for
	// a wallet that signs elsewhere). If nil, Up has Wallet sign one valid
	// for BindingTTL.
	Binding *transport.Binding
	// BindingTTL is how long a binding signed by Up is valid. Zero means
	// 30 days.
	BindingTTL time.Duration
	// ChainID is the chain the binding names. Zero means 1337, the
	// embedded chain's.
	ChainID uint64

	// Underlay carries frames. If nil, Up opens a UDP socket on
	// ListenAddr. The node owns the underlay once Up is called and closes
	// it on Close.
	Underlay link.Underlay
	// ListenAddr is the UDP address used when Underlay is nil. Empty
	// means ":0" (all interfaces, a free port).
	ListenAddr string
	// MTU is the netstack MTU. Zero means link.DefaultMTU (1280). The UDP
	// underlay is sized to carry it with a full routing header.
	MTU uint32

	// Peers are reached without asking the resolver. Several entries
	// for one wallet, each with its own NodeKey, are the instances of an
	// anycast wallet (anycast.go).
	Peers []Peer
	// Resolver maps names (and wallets without a static peer) to peers.
	// If nil, only "0x…" wallets of static peers can be dialed.
	Resolver Resolver
	// CheckBinding is called for every peer binding that verified, before
	// its handshake completes; an error refuses the peer (the naming layer
	// checks revocation here). Nil accepts every valid binding.
	CheckBinding func(transport.Binding) error

	// Names, if set, puts the node on chain. Names (and "0x…" wallets
	// without a static peer) resolve through it: name → wallet → DID
	// document → a valid node key and its underlay endpoint (an explicit
	// Resolver still wins). And every peer binding is checked against the
	// peer wallet's DID document: a node key it does not list as valid
	// (revoked, expired, never published) is refused, before
	// CheckBinding runs. Peers must therefore Publish. With ChainID zero,
	// Up asks Names for the chain id the binding names. Run the client's
	// Watch (naming.OpenEmbedded and naming.Connect do) so revocations
	// are seen at once rather than after the cache TTL.
	Names *naming.Client
	// AdmitUnpublished, with Names, also admits a peer whose wallet never
	// wrote to the DID registry (naming.Document.Unwritten) on the
	// strength of its binding alone: the wallet's EIP-191 signature of
	// the node key, chain and expiry, which transport has verified. Such
	// a peer is a stranger: it holds no name, cannot be dialed (nothing
	// publishes where it is), and its binding is revoked only by expiry
	// or by the wallet's first write to the registry, after which its
	// document governs as for any peer (live sessions are checked again,
	// revoke.go). A WatchDog's per-epoch probe wallets, and clients that
	// only dial out and never paid gas, are such peers. False refuses
	// them, as before.
	AdmitUnpublished bool
	// KeyCheckInterval is how often, with Names, the node checks the
	// node keys of its live sessions on chain again and cuts the
	// sessions of keys no longer valid (revoke.go), and looks up where
	// its routers that went down publish their endpoint now
	// (routers_moved.go). Zero means
	// DefaultKeyCheckInterval; negative never.
	KeyCheckInterval time.Duration
	// Timers tunes the sessions: rekeys, retransmissions and the flood
	// defence (LoadThreshold). Zero fields mean transport.DefaultTimers.
	Timers transport.Timers
	// PublishAddr is the underlay endpoint Publish writes. Zero means
	// Self().Addr, which is loopback for a wildcard listener: right only
	// for peers on the same host.
	PublishAddr netip.AddrPort

	// TCP holds the TCP options; the zero value means the documented
	// defaults.
	TCP TCPConfig
	// Now returns the current time for bindings and session timers; nil
	// means time.Now. The simulator passes its virtual clock.
	Now func() time.Time
	// Rand is the source of the transport's ephemeral keys and indexes,
	// of a node key made in memory and of the netstack's secure
	// randomness; nil means crypto/rand. It must be safe for concurrent
	// use. The simulator passes a seeded reader.
	Rand io.Reader
	// TickInterval is how often the link endpoint runs the transport's
	// timers. Zero (or negative) means link.DefaultTickInterval.
	TickInterval time.Duration
	// Routing places the node in a routed segment: host (the default) or
	// router, its locator, its routers (see link.Routing). The zero value
	// reaches peers only directly. A router forwards with package
	// link/router.
	Routing link.Routing
	// TunnelFinder, for a router, finds other segments' routers
	// (router.Config.Tunnels). Nil with Names means from the network
	// passes on chain (tunnel.go); nil without, none.
	TunnelFinder router.TunnelFinder
	// TunnelRefresh, for a router, is router.Config.TunnelRefresh.
	TunnelRefresh time.Duration
	// NICs are a host's further network interfaces, NIC 1 onwards: an
	// underlay (or a UDP ListenAddr) each, with the node's locator and
	// routers on it (nics.go). Nil is one NIC: Underlay with Routing. A
	// router with NICs is refused (link.ErrRouting).
	NICs []NIC
	// Anycast tunes the choice among the nodes of a wallet that several
	// serve (link.AnycastConfig); the zero value means its defaults.
	Anycast link.AnycastConfig
	// DataDir holds the node's persistent state (the node key). Empty
	// means nothing is persisted.
	DataDir string
	// Logger receives logs; nil discards.
	Logger *slog.Logger

	mu     sync.Mutex // guards the fields below
	up     bool
	closed bool
	run    *running
}

// running is what Up builds and Close tears down.
type running struct {
	wallet   common.Address
	key      transport.NodeKey
	sessions *transport.Sessions
	underlay link.Underlay
	nics     []link.Underlay // NICs 1… (nics.go); the node owns them
	ep       *link.Endpoint
	router   *router.Router // a router's forwarding; nil on a host
	ns       *stack.Stack
	ident    netip.Addr
	inst     netip.Addr // this node's instance address (instance.go)
	log      *slog.Logger
	names    *chainResolver // nil without Node.Names
	checks   *chainChecker  // nil without Node.Names (revoke.go)
	static   sync.Map       // common.Address → struct{}: static peers, never moved by the chain (repath.go)
}

// Peer is how to reach a wallet without the chain: its node key (nil
// means unknown, so the handshake is XX) and an underlay address.
type Peer struct {
	Wallet  common.Address
	NodeKey *transport.PublicKey
	Addr    netip.AddrPort
	// Locator, used when Addr is not set, reaches the peer through the
	// node's routers (Node.Routing) rather than directly.
	Locator locator.Locator
}

const nicID tcpip.NICID = 1

// Up starts the node. It is idempotent; after Close it returns ErrClosed.
func (n *Node) Up(ctx context.Context) error {
	_, err := n.start(ctx)
	return err
}

func (n *Node) start(ctx context.Context) (*running, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, ErrClosed
	}
	if n.up {
		return n.run, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	hooks := nodehook.FromContext(ctx) // the simulator's plumbing
	if hooks == nil {
		hooks = &nodehook.Hooks{}
	}
	r, err := n.build(ctx, hooks)
	if err != nil {
		return nil, err
	}
	n.run, n.up = r, true
	return r, nil
}

func (n *Node) build(ctx context.Context, hooks *nodehook.Hooks) (_ *running, err error) {
	if err := n.TCP.Validate(); err != nil {
		return nil, err
	}
	log := n.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	wallet := n.Wallet
	if wallet == nil {
		k, err := crypto.GenerateKey()
		if err != nil {
			return nil, fmt.Errorf("stack: generate wallet: %w", err)
		}
		wallet = transport.NewKeySigner(k)
	}
	key, err := n.nodeKey()
	if err != nil {
		return nil, err
	}
	chainID, err := n.chainID(ctx)
	if err != nil {
		return nil, err
	}
	binding, err := n.binding(wallet, key, chainID)
	if err != nil {
		return nil, err
	}
	sessions, err := transport.New(transport.Config{
		Key:     key,
		Binding: binding,
		ChainID: chainID,
		Check:   n.checkBinding(),
		Timers:  n.Timers,
		Now:     n.Now,
		Rand:    n.Rand,
		Logger:  log.With("layer", "transport"),
	})
	if err != nil {
		return nil, fmt.Errorf("stack: sessions: %w", err)
	}
	mtu := n.MTU
	if mtu == 0 {
		mtu = link.DefaultMTU
	}
	underlay := n.Underlay
	if underlay == nil {
		underlay, err = openUDP(ctx, n.ListenAddr, int(mtu)+link.MaxFrameHeader+link.TransportOverhead, log)
		if err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				underlay.Close()
			}
		}()
	}
	nics, nicUnderlays, err := n.openNICs(ctx, int(mtu)+link.MaxFrameHeader+link.TransportOverhead, log)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil { // close what the node opened, as for NIC 0
			for i, u := range nicUnderlays {
				if n.NICs[i].Underlay == nil {
					u.Close()
				}
			}
		}
	}()
	tick := n.TickInterval
	if tick < 0 {
		tick = 0
	}
	if hooks.ManualTick {
		tick = -1
	}
	lc := link.Config{
		Sessions:     sessions,
		Underlay:     underlay,
		NICs:         nics,
		MTU:          mtu,
		Now:          n.Now,
		TickInterval: tick,
		Routing:      n.Routing,
		Anycast:      n.Anycast,
		Logger:       log.With("layer", "link"),
	}
	var rtr *router.Router
	if n.Routing.Role == link.RoleRouter {
		rtr = router.New(n.routerConfig())
		lc.Router = rtr
	}
	ep, err := link.New(lc)
	if err != nil {
		return nil, err
	}
	r := &running{
		wallet:   wallet.Address(),
		key:      key,
		sessions: sessions,
		underlay: underlay,
		nics:     nicUnderlays,
		ep:       ep,
		router:   rtr,
		ident:    link.IdentityAddr(wallet.Address()),
		inst:     link.InstanceAddr(wallet.Address(), key.Public),
		log:      log,
	}
	if n.Names != nil {
		r.names = &chainResolver{names: n.Names, self: r.wallet, routed: n.routedHost(), mine: n.Locators()}
	}
	if r.ns, err = newNetstack(ep, r.ident, r.inst, n.TCP, netstackRand{hooks.Clock, n.Rand, hooks.RandSource}); err != nil {
		ep.Shutdown()
		return nil, err
	}
	r.markStatic(n.Peers)                         // repath.go
	if err := addPeers(ep, n.Peers); err != nil { // anycast.go
		r.close()
		return nil, err
	}
	r.checks = startChainChecker(n, sessions, ep, hooks.ManualTick, log) // revoke.go
	if hooks.OnUp != nil {
		hooks.OnUp(nodehook.Internals{Netstack: r.ns, Link: ep, Router: rtr, Sessions: sessions})
	}
	log.Debug("stack up", "wallet", r.wallet, "underlay", underlay.LocalAddr()) // the caller says "node up" (cmd/anynet's daemon does, once)
	return r, nil
}

func (n *Node) nodeKey() (transport.NodeKey, error) {
	if n.NodeKey != nil {
		return *n.NodeKey, nil
	}
	if n.DataDir != "" {
		return loadOrCreateNodeKey(n.DataDir)
	}
	if n.Rand != nil {
		return transport.GenerateNodeKey(n.Rand)
	}
	return transport.GenerateNodeKey(rand.Reader)
}

func (n *Node) binding(w transport.Signer, key transport.NodeKey, chainID uint64) (transport.Binding, error) {
	if n.Binding != nil {
		b := *n.Binding
		if b.NodeKey != key.Public || b.Wallet != w.Address() {
			return transport.Binding{}, fmt.Errorf("stack: Binding is for node key %x and wallet %s, not this node", b.NodeKey[:4], b.Wallet)
		}
		return b, nil
	}
	ttl := n.BindingTTL
	if ttl == 0 {
		ttl = 30 * 24 * time.Hour
	}
	b, err := transport.SignBinding(w, key.Public, chainID, n.now().Add(ttl))
	if err != nil {
		return transport.Binding{}, fmt.Errorf("stack: sign binding: %w", err)
	}
	return b, nil
}

func openUDP(ctx context.Context, addr string, mtu int, log *slog.Logger) (link.Underlay, error) {
	u, err := udp.Listen(ctx, udp.Config{Addr: addr, MTU: mtu, Logger: log.With("layer", "udp")})
	if err != nil {
		return nil, fmt.Errorf("stack: listen %q: %w", addr, err)
	}
	return u, nil
}

// Close stops the node: the netstack, the timers and the underlay. It
// is idempotent and leaves no goroutine behind.
func (n *Node) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil
	}
	n.closed = true
	if n.run != nil {
		n.run.close()
	}
	return nil
}

func (r *running) close() {
	r.checks.stop()
	// Stop inbound first so nothing is injected into a closing stack.
	r.underlay.Close()
	closeAll(r.nics)
	r.ns.Close()
	// The endpoint's timer goroutine must stop before Wait, which waits
	// for every link endpoint.
	r.ep.Shutdown()
	r.ns.Wait()
}

// Addr returns this node's wallet. Valid after Up.
func (n *Node) Addr() common.Address {
	r, _ := n.current()
	if r == nil {
		return common.Address{}
	}
	return r.wallet
}

// Self returns this node as a static peer for others: wallet, node key
// and underlay address. When the underlay listens on every interface
// (the default), the address is the loopback one, which is right for
// peers on the same host; peers elsewhere need the host's own address.
// With NICs it is NIC 0's (Endpoints lists every NIC's). Valid after Up.
func (n *Node) Self() Peer {
	r, _ := n.current()
	if r == nil {
		return Peer{}
	}
	pub := r.key.Public
	return Peer{Wallet: r.wallet, NodeKey: &pub, Addr: reachable(r.underlay.LocalAddr())}
}

// reachable replaces an unspecified host with loopback.
func reachable(ap netip.AddrPort) netip.AddrPort {
	switch {
	case !ap.Addr().IsUnspecified():
		return ap
	case ap.Addr().Is4():
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), ap.Port())
	default:
		return netip.AddrPortFrom(netip.IPv6Loopback(), ap.Port())
	}
}

// AddPeer adds or updates a static peer.
func (n *Node) AddPeer(ctx context.Context, p Peer) error {
	r, err := n.start(ctx)
	if err != nil {
		return err
	}
	r.markStatic([]Peer{p})
	return addPeer(r.ep, p)
}

// LinkStats returns the overlay's counters. Valid after Up.
func (n *Node) LinkStats() link.Stats {
	r, _ := n.current()
	if r == nil {
		return link.Stats{}
	}
	return r.ep.Stats()
}

// TransportStats returns the session layer's counters. Valid after Up.
func (n *Node) TransportStats() transport.Stats {
	r, _ := n.current()
	if r == nil {
		return transport.Stats{}
	}
	return r.sessions.Stats()
}

// HandshakeLoad returns the state of the session layer's flood defence:
// whether it is under load and answering initiations with cookies. Valid
// after Up.
func (n *Node) HandshakeLoad() transport.Load {
	r, _ := n.current()
	if r == nil {
		return transport.Load{}
	}
	return r.sessions.Load()
}

func (n *Node) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

func (n *Node) current() (*running, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, ErrClosed
	}
	return n.run, nil
}

var _ io.Closer = (*Node)(nil)
