package relay

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/service"
)

// TestLinkCountsSessions: the rules by which an endpoint's core turns
// samples of its link meter into link receipts (linkmeter.go), without
// sockets. A session the meter held at the core's first sample counts
// from there; one that appears later counts from zero (it started after
// the last sample: a short flow is not lost between two samples); a
// peer's router, named by frame 8 after the session began, is signed
// for from where this host's own count of the epoch started (the same
// bytes as its own router); and traffic with a router itself signs
// nothing.
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
	sample := func(counts ...LinkCount) map[common.Address]map[uint64]uint64 {
		t.Helper()
		now = now.Add(time.Second)
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
		return got
	}
	toRouter := LinkCount{Router: router, Peer: router, SentBytes: 900, SentFrames: 3}
	// First sample: old's 5,000 bytes came before the core; not vouched for.
	if got := sample(LinkCount{Router: router, Peer: old, SentBytes: 5000, SentFrames: 5}, toRouter); len(got) != 0 {
		t.Fatalf("first sample signed %v", got)
	}
	// old grows by 1,000, peer appears with 3,000 sent and 2,000
	// received, the router's own traffic grows.
	toRouter.SentBytes, toRouter.SentFrames = 1800, 6
	sample(LinkCount{Router: router, Peer: old, SentBytes: 6000, SentFrames: 6},
		LinkCount{Router: router, Peer: peer, SentBytes: 3000, SentFrames: 3, RecvBytes: 2000, RecvFrames: 2}, toRouter)
	// Nothing grows: every count that grew is signed (quiescent).
	got := sample(LinkCount{Router: router, Peer: old, SentBytes: 6000, SentFrames: 6},
		LinkCount{Router: router, Peer: peer, SentBytes: 3000, SentFrames: 3, RecvBytes: 2000, RecvFrames: 2}, toRouter)
	if got[router][LinkSession(self.Address(), old)] != 1000 {
		t.Errorf("old session: %d signed, want 1000 (counted from the first sample)", got[router][LinkSession(self.Address(), old)])
	}
	if got[router][LinkSession(self.Address(), peer)] != 3000 || got[router][LinkSession(peer, self.Address())] != 2000 {
		t.Errorf("new session: %v, want 3000 sent and 2000 received (counted from zero)", got[router])
	}
	if _, ok := got[router][LinkSession(self.Address(), router)]; ok {
		t.Error("signed a receipt for traffic with the router itself")
	}
	// The peer names its router far; the session grows by 500 each way.
	out.Reset()
	c.Handle(now, service.Input{Kind: service.Frame, Peer: peer, Frame: append([]byte{frameRouters, 1}, far[:]...)}, &out)
	grown := LinkCount{Router: router, Peer: peer, PeerLocator: peerLoc, SentBytes: 3500, SentFrames: 4, RecvBytes: 2500, RecvFrames: 3}
	sample(grown)
	got = sample(grown)
	if got[far][LinkSession(self.Address(), peer)] != 3500 || got[far][LinkSession(peer, self.Address())] != 2500 {
		t.Errorf("the peer's router: %v, want 3500 sent and 2500 received (the epoch's whole session)", got[far])
	}
	if _, ok := got[far][LinkSession(self.Address(), far)]; ok {
		t.Error("signed for traffic with the peer's router itself")
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
	sample(11*time.Second, count(5600, 3900)) // quiet: what grew is signed
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
