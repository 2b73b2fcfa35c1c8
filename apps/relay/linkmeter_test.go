//go:build !nochain

package relay

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/binary"
	"io"
	"net"
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

// routedNet is a segment on the embedded chain: one router and hosts
// attached to it, none of which punch (their traffic stays relayed).
type routedNet struct {
	c      *apptest.Chain
	subnet locator.Prefix
	rp     link.RouterPeer
}

const (
	testAdvert = 200 * time.Millisecond
	testHold   = 2 * time.Second
)

// member starts a node of a fresh funded wallet, the segment's router
// or a host attached to it, and publishes its DID document.
func (rn *routedNet) member(t *testing.T, ctx context.Context, asRouter bool) (*stack.Node, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := rn.c.Emb.Fund(ctx, crypto.PubkeyToAddress(key.PublicKey)); err != nil {
		t.Fatal(err)
	}
	nk, err := transport.GenerateNodeKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := locator.Assign(rn.subnet, nk.Public, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := link.Routing{Locator: loc, AdvertInterval: testAdvert, HoldTime: testHold}
	if asRouter {
		r.Role, r.Prefixes = link.RoleRouter, []locator.Prefix{rn.subnet}
	} else {
		r.Routers, r.DisablePunch = []link.RouterPeer{rn.rp}, true
	}
	u, err := rn.c.Net.Attach()
	if err != nil {
		t.Fatal(err)
	}
	n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(key), NodeKey: &nk, Names: rn.c.Emb.Client, Routing: r}
	if err := n.Up(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	if err := n.Publish(ctx, naming.Transactor(key, rn.c.ChainID)); err != nil {
		t.Fatal(err)
	}
	if asRouter {
		rn.rp = link.RouterPeer{Wallet: n.Addr(), NodeKey: nk.Public, Addr: n.Self().Addr}
	}
	return n, key
}

// forwarded sums what r forwarded from one wallet's locator to another's.
func forwarded(r *stack.Node, from, to common.Address) (bytes, frames uint64) {
	for _, f := range r.Forwarded() {
		if common.Address(f.SrcWallet) == from && common.Address(f.DstWallet) == to {
			bytes += f.Bytes
			frames += f.Frames
		}
	}
	return bytes, frames
}

// TestLinkReceipts: host A sends host B 1 MiB through router R, which
// forwards in the link layer (link/router), over real gVisor stacks,
// Noise sessions and the embedded chain; B sends 256 KiB back. A and
// B's relay services sign link receipts from their own link meters and
// hand them to R's Edge core, which submits them to the Guardian G. In
// the settled epoch R's receipts for each direction are signed by both
// ends, the receiver's count matches the router's own meter of what
// left it within 1 % (both count frames as on the wire), the sender's
// is at least it and the receiver's at most the sender's and at least
// the payload, and R is credited exactly the lower of the two per
// direction.
// A router that raises a count it was signed is fraudulent and earns
// nothing; one with a receipt from one end only is not credited for it.
func TestLinkReceipts(t *testing.T) {
	if testing.Short() {
		t.Skip("real epochs: several seconds")
	}
	c := apptest.NewChain(t)
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	subnet, err := locator.ParsePrefix("2a.1/128")
	if err != nil {
		t.Fatal(err)
	}
	rn := &routedNet{c: c, subnet: subnet}
	r, rKey := rn.member(t, ctx, true)
	a, aKey := rn.member(t, ctx, false)
	b, bKey := rn.member(t, ctx, false)
	g, gKey := rn.member(t, ctx, false)
	waitAttached(t, ctx, a, b, g)

	const epochLen = 12 * time.Second
	params := DefaultParams()
	params.MinProbes, params.WarnPPM, params.SuspendPPM, params.BoundZ = 0, 0, 0, 0 // availability is not judged here
	params.BytesPerEther = 0                                                        // nor stake: off chain
	start := func(n *stack.Node, key *ecdsa.PrivateKey, roles Roles, ev *events) *Service {
		st, err := service.OpenPebble(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg := ServiceConfig{Host: n, Wallet: pay.NewKeyWallet(key), Roles: roles, Store: st,
			Epoch: epochLen, Grace: time.Second, Guardians: []common.Address{g.Addr()}, Params: params,
			OnEvent: ev.add, MeterEvery: 100 * time.Millisecond}
		if roles == 0 {
			cfg.LinkMeter = n
		}
		svc, err := StartService(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { svc.Close() })
		return svc
	}
	aEv, bEv, rEv, gEv := newEvents(), newEvents(), newEvents(), newEvents()
	start(a, aKey, 0, aEv)
	start(b, bKey, 0, bEv)
	rs := start(r, rKey, RoleEdge, rEv)
	gs := start(g, gKey, RoleGuardian, gEv)

	// B reads what A sends and answers with a reply of its own.
	const toB, toA = 1 << 20, 256 << 10
	flow := sizedFlows(t, ctx, a, b, toA)
	flow(1024) // warm up: handshakes, DID lookups, the relay services' connections
	if _, ok := b.DirectPath(a.Addr()); ok {
		t.Fatal("A and B punched a direct path")
	}

	epoch := rs.Epoch(time.Now()) + 1
	time.Sleep(time.Until(time.Unix(0, int64(epoch)*int64(epochLen))) + 300*time.Millisecond)
	fwdAB0, _ := forwarded(r, a.Addr(), b.Addr())
	fwdBA0, _ := forwarded(r, b.Addr(), a.Addr())
	rSt0, aSt0, bSt0 := r.LinkStats(), a.LinkStats(), b.LinkStats()
	flow(toB)
	// Let the flow's last frames and acknowledgements land (the epoch's
	// last receipts go out as it ends).
	time.Sleep(500 * time.Millisecond)
	fwdAB1, _ := forwarded(r, a.Addr(), b.Addr())
	fwdBA1, _ := forwarded(r, b.Addr(), a.Addr())
	rSt1, aSt1, bSt1 := r.LinkStats(), a.LinkStats(), b.LinkStats()
	t.Logf("during the flow: R dropped %d at a full queue (forwarded %d); A dropped %d, B %d; A open/replay %d/%d, B %d/%d; send errors R %d A %d B %d",
		rSt1.DroppedSendFull-rSt0.DroppedSendFull, rSt1.FramesForwarded-rSt0.FramesForwarded,
		aSt1.DroppedSendFull-aSt0.DroppedSendFull, bSt1.DroppedSendFull-bSt0.DroppedSendFull,
		aSt1.DroppedOpen-aSt0.DroppedOpen, aSt1.DroppedReplay-aSt0.DroppedReplay,
		bSt1.DroppedOpen-bSt0.DroppedOpen, bSt1.DroppedReplay-bSt0.DroppedReplay,
		rSt1.SendErrors-rSt0.SendErrors, aSt1.SendErrors-aSt0.SendErrors, bSt1.SendErrors-bSt0.SendErrors)
	if got := rs.Epoch(time.Now()); got != epoch {
		t.Fatalf("the flow ran past its epoch (%d, want %d): machine too slow", got, epoch)
	}

	settled := gEv.wait(t, "the settlement", func(ev any) bool { s, ok := ev.(Settled); return ok && s.Evidence.Epoch == epoch }).(Settled)
	pub, err := gs.Published(epoch)
	if err != nil {
		t.Fatal(err)
	}

	// R's receipts, by signer and session.
	ab, ba := LinkSession(a.Addr(), b.Addr()), LinkSession(b.Addr(), a.Addr())
	got := map[common.Address]map[uint64]uint64{a.Addr(): {}, b.Addr(): {}}
	for _, s := range pub.Evidence.Receipts {
		if s.By != r.Addr() || !s.Link || s.Verify() != nil {
			continue
		}
		if m := got[s.Endpoint]; m != nil {
			m[s.Session] = max(m[s.Session], s.Bytes)
		}
	}
	aSent, bRecv := got[a.Addr()][ab], got[b.Addr()][ab]
	bSent, aRecv := got[b.Addr()][ba], got[a.Addr()][ba]
	fwdAB, fwdBA := fwdAB1-fwdAB0, fwdBA1-fwdBA0
	t.Logf("A→B: A signed %d sent, B %d received, R forwarded %d; B→A: B signed %d sent, A %d received, R forwarded %d",
		aSent, bRecv, fwdAB, bSent, aRecv, fwdBA)
	within := func(what string, x, y uint64) {
		t.Helper()
		if x == 0 || y == 0 || max(x, y)-min(x, y) > max(x, y)/100 {
			t.Errorf("%s: %d and %d differ by more than 1 %%", what, x, y)
		}
	}
	// What R forwarded is what left it (link/router: frames the next
	// hop's full queue dropped come off its meter), so the receivers'
	// receipts, which are what R is credited, match it within 1 %; the
	// senders' are at least it (frames R dropped under load were sent,
	// and TCP sent them again: seen in CI), and a receiver's at most its
	// sender's.
	within("A→B, B's receipt and R's meter", bRecv, fwdAB)
	within("B→A, A's receipt and R's meter", aRecv, fwdBA)
	if aSent+aSent/100 < fwdAB || bSent+bSent/100 < fwdBA {
		t.Errorf("R forwarded more than was sent: A→B %d of %d, B→A %d of %d", fwdAB, aSent, fwdBA, bSent)
	}
	if bRecv > aSent+aSent/100 || aRecv > bSent+bSent/100 {
		t.Errorf("a receiver signed more than its sender: A→B %d of %d, B→A %d of %d", bRecv, aSent, aRecv, bSent)
	}
	if aSent < toB || bSent < toA || bRecv < toB || aRecv < toA {
		t.Errorf("receipts below the payload: A sent %d of %d, B %d of %d", aSent, toB, bSent, toA)
	}

	// What the receipts cost: every link receipt A and B signed for the
	// epoch, as a share of the bytes R relayed for them (target ≤ 1 %).
	var signed int
	for _, ev := range []*events{aEv, bEv} {
		ev.mu.Lock()
		for _, e := range ev.list {
			if lr, ok := e.(LinkReceipt); ok && lr.Receipt.Epoch == epoch && (lr.Receipt.Session == ab || lr.Receipt.Session == ba) {
				signed++
			}
		}
		ev.mu.Unlock()
	}
	// (each travels as linkItemSize bytes in a frame of its sample's
	// receipts for R: BenchmarkLinkReceiptOverhead measures the wire.)
	overhead := float64(signed*linkItemSize) / float64(fwdAB+fwdBA)
	t.Logf("%d link receipts, %d bytes: %.3f %% of the %d bytes relayed", signed, signed*linkItemSize, 100*overhead, fwdAB+fwdBA)
	if signed == 0 || overhead > 0.01 {
		t.Errorf("receipt overhead %.3f %% (%d receipts)", 100*overhead, signed)
	}

	// R is credited the lower count of each direction.
	want := min(aSent, bRecv) + min(bSent, aRecv)
	sc, ok := settled.Scores.Of(r.Addr())
	if !ok || sc.Status != StatusOK || sc.Delivered != want || sc.Net.Sign() <= 0 {
		t.Fatalf("R's score: %+v; want %d bytes delivered", sc, want)
	}
	if v, err := Recompute(ctx, pub, nil); err != nil || v.Commitment.Root != settled.Commitment.Root {
		t.Fatalf("recomputed root %s, settled %s, %v", v.Commitment.Root, settled.Commitment.Root, err)
	}

	// A router that claims more than an endpoint signed: fraudulent.
	inflated := pub.Evidence
	inflated.Receipts = append([]Submitted(nil), pub.Evidence.Receipts...)
	for i, s := range inflated.Receipts {
		if s.Link && s.Endpoint == b.Addr() && s.Session == ab {
			inflated.Receipts[i].Bytes = aSent + aSent/10
		}
	}
	if sc, _ := Compute(inflated, params).Of(r.Addr()); sc.Status != StatusFraudulent || sc.Net.Sign() != 0 {
		t.Fatalf("inflated receipt: %s, net %s", sc.Status, sc.Net)
	}
	// A receipt of one end only: that direction earns nothing.
	oneSided := pub.Evidence
	oneSided.Receipts = nil
	for _, s := range pub.Evidence.Receipts {
		if !(s.Link && s.Endpoint == b.Addr() && s.Session == ab) {
			oneSided.Receipts = append(oneSided.Receipts, s)
		}
	}
	if sc, _ := Compute(oneSided, params).Of(r.Addr()); sc.Delivered != min(bSent, aRecv) || sc.Unmatched < aSent {
		t.Fatalf("A's receipt alone: %d delivered (want %d), %d unmatched", sc.Delivered, min(bSent, aRecv), sc.Unmatched)
	}
}

// waitAttached waits until every host is attached to its router.
func waitAttached(t testing.TB, ctx context.Context, hosts ...*stack.Node) {
	t.Helper()
	for _, h := range hosts {
		for !h.Attached() {
			select {
			case <-ctx.Done():
				t.Fatal("hosts did not attach to their routers")
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

// sizedFlows serves on b's port 7000: each connection sends a u32 size
// and that many bytes, and gets reply bytes back. The returned flow
// runs one such connection from a.
func sizedFlows(t *testing.T, ctx context.Context, a, b *stack.Node, reply int) (flow func(size int)) {
	t.Helper()
	l, err := b.Listen("tcp", ":7000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func(conn net.Conn) {
				defer conn.Close()
				var n [4]byte
				if _, err := io.ReadFull(conn, n[:]); err != nil {
					return
				}
				if _, err := io.CopyN(io.Discard, conn, int64(binary.BigEndian.Uint32(n[:]))); err != nil {
					return
				}
				conn.Write(make([]byte, reply))
			}(conn)
		}
	}()
	return func(size int) {
		t.Helper()
		conn, err := a.Dial(ctx, "tcp", b.Addr().Hex()+":7000")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Write(append(binary.BigEndian.AppendUint32(nil, uint32(size)), make([]byte, size)...)); err != nil {
			t.Fatal(err)
		}
		if _, err := io.CopyN(io.Discard, conn, int64(reply)); err != nil {
			t.Fatal(err)
		}
	}
}
