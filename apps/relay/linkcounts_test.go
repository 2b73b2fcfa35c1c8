package relay

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/service"
)

// TestLinkCountsSessions: the rules by which an endpoint's core turns
// samples of its link meter into link receipts and tells (linkmeter.go),
// without sockets. A session the meter held at the core's first sample
// counts from there; one that appears later counts from zero (it
// started after the last sample: a short flow is not lost between two
// samples); a peer's router, named by frame 8 after the session began,
// is signed for from where this host's own count of the epoch started
// (the same bytes as its own router); traffic with a router itself
// signs nothing. Below ReceiptEvery nothing is signed before the epoch
// ends, and then each router gets its receipts in one frame. The peer
// is told this host's routers once, while the session moves, and again
// only after its connection went down and the session moved again; an
// idle session is neither told nor signed for in later epochs.
func TestLinkCountsSessions(t *testing.T) {
	self := newWallet(t)
	router, far, old, peer := common.Address{0xa1}, common.Address{0xa2}, common.Address{0xb1}, common.Address{0xb2}
	c := NewCore(CoreConfig{Wallet: self, Epoch: time.Hour, Store: &service.Memory{}, Rand: rand.NewChaCha8([32]byte{}), ReceiptEvery: 1 << 30})
	now := time.Unix(7200, 0) // epoch 2 begins
	var out service.Effects
	c.Handle(now, service.Input{Kind: service.Start}, &out)
	// far publishes a locator in the subnet peer's frames come from, so
	// it passes the path check (onPath).
	peerLoc, farLoc := [32]byte{0xfd, 1, 31: 7}, [32]byte{0xfd, 1, 31: 9}
	routerLocs := map[common.Address][][32]byte{far: {farLoc}}
	tells := 0
	sample := func(at time.Time, counts ...LinkCount) map[common.Address]map[uint64]uint64 {
		t.Helper()
		now = at
		out.Reset()
		c.Handle(now, service.Input{Kind: service.Command, Cmd: LinkCounts{Counts: counts, RouterLocators: routerLocs}}, &out)
		got := map[common.Address]map[uint64]uint64{}
		for _, e := range out.Events {
			if lr, ok := e.(LinkReceipt); ok {
				if got[lr.Receipt.Edge] == nil {
					got[lr.Receipt.Edge] = map[uint64]uint64{}
				}
				got[lr.Receipt.Edge][lr.Receipt.Session] = lr.Receipt.Bytes
			}
		}
		frames := map[common.Address]int{}
		for _, s := range out.Send {
			switch s.Frame[0] {
			case frameRouters:
				if !slices.Equal(s.Frame, append([]byte{frameRouters, 1}, router[:]...)) {
					t.Errorf("told %x %x", s.To, s.Frame)
				}
				if s.To == peer {
					tells++
				}
			case frameLinkReceipts:
				rs, err := decodeLinkReceipts(s.Frame, s.To, self.Address())
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rs {
					if b, ok := got[s.To][r.Session]; r.Verify() != nil || ok && b != r.Bytes {
						t.Errorf("receipt to %x on the wire: %+v", s.To, r)
					}
				}
				frames[s.To]++
			}
		}
		for r, n := range frames {
			if n != 1 {
				t.Errorf("%d frames of receipts to %x in one sample", n, r)
			}
		}
		return got
	}
	toRouter := LinkCount{Router: router, Peer: router, SentBytes: 900, SentFrames: 3}
	// First sample: old's 5,000 bytes came before the core; not vouched for.
	if got := sample(now.Add(time.Second), LinkCount{Router: router, Peer: old, SentBytes: 5000, SentFrames: 5}, toRouter); len(got) != 0 {
		t.Fatalf("first sample signed %v", got)
	}
	// old grows by 1,000, peer appears with 3,000 sent and 2,000
	// received, the router's own traffic grows: below ReceiptEvery,
	// nothing is signed yet; peer is told.
	toRouter.SentBytes, toRouter.SentFrames = 1800, 6
	oldCount := LinkCount{Router: router, Peer: old, SentBytes: 6000, SentFrames: 6}
	if got := sample(now.Add(time.Second), oldCount,
		LinkCount{Router: router, Peer: peer, SentBytes: 3000, SentFrames: 3, RecvBytes: 2000, RecvFrames: 2}, toRouter); len(got) != 0 {
		t.Fatalf("signed %v before the epoch ended", got)
	}
	// The peer names its router far; the session grows by 500 each way.
	out.Reset()
	c.Handle(now, service.Input{Kind: service.Frame, Peer: peer, Frame: append([]byte{frameRouters, 1}, far[:]...)}, &out)
	grown := LinkCount{Router: router, Peer: peer, PeerLocator: peerLoc, SentBytes: 3500, SentFrames: 4, RecvBytes: 2500, RecvFrames: 3}
	sample(now.Add(time.Second), oldCount, grown, toRouter)
	if tells != 1 {
		t.Fatalf("told the peer %d times, want once", tells)
	}
	// Epoch 3: epoch 2's receipts.
	got := sample(time.Unix(3*3600+1, 0), oldCount, grown, toRouter)
	if got[router][LinkSession(self.Address(), old)] != 1000 {
		t.Errorf("old session: %d signed, want 1000 (counted from the first sample)", got[router][LinkSession(self.Address(), old)])
	}
	if got[router][LinkSession(self.Address(), peer)] != 3500 || got[router][LinkSession(peer, self.Address())] != 2500 {
		t.Errorf("new session: %v, want 3500 sent and 2500 received (counted from zero)", got[router])
	}
	if _, ok := got[router][LinkSession(self.Address(), router)]; ok {
		t.Error("signed a receipt for traffic with the router itself")
	}
	if got[far][LinkSession(self.Address(), peer)] != 3500 || got[far][LinkSession(peer, self.Address())] != 2500 {
		t.Errorf("the peer's router: %v, want 3500 sent and 2500 received (the epoch's whole session)", got[far])
	}
	if _, ok := got[far][LinkSession(self.Address(), far)]; ok {
		t.Error("signed for traffic with the peer's router itself")
	}
	// Idle through epochs 3 and 4: nothing told, nothing signed.
	if got := sample(time.Unix(4*3600+1, 0), oldCount, grown, toRouter); len(got) != 0 || tells != 1 {
		t.Fatalf("an idle session: signed %v, told %d times", got, tells)
	}
	// The peer's connection goes down: it is told again once the
	// session moves, not before.
	c.Handle(now, service.Input{Kind: service.Down, Peer: peer}, &out)
	sample(now.Add(time.Second), oldCount, grown, toRouter)
	if tells != 1 {
		t.Fatalf("told an idle peer again after its connection went down")
	}
	grown.SentBytes += 100
	sample(now.Add(time.Second), oldCount, grown, toRouter)
	if tells != 2 {
		t.Fatalf("told the peer %d times after its connection went down and the session moved, want twice", tells)
	}
	got = sample(time.Unix(5*3600+1, 0), oldCount, grown, toRouter)
	if got[router][LinkSession(self.Address(), peer)] != 100 || len(got[router]) != 1 {
		t.Errorf("epoch 4: %v, want 100 sent", got[router])
	}
	// The router's connection goes down: the last epoch's receipts it
	// was sent may be lost, so they go again with the next sample.
	c.Handle(now, service.Input{Kind: service.Down, Peer: router}, &out)
	got = sample(now.Add(time.Second), oldCount, grown, toRouter)
	if len(got) != 0 {
		t.Errorf("signed %v again", got)
	}
	var again []Receipt
	for _, s := range out.Send {
		if s.To == router && s.Frame[0] == frameLinkReceipts {
			rs, _ := decodeLinkReceipts(s.Frame, router, self.Address())
			again = append(again, rs...)
		}
	}
	if len(again) != 1 || again[0].Epoch != 4 || again[0].Bytes != 100 || again[0].Verify() != nil {
		t.Errorf("after the router's connection went down, sent again: %+v", again)
	}
}

// TestLinkCountsLateRouter: a peer's router heard of only after the
// epoch of the session's traffic ended (the peer tells its routers as
// it first samples the session, and that can be the epoch's last
// sample) still gets this host's receipt for that epoch, with the same
// bytes as its own router's, and the new epoch counts from where it
// began. An empty first sample is this core's start: a session that
// appears after it counts from zero.
func TestLinkCountsLateRouter(t *testing.T) {
	self := newWallet(t)
	router, far, peer := common.Address{0xa1}, common.Address{0xa2}, common.Address{0xb2}
	c := NewCore(CoreConfig{Wallet: self, Epoch: 10 * time.Second, Store: &service.Memory{}, Rand: rand.NewChaCha8([32]byte{}), ReceiptEvery: 1 << 30})
	now := time.Unix(100, 0) // epoch 10 begins
	var out service.Effects
	c.Handle(now, service.Input{Kind: service.Start}, &out)
	peerLoc, farLoc := [32]byte{0xfd, 1, 31: 7}, [32]byte{0xfd, 1, 31: 9}
	routerLocs := map[common.Address][][32]byte{far: {farLoc}}
	type key struct {
		edge    common.Address
		epoch   uint64
		session uint64
	}
	signed := map[key]uint64{}
	sample := func(at time.Duration, counts ...LinkCount) {
		t.Helper()
		out.Reset()
		c.Handle(now.Add(at), service.Input{Kind: service.Command, Cmd: LinkCounts{Counts: counts, RouterLocators: routerLocs}}, &out)
		for _, e := range out.Events {
			if lr, ok := e.(LinkReceipt); ok {
				signed[key{lr.Receipt.Edge, lr.Receipt.Epoch, lr.Receipt.Session}] = lr.Receipt.Bytes
			}
		}
	}
	sent, recv := LinkSession(self.Address(), peer), LinkSession(peer, self.Address())
	count := func(s, r uint64) LinkCount {
		return LinkCount{Router: router, Peer: peer, PeerLocator: peerLoc, SentBytes: s, SentFrames: s / 100, RecvBytes: r, RecvFrames: r / 100}
	}
	sample(0)                                // empty: the core's first sample
	sample(8*time.Second, count(4000, 3000)) // appeared since: from zero
	sample(9*time.Second, count(5000, 3500)) // the epoch's last sample
	// The peer names far after the epoch ended.
	out.Reset()
	c.Handle(now.Add(9500*time.Millisecond), service.Input{Kind: service.Frame, Peer: peer, Frame: append([]byte{frameRouters, 1}, far[:]...)}, &out)
	sample(10*time.Second, count(5600, 3900)) // epoch 11
	sample(11*time.Second, count(5600, 3900)) // quiet: nothing signed before the epoch ends
	if got := signed[key{router, 11, sent}]; got != 0 {
		t.Errorf("epoch 11 signed %d before it ended", got)
	}
	sample(20*time.Second, count(5600, 3900)) // epoch 12: epoch 11's last receipts
	for _, r := range []common.Address{router, far} {
		if got := signed[key{r, 10, sent}]; got != 5000 {
			t.Errorf("router %x, epoch 10: %d sent signed, want 5000", r[:1], got)
		}
		if got := signed[key{r, 10, recv}]; got != 3500 {
			t.Errorf("router %x, epoch 10: %d received signed, want 3500", r[:1], got)
		}
		if got := signed[key{r, 11, sent}]; got != 600 {
			t.Errorf("router %x, epoch 11: %d sent signed, want 600", r[:1], got)
		}
		if got := signed[key{r, 11, recv}]; got != 400 {
			t.Errorf("router %x, epoch 11: %d received signed, want 400", r[:1], got)
		}
	}
}
