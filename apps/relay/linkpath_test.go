//go:build !nochain

package relay

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// pathMember is a funded wallet, a node key and an underlay address
// chosen before its node starts (so routers can name each other).
type pathMember struct {
	key  *ecdsa.PrivateKey
	nk   transport.NodeKey
	addr netip.AddrPort
}

func newPathMember(t testing.TB, ctx context.Context, c *apptest.Chain, addr string) pathMember {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Emb.Fund(ctx, crypto.PubkeyToAddress(key.PublicKey)); err != nil {
		t.Fatal(err)
	}
	nk, err := transport.GenerateNodeKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pathMember{key: key, nk: nk, addr: netip.MustParseAddrPort(addr)}
}

func (m pathMember) peer() link.RouterPeer {
	return link.RouterPeer{Wallet: crypto.PubkeyToAddress(m.key.PublicKey), NodeKey: m.nk.Public, Addr: m.addr}
}

// up starts m's node in subnet with routing r (its locator filled in)
// and publishes it.
func (m pathMember) up(t testing.TB, ctx context.Context, c *apptest.Chain, subnet locator.Prefix, r link.Routing) *stack.Node {
	t.Helper()
	loc, err := locator.Assign(subnet, m.nk.Public, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.Locator, r.AdvertInterval, r.HoldTime = loc, testAdvert, testHold
	u, err := c.Net.AttachAt(m.addr)
	if err != nil {
		t.Fatal(err)
	}
	nk := m.nk
	n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(m.key), NodeKey: &nk, Names: c.Emb.Client, Routing: r}
	if err := n.Up(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	if err := n.Publish(ctx, naming.Transactor(m.key, c.ChainID)); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLinkReceiptsTwoRouters: host A (behind router R1) sends host B
// (behind R2) 1 MiB and B answers 256 KiB, on the path A → R1 → R2 → B
// over real gVisor stacks, Noise sessions and the embedded chain. Each
// host tells the other the routers it reaches it through (frameRouters)
// and signs its link receipts for those routers too, sending each its
// own: so each router holds both ends' receipts for both directions and
// the Guardian credits each of them the lower count, at least the
// payload and no more than the router itself forwarded (1 % slack for
// the relay services' own frames).
func TestLinkReceiptsTwoRouters(t *testing.T) { twoRouters(t, false) }

// TestLinkReceiptsOffPathRouter: as TestLinkReceiptsTwoRouters, but B
// colludes with a third router R3, an Edge in another subnet that
// carries none of A and B's frames: B's meter says it reaches A through
// R3 too, so B names R2 and R3 to A and signs receipts for R3. A checks
// the routers B names against where B's frames come from (onPath): R2's
// published locator is in B's subnet, R3's is not, so A signs nothing
// for R3, and R3, with B's receipts alone, is credited nothing. R1 and
// R2 are credited as before.
func TestLinkReceiptsOffPathRouter(t *testing.T) { twoRouters(t, true) }

// colludingMeter is B's link meter doctored to say that everything B
// exchanged through its routers went through router too.
type colludingMeter struct {
	n      *stack.Node
	router common.Address
}

func (m colludingMeter) RoutedTraffic() []link.RoutedTraffic {
	rs := m.n.RoutedTraffic()
	for _, r := range slices.Clone(rs) {
		r.Router = m.router
		rs = append(rs, r)
	}
	return rs
}

func twoRouters(t *testing.T, offPath bool) {
	if testing.Short() {
		t.Skip("real epochs: several seconds")
	}
	c := apptest.NewChain(t)
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	sub1, err1 := locator.ParsePrefix("2a.1/128")
	sub2, err2 := locator.ParsePrefix("2a.2/128")
	sub3, err3 := locator.ParsePrefix("2a.3/128")
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	m1 := newPathMember(t, ctx, c, "192.0.2.1:4000")
	m2 := newPathMember(t, ctx, c, "192.0.2.2:4000")
	m3 := newPathMember(t, ctx, c, "192.0.2.3:4000")
	ma := newPathMember(t, ctx, c, "192.0.2.11:4000")
	mb := newPathMember(t, ctx, c, "192.0.2.12:4000")
	mg := newPathMember(t, ctx, c, "192.0.2.13:4000")
	r2Peers := []link.RouterPeer{m1.peer()}
	if offPath {
		r2Peers = append(r2Peers, m3.peer())
	}
	r1 := m1.up(t, ctx, c, sub1, link.Routing{Role: link.RoleRouter, Prefixes: []locator.Prefix{sub1}, Routers: []link.RouterPeer{m2.peer()}})
	r2 := m2.up(t, ctx, c, sub2, link.Routing{Role: link.RoleRouter, Prefixes: []locator.Prefix{sub2}, Routers: r2Peers})
	var r3 *stack.Node
	if offPath {
		r3 = m3.up(t, ctx, c, sub3, link.Routing{Role: link.RoleRouter, Prefixes: []locator.Prefix{sub3}, Routers: []link.RouterPeer{m2.peer()}})
	}
	a := ma.up(t, ctx, c, sub1, link.Routing{Routers: []link.RouterPeer{m1.peer()}, DisablePunch: true})
	g := mg.up(t, ctx, c, sub1, link.Routing{Routers: []link.RouterPeer{m1.peer()}, DisablePunch: true})
	b := mb.up(t, ctx, c, sub2, link.Routing{Routers: []link.RouterPeer{m2.peer()}, DisablePunch: true})
	waitAttached(t, ctx, a, b, g)

	const epochLen = 12 * time.Second
	params := DefaultParams()
	params.MinProbes, params.WarnPPM, params.SuspendPPM, params.BoundZ = 0, 0, 0, 0 // availability is not judged here
	meters := map[*stack.Node]LinkMeter{}                                           // a host's meter other than its node's
	if offPath {
		meters[b] = colludingMeter{b, r3.Addr()}
	}
	start := func(n *stack.Node, key *ecdsa.PrivateKey, roles Roles, ev *events) *Service {
		cfg := ServiceConfig{Host: n, Wallet: pay.NewKeyWallet(key), Roles: roles, Store: &service.Memory{},
			Epoch: epochLen, Grace: time.Second, Guardians: []common.Address{g.Addr()}, Params: params,
			OnEvent: ev.add, MeterEvery: 100 * time.Millisecond}
		if roles == 0 {
			cfg.LinkMeter = n
			if m, ok := meters[n]; ok {
				cfg.LinkMeter = m
			}
		}
		svc, err := StartService(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { svc.Close() })
		return svc
	}
	gEv := newEvents()
	start(a, ma.key, 0, newEvents())
	start(b, mb.key, 0, newEvents())
	if offPath {
		start(r3, m3.key, RoleEdge, newEvents())
	}
	rs := start(r1, m1.key, RoleEdge, newEvents())
	start(r2, m2.key, RoleEdge, newEvents())
	start(g, mg.key, RoleGuardian, gEv)

	const toB, toA = 1 << 20, 256 << 10
	flow := sizedFlows(t, ctx, a, b, toA)
	flow(1024) // warm up: handshakes, DID lookups, the routers each host learns from the other
	if _, ok := b.DirectPath(a.Addr()); ok {
		t.Fatal("A and B punched a direct path")
	}
	// Routers name only their own hosts' wallets: count by locator.
	fwdLoc := func(r, from, to *stack.Node) uint64 {
		var n uint64
		for _, f := range r.Forwarded() {
			if [32]byte(f.Src) == [32]byte(from.Locators()[0]) && [32]byte(f.Dst) == [32]byte(to.Locators()[0]) {
				n += f.Bytes
			}
		}
		return n
	}
	if fwdLoc(r1, a, b) == 0 || fwdLoc(r2, a, b) == 0 {
		t.Fatalf("A to B forwarded %d by R1 and %d by R2: not a two-router path", fwdLoc(r1, a, b), fwdLoc(r2, a, b))
	}

	epoch := rs.Epoch(time.Now()) + 1
	time.Sleep(time.Until(time.Unix(0, int64(epoch)*int64(epochLen))) + 300*time.Millisecond)
	type fw struct{ ab, ba uint64 }
	snap := func(r *stack.Node) fw { return fw{fwdLoc(r, a, b), fwdLoc(r, b, a)} }
	f10, f20 := snap(r1), snap(r2)
	flow(toB)
	time.Sleep(500 * time.Millisecond)
	f11, f21 := snap(r1), snap(r2)
	if got := rs.Epoch(time.Now()); got != epoch {
		t.Fatalf("the flow ran past its epoch (%d, want %d): machine too slow", got, epoch)
	}
	settled := gEv.wait(t, "the settlement", func(ev any) bool { s, ok := ev.(Settled); return ok && s.Evidence.Epoch == epoch }).(Settled)

	ab, ba := LinkSession(a.Addr(), b.Addr()), LinkSession(b.Addr(), a.Addr())
	for _, rr := range []struct {
		name     string
		r        *stack.Node
		fwd      uint64
		from, to fw
	}{{"R1", r1, 0, f10, f11}, {"R2", r2, 0, f20, f21}} {
		got := map[common.Address]map[uint64]uint64{a.Addr(): {}, b.Addr(): {}}
		for _, s := range settled.Evidence.Receipts {
			if s.By == rr.r.Addr() && s.Link && s.Verify() == nil && got[s.Endpoint] != nil {
				got[s.Endpoint][s.Session] = max(got[s.Endpoint][s.Session], s.Bytes)
			}
		}
		aSent, bRecv, bSent, aRecv := got[a.Addr()][ab], got[b.Addr()][ab], got[b.Addr()][ba], got[a.Addr()][ba]
		fwd := (rr.to.ab - rr.from.ab) + (rr.to.ba - rr.from.ba)
		sc, _ := settled.Scores.Of(rr.r.Addr())
		t.Logf("%s: A→B A %d, B %d; B→A B %d, A %d; forwarded %d; credited %d (%s, unmatched %d)",
			rr.name, aSent, bRecv, bSent, aRecv, fwd, sc.Delivered, sc.Status, sc.Unmatched)
		if aSent == 0 || bRecv == 0 || bSent == 0 || aRecv == 0 {
			t.Errorf("%s lacks a receipt of one end", rr.name)
		}
		if want := min(aSent, bRecv) + min(bSent, aRecv); sc.Status != StatusOK || sc.Delivered != want {
			t.Errorf("%s credited %d (%s), want %d", rr.name, sc.Delivered, sc.Status, want)
		}
		if sc.Delivered < toB+toA || sc.Delivered > fwd+fwd/100 {
			t.Errorf("%s credited %d: below the payload %d or above what it forwarded, %d", rr.name, sc.Delivered, toB+toA, fwd)
		}
	}
	if !offPath {
		return
	}
	// R3: B's receipts reached it (the collusion was tried), A's did not
	// (A signed none), and it is credited nothing.
	var byA, byB uint64
	for _, s := range settled.Evidence.Receipts {
		if s.By != r3.Addr() || !s.Link || s.Verify() != nil {
			continue
		}
		switch s.Endpoint {
		case a.Addr():
			byA = max(byA, s.Bytes)
		case b.Addr():
			byB = max(byB, s.Bytes)
		}
	}
	sc, _ := settled.Scores.Of(r3.Addr())
	t.Logf("R3 (off the path): receipts by A up to %d bytes, by B up to %d; credited %d (%s, unmatched %d)", byA, byB, sc.Delivered, sc.Status, sc.Unmatched)
	if byB < toB {
		t.Errorf("R3 holds B's receipts for %d bytes, want at least %d: the collusion did not happen", byB, toB)
	}
	if byA != 0 || sc.Delivered != 0 {
		t.Errorf("R3, off the path, holds A's receipts for %d bytes and is credited %d", byA, sc.Delivered)
	}
}
