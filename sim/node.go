package sim

import (
	"context"
	"crypto/ecdsa"
	"fmt"

	"github.com/anynet/anynet/internal/nodehook"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
	"gvisor.dev/gvisor/pkg/tcpip"
)

// node is one simulated host: a stable identity (wallet, node key,
// underlay address) and its current incarnation, a full stack.Node with
// a virtual clock, seeded randomness and a manual transport tick. A
// crash closes the incarnation; a restart builds the next one.
type node struct {
	s      *Sim
	id     int32
	signer transport.Signer
	key    transport.NodeKey
	self   stack.Peer

	// The fields below are touched only by the run's goroutine.
	inc      int
	down     bool
	late     bool // a joiner not yet up (churn.go)
	left     bool // gone for good (churn.go)
	st       *stack.Node
	in       nodehook.Internals
	clock    *Clock
	ul       *underlay
	tickEv   *event
	lastTick int64
	tasks    []task  // tasks that act on this node, in creation order
	srv      *server // nil unless some transfer targets this node
}

// walletKey is node id's wallet key, drawn from the run's seed.
func (s *Sim) walletKey(id int32) *ecdsa.PrivateKey {
	ws := streamSeed(s.seed, "wallet", id, 0)
	// A 256-bit value is a valid secp256k1 key but for ~2^-128 of them.
	wk, err := crypto.ToECDSA(ws[:])
	if err != nil {
		panic(fmt.Sprintf("sim: wallet key of node %d: %v", id, err))
	}
	return wk
}

func newNode(s *Sim, id int32) *node {
	n := &node{s: s, id: id, lastTick: -1}
	n.signer = transport.NewKeySigner(s.walletKey(id))
	nk, err := transport.NodeKeyFromPrivate(streamSeed(s.seed, "nodekey", id, 0))
	if err != nil {
		panic(fmt.Sprintf("sim: node key of node %d: %v", id, err))
	}
	n.key = nk
	pub := nk.Public
	n.self = stack.Peer{Wallet: n.signer.Address(), NodeKey: &pub, Addr: addrOf(id)}
	return n
}

// start brings up the next incarnation.
func (n *node) start(ctx context.Context) error {
	s := n.s
	n.clock = &Clock{s: s, node: n.id}
	n.ul = &underlay{s: s, id: n.id}
	key := n.key
	buf := int(s.sc.TCP.Buffer)
	n.st = &stack.Node{
		Wallet:   n.signer,
		NodeKey:  &key,
		Underlay: n.ul,
		TCP:      stack.TCPConfig{DefaultBuffer: buf, MaxBuffer: buf},
		Now:      n.clock.Now,
		Rand:     newReader(s.seed, "rand", n.id, n.inc),
	}
	hooks := &nodehook.Hooks{ // the simulator drives the node's time and timers
		Clock:      n.clock,
		RandSource: newSource(s.seed, "randsource", n.id, n.inc),
		ManualTick: true,
		OnUp:       func(in nodehook.Internals) { n.in = in },
	}
	if s.names != nil && !s.rt.isRouter(n.id) { // lookups and binding checks on the chain (names.go)
		n.st.Names, n.st.ChainID = s.names.clientFor(), simChainID
	}
	if s.rt != nil { // a router, or a host attached to one (routing.go)
		n.st.Routing = s.rt.routing(s, n)
	}
	if err := n.st.Up(nodehook.NewContext(ctx, hooks)); err != nil {
		return fmt.Errorf("sim: node %d: %w", n.id, err)
	}
	n.down = false
	n.tickEv = nil
	if s.rt != nil {
		s.routingTick(n, n.inc, s.now.Load())
	}
	if n.srv != nil {
		if err := n.srv.listen(n); err != nil {
			return fmt.Errorf("sim: node %d: %w", n.id, err)
		}
	}
	return nil
}

// stop closes the current incarnation: its timers never fire again and
// frames on their way to it are dropped as "node-down".
func (n *node) stop() {
	if n.down || n.st == nil {
		return
	}
	n.down = true
	if n.s.rt != nil {
		n.s.rt.stopped(n)
	}
	n.clock.dead.Store(true)
	n.st.Close()
	n.tickEv = nil
	n.inc++
}

// drain waits until n's netstack processor goroutines have handled all
// that is queued for them.
func (n *node) drain() {
	n.in.Netstack.Pause()
	n.in.Netstack.Resume()
}

// poll lets n's tasks act once, in order; it reports whether any did.
func (n *node) poll(s *Sim) bool {
	progress := false
	if n.srv != nil && n.srv.poll(s, n) {
		progress = true
	}
	for _, t := range n.tasks {
		if t.poll(s, n) {
			progress = true
		}
	}
	return progress
}

// identity is the netstack address of node n's wallet.
func (n *node) identity() tcpip.Address {
	return tcpip.AddrFrom16(stack.IdentityAddr(n.self.Wallet).As16())
}
