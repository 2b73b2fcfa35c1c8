//go:build !nochain

package stack_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"io"
	"math/big"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// member is one wallet of the chain tests, with a node key that stays the
// same across the nodes started for it.
type member struct {
	key     *ecdsa.PrivateKey
	wallet  common.Address
	nodeKey transport.NodeKey
}

func newMember(t testing.TB) *member {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	nk, err := transport.GenerateNodeKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &member{key: k, wallet: crypto.PubkeyToAddress(k.PublicKey), nodeKey: nk}
}

func (m *member) auth() *bind.TransactOpts {
	return naming.Transactor(m.key, big.NewInt(1337))
}

// chainEnv is one embedded chain shared by the subtests of a test.
type chainEnv struct {
	dir    string
	funded []common.Address
	emb    *naming.Embedded
	nw     *mem.Network
}

func newChainEnv(t testing.TB, members ...*member) *chainEnv {
	t.Helper()
	env := &chainEnv{dir: t.TempDir(), nw: mem.NewNetwork(mem.Config{MTU: link.MinUnderlayMTU})}
	for _, m := range members {
		env.funded = append(env.funded, m.wallet)
	}
	env.open(t)
	t.Cleanup(func() { env.emb.Close() })
	return env
}

// open starts (or restarts) the chain on env.dir.
func (env *chainEnv) open(t testing.TB) {
	t.Helper()
	emb, err := naming.OpenEmbedded(context.Background(), naming.EmbeddedConfig{
		DataDir: env.dir, Funded: env.funded, HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	env.emb = emb
}

// client returns a naming client of its own (its own cache), as another
// process would have.
func (env *chainEnv) client(t testing.TB) *naming.Client {
	t.Helper()
	c, err := naming.New(env.emb.Chain.Client(), env.emb.Client.Config())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// node starts a node of m on env's memory network (at addr, if valid),
// resolving and checking through names.
func (env *chainEnv) node(t testing.TB, m *member, names *naming.Client, addr netip.AddrPort) *stack.Node {
	t.Helper()
	var u *mem.Conn
	var err error
	if addr.IsValid() {
		u, err = env.nw.AttachAt(addr)
	} else {
		u, err = env.nw.Attach()
	}
	if err != nil {
		t.Fatal(err)
	}
	nk := m.nodeKey
	n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(m.key), NodeKey: &nk, Names: names}
	if err := n.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// listenEcho serves echo on n's TCP port 7 until the test ends, closing
// the conns it accepted then (their peers may be gone), and returns how
// many it accepted so far.
func listenEcho(t *testing.T, n *stack.Node) (accepted func() int) {
	t.Helper()
	return serve(t, n, ":7", func(c net.Conn) { io.Copy(c, c) })
}

// serve runs handle on every TCP conn n accepts on addr until the test
// ends, when it closes the listener and the conns still open and waits
// for the handlers; it returns how many conns were accepted so far.
func serve(t *testing.T, n *stack.Node, addr string, handle func(net.Conn)) (accepted func() int) {
	t.Helper()
	l, err := n.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(conns)
	}
}

// dialRefused dials addr from `from` and expects the handshake to be
// refused: it waits until refused() grows, then gives up the dial, which
// must not have succeeded.
func dialRefused(t *testing.T, from *stack.Node, addr string, refused func() uint64) {
	t.Helper()
	before := refused()
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	done := make(chan error, 1)
	go func() {
		c, err := from.Dial(ctx, "tcp", addr)
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	for refused() == before {
		select {
		case err := <-done:
			if err == nil {
				t.Fatalf("dial %s succeeded", addr)
			}
			t.Fatalf("dial %s failed without a counted refusal: %v", addr, err)
		case <-ctx.Done():
			t.Fatalf("no refusal counted while dialing %s", addr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatalf("dial %s succeeded after the refusal", addr)
	}
}

// TestNamesOnChain: nodes that know nothing of each other but an
// embedded chain (real contracts) find each other by name, refuse revoked
// and unpublished node keys, and keep working across a restart of the
// chain; Dial's errors tell bad names, unknown names and an unreachable
// chain apart. The subtests share one chain and run in order.
func TestNamesOnChain(t *testing.T) {
	alice, bob, carol := newMember(t), newMember(t), newMember(t)
	env := newChainEnv(t, alice, bob, carol)
	var bobAddr netip.AddrPort // where bob's node listens, kept across the restart

	t.Run("find by name alone", func(t *testing.T) {
		ctx := testCtx(t)
		aNames, bNames := env.client(t), env.client(t)
		a := env.node(t, alice, aNames, netip.AddrPort{})
		b := env.node(t, bob, bNames, netip.AddrPort{})
		bobAddr = b.Self().Addr
		if err := a.Publish(ctx, alice.auth()); err != nil {
			t.Fatal(err)
		}
		if err := b.Publish(ctx, bob.auth()); err != nil {
			t.Fatal(err)
		}
		name, err := bNames.ClaimName(ctx, bob.auth(), "bob")
		if err != nil {
			t.Fatal(err)
		}
		if name != "bob.anynet" {
			t.Fatalf("ClaimName = %q, want bob.anynet", name)
		}
		listenEcho(t, b)
		c := echoOnce(t, ctx, a, "bob.anynet:7", []byte("hello bob"))
		if w, err := a.PeerOf(c); err != nil || w != bob.wallet {
			t.Fatalf("a.PeerOf = %s, %v; want bob %s", w, err, bob.wallet)
		}
		if w, err := a.WhoIs(c.RemoteAddr()); err != nil || w != bob.wallet {
			t.Fatalf("a.WhoIs = %s, %v; want bob %s", w, err, bob.wallet)
		}
		// A single label gets the TLD; case is normalized.
		echoOnce(t, ctx, a, "Bob:7", []byte("again"))
		if got, err := aNames.Reverse(ctx, bob.wallet); err != nil || got != name {
			t.Fatalf("Reverse(bob) = %q, %v; want %q", got, err, name)
		}
		// Bob reaches alice by wallet alone, through her DID document.
		la, err := a.Listen("tcp", ":8")
		if err != nil {
			t.Fatal(err)
		}
		serveEcho(t, la)
		echoOnce(t, ctx, b, alice.wallet.Hex()+":8", []byte("hello alice"))
	})

	t.Run("republish unchanged sends nothing", func(t *testing.T) {
		ctx := testCtx(t)
		b := env.node(t, bob, env.client(t), netip.AddrPort{})
		if err := b.Publish(ctx, bob.auth()); err != nil { // new endpoint and binding
			t.Fatal(err)
		}
		doc, err := env.client(t).DIDDocument(ctx, bob.wallet)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Underlays) != 1 || doc.Underlays[0].Addr != b.Self().Addr {
			t.Fatalf("underlays after moving = %v, want only %v", doc.Underlays, b.Self().Addr)
		}
		if len(doc.NodeKeys) != 1 || len(doc.Bindings) != 1 {
			t.Fatalf("document holds %d node keys and %d bindings, want 1 and 1", len(doc.NodeKeys), len(doc.Bindings))
		}
		head, err := env.emb.Chain.Client().BlockNumber(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Publish(ctx, bob.auth()); err != nil {
			t.Fatal(err)
		}
		if again, err := env.emb.Chain.Client().BlockNumber(ctx); err != nil || again != head {
			t.Fatalf("republishing moved the head from %d to %d (%v)", head, again, err)
		}
		// Move back where the other subtests expect bob.
		b.Close()
		b = env.node(t, bob, env.client(t), bobAddr)
		if err := b.Publish(ctx, bob.auth()); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("distinct errors", func(t *testing.T) {
		ctx := testCtx(t)
		a := env.node(t, alice, env.client(t), netip.AddrPort{})
		for _, tt := range []struct {
			addr       string
			want       error
			alsoWant   error
			notWanting []error
		}{
			{"bad_name.anynet:7", naming.ErrInvalidName, nil, []error{naming.ErrNotFound, naming.ErrChainUnavailable}},
			{"nobody.anynet:7", naming.ErrNotFound, stack.ErrUnknownPeer, []error{naming.ErrInvalidName, naming.ErrChainUnavailable}},
			{"carol.anynet:7", naming.ErrNotFound, stack.ErrUnknownPeer, nil},
			// A wallet with an empty DID document: nothing to dial.
			{carol.wallet.Hex() + ":7", stack.ErrUnknownPeer, nil, []error{naming.ErrChainUnavailable}},
		} {
			_, err := a.Dial(ctx, "tcp", tt.addr)
			if !errors.Is(err, tt.want) || (tt.alsoWant != nil && !errors.Is(err, tt.alsoWant)) {
				t.Errorf("Dial(%q) = %v, want %v and %v", tt.addr, err, tt.want, tt.alsoWant)
			}
			for _, no := range tt.notWanting {
				if errors.Is(err, no) {
					t.Errorf("Dial(%q) = %v, which is also %v", tt.addr, err, no)
				}
			}
		}

		// A client of a chain that is not there.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		url := "http://" + ln.Addr().String()
		ln.Close()
		gone, err := naming.Connect(ctx, url, env.emb.Client.Config())
		if err != nil {
			t.Fatal(err)
		}
		defer gone.Close()
		u, err := env.nw.Attach()
		if err != nil {
			t.Fatal(err)
		}
		nk := alice.nodeKey
		d := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(alice.key), NodeKey: &nk, Names: gone.Client}
		defer d.Close()
		if err := d.Up(ctx); !errors.Is(err, naming.ErrChainUnavailable) {
			t.Fatalf("Up asking an unreachable chain for its id = %v, want %v", err, naming.ErrChainUnavailable)
		}
		u.Close() // a node that failed to come up does not own its underlay
		u, err = env.nw.Attach()
		if err != nil {
			t.Fatal(err)
		}
		d = &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(alice.key), NodeKey: &nk, Names: gone.Client, ChainID: 1337}
		defer d.Close()
		_, err = d.Dial(ctx, "tcp", "bob.anynet:7")
		if !errors.Is(err, naming.ErrChainUnavailable) || errors.Is(err, naming.ErrNotFound) || errors.Is(err, naming.ErrInvalidName) {
			t.Fatalf("Dial through an unreachable chain = %v, want only %v", err, naming.ErrChainUnavailable)
		}
	})

	t.Run("survives a restart", func(t *testing.T) {
		ctx := testCtx(t)
		if err := env.emb.Close(); err != nil {
			t.Fatal(err)
		}
		env.open(t)
		b := env.node(t, bob, env.client(t), bobAddr)
		listenEcho(t, b)
		a := env.node(t, alice, env.client(t), netip.AddrPort{})
		c := echoOnce(t, ctx, a, "bob.anynet:7", []byte("still there"))
		if w, err := a.PeerOf(c); err != nil || w != bob.wallet {
			t.Fatalf("a.PeerOf = %s, %v; want bob %s", w, err, bob.wallet)
		}
	})

	t.Run("another process over JSON-RPC", func(t *testing.T) {
		ctx := testCtx(t)
		// Knows only the URL: the contracts are discovered on the chain.
		remote, err := naming.Connect(ctx, env.emb.Chain.RPCURL(), naming.Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer remote.Close()
		b := env.node(t, bob, env.client(t), bobAddr)
		listenEcho(t, b)
		a := env.node(t, alice, remote.Client, netip.AddrPort{})
		c := echoOnce(t, ctx, a, "bob.anynet:7", []byte("over http"))
		if w, err := a.PeerOf(c); err != nil || w != bob.wallet {
			t.Fatalf("a.PeerOf = %s, %v; want bob %s", w, err, bob.wallet)
		}
	})

	t.Run("revoked and unpublished keys refused", func(t *testing.T) {
		ctx := testCtx(t)
		aNames := env.client(t)
		if _, err := aNames.PollEvents(ctx); err != nil { // marks where the next poll starts
			t.Fatal(err)
		}
		a := env.node(t, alice, aNames, netip.AddrPort{})
		acceptedByA := listenEcho(t, a)
		aSelf := a.Self()
		refusedByA := func() uint64 { return a.TransportStats().DroppedRefused }

		// Before: bob's node key opens a connection (and fills alice's cache).
		b := env.node(t, bob, env.client(t), netip.AddrPort{})
		if err := b.AddPeer(ctx, aSelf); err != nil {
			t.Fatal(err)
		}
		echoOnce(t, ctx, b, alice.wallet.Hex()+":7", []byte("before"))
		b.Close()

		bNames := env.client(t)
		if err := bNames.RevokeNodeKey(ctx, bob.auth(), bob.nodeKey.Public); err != nil {
			t.Fatal(err)
		}
		if n, err := aNames.PollEvents(ctx); err != nil || n == 0 {
			t.Fatalf("PollEvents after the revocation dropped %d entries (%v), want some", n, err)
		}

		// Bob → alice: alice refuses the handshake.
		b = env.node(t, bob, bNames, netip.AddrPort{})
		if err := b.AddPeer(ctx, aSelf); err != nil {
			t.Fatal(err)
		}
		accepted := acceptedByA()
		dialRefused(t, b, alice.wallet.Hex()+":7", refusedByA)

		// Alice → bob: a node of alice with no session yet refuses bob's
		// answer; and by name there is nothing left to dial.
		listenEcho(t, b)
		a2 := env.node(t, alice, aNames, netip.AddrPort{})
		if _, err := a2.Dial(ctx, "tcp", "bob.anynet:7"); !errors.Is(err, stack.ErrUnknownPeer) {
			t.Fatalf("Dial bob.anynet with its only key revoked = %v, want %v", err, stack.ErrUnknownPeer)
		}
		if err := a2.AddPeer(ctx, b.Self()); err != nil {
			t.Fatal(err)
		}
		dialRefused(t, a2, bob.wallet.Hex()+":7", func() uint64 { return a2.TransportStats().DroppedRefused })

		// Carol never published a node key: refused too.
		c := env.node(t, carol, nil, netip.AddrPort{})
		if err := c.AddPeer(ctx, aSelf); err != nil {
			t.Fatal(err)
		}
		dialRefused(t, c, alice.wallet.Hex()+":7", refusedByA)
		if got := acceptedByA(); got != accepted {
			t.Fatalf("alice accepted %d conns from refused peers", got-accepted)
		}
	})
}

// BenchmarkDialByName: a TCP connection to a name whose answers are
// cached (resolution, DID document, session all warm).
func BenchmarkDialByName(b *testing.B) {
	alice, bob := newMember(b), newMember(b)
	env := newChainEnv(b, alice, bob)
	ctx := b.Context()
	a := env.node(b, alice, env.client(b), netip.AddrPort{})
	bn := env.node(b, bob, env.client(b), netip.AddrPort{})
	for _, x := range []struct {
		n *stack.Node
		m *member
	}{{a, alice}, {bn, bob}} {
		if err := x.n.Publish(ctx, x.m.auth()); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := env.emb.Client.ClaimName(ctx, bob.auth(), "bob"); err != nil {
		b.Fatal(err)
	}
	l, err := bn.Listen("tcp", ":7")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	for b.Loop() {
		c, err := a.Dial(ctx, "tcp", "bob.anynet:7")
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
