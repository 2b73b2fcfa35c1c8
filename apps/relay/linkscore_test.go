package relay

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/link/locator"
)

// linkReceipt returns w's signed link receipt for session through edge.
func linkReceipt(t *testing.T, w pay.Wallet, edge common.Address, epoch, session, bytes uint64) Submitted {
	t.Helper()
	r := Receipt{Epoch: epoch, Edge: edge, Session: session, Bytes: bytes, Frames: bytes / 1300, Link: true}
	if err := r.Sign(w); err != nil {
		t.Fatal(err)
	}
	return Submitted{By: edge, Receipt: r}
}

// TestComputeLinkReceipts: a link session is credited the lower of its
// two ends' counts, for the receiver; one end alone, or a receipt whose
// session names other wallets, earns nothing and shows as unmatched.
func TestComputeLinkReceipts(t *testing.T) {
	a, b, c := newWallet(t), newWallet(t), newWallet(t)
	edge := common.Address{0xe1}
	p := DefaultParams()
	p.MinProbes, p.WarnPPM, p.SuspendPPM = 0, 0, 0
	ab, ba := LinkSession(a.Address(), b.Address()), LinkSession(b.Address(), a.Address())
	if ab == ba {
		t.Fatal("the two directions share a session")
	}
	for _, tc := range []struct {
		name                 string
		receipts             []Submitted
		delivered, unmatched uint64
	}{
		{"both ends agree", []Submitted{linkReceipt(t, a, edge, 5, ab, 1000), linkReceipt(t, b, edge, 5, ab, 1000)}, 1000, 0},
		{"the lower counts", []Submitted{linkReceipt(t, a, edge, 5, ab, 1000), linkReceipt(t, b, edge, 5, ab, 900)}, 900, 100},
		{"a colluding sender", []Submitted{linkReceipt(t, a, edge, 5, ab, 1<<30), linkReceipt(t, b, edge, 5, ab, 900)}, 900, 1<<30 - 900},
		{"one end only", []Submitted{linkReceipt(t, a, edge, 5, ab, 1000)}, 0, 1000},
		{"session of other wallets", []Submitted{linkReceipt(t, a, edge, 5, ab, 1000), linkReceipt(t, c, edge, 5, ab, 1000)}, 0, 2000},
		{"both directions", []Submitted{linkReceipt(t, a, edge, 5, ab, 1000), linkReceipt(t, b, edge, 5, ab, 1000),
			linkReceipt(t, b, edge, 5, ba, 300), linkReceipt(t, a, edge, 5, ba, 300)}, 1300, 0},
		{"a service receipt beside", []Submitted{linkReceipt(t, a, edge, 5, ab, 1000), receipt(t, b, edge, 5, ab, 700)}, 700, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := Compute(Evidence{Epoch: 5, Receipts: tc.receipts, Stakes: etherEach(1, edge)}, p).Of(edge)
			if !ok || s.Status != StatusOK || s.Delivered != tc.delivered || s.Unmatched != tc.unmatched {
				t.Fatalf("%+v; want %d delivered, %d unmatched", s, tc.delivered, tc.unmatched)
			}
		})
	}
}

// TestLinkReceiptWire: a link receipt encodes with version 2 and
// decodes as one; turning it into a version 1 receipt (or back) breaks
// its signature.
func TestLinkReceiptWire(t *testing.T) {
	w := newWallet(t)
	s := linkReceipt(t, w, common.Address{0xe1}, 42, LinkSession(w.Address(), common.Address{0xb}), 1<<20)
	enc, _ := s.Receipt.MarshalBinary()
	if enc[0] != LinkVersion {
		t.Fatalf("version byte %d", enc[0])
	}
	var back Receipt
	if err := back.UnmarshalBinary(enc); err != nil || back != s.Receipt || back.Verify() != nil {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	enc[0] = Version
	if err := back.UnmarshalBinary(enc); err != nil || back.Link || back.Verify() == nil {
		t.Fatalf("as version 1: link %v, verify %v", back.Link, back.Verify())
	}
	enc[0] = 3
	if back.UnmarshalBinary(enc) == nil {
		t.Fatal("version 3 decoded")
	}
}

// TestLinkSessionVector: LinkSession(0x…a1, 0x…b2), as in the package
// doc; the other direction differs.
func TestLinkSessionVector(t *testing.T) {
	from, to := common.Address{19: 0xa1}, common.Address{19: 0xb2}
	if got := LinkSession(from, to); got != 0xe1e6a22807a5e2bb {
		t.Fatalf("LinkSession = %016x", got)
	}
	if LinkSession(to, from) == LinkSession(from, to) {
		t.Fatal("both directions name one session")
	}
}

// TestOnPath: a router a peer names is on the path when one of its
// published locators shares the segment and subnet of a locator the
// peer's frames came from; another subnet of the same segment, no
// published locator or no frame from the peer yet is not.
func TestOnPath(t *testing.T) {
	loc := func(s string) [32]byte {
		l, err := locator.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	peer := [][32]byte{loc("2a.2.9f3e5c01aa7b.0")}
	for _, tc := range []struct {
		name         string
		peer, router [][32]byte
		want         bool
	}{
		{"the peer's subnet", peer, [][32]byte{loc("2a.2.1234.0")}, true},
		{"one of several", peer, [][32]byte{loc("2b.2.1234.0"), loc("2a.2.77.1")}, true},
		{"another subnet", peer, [][32]byte{loc("2a.3.1234.0")}, false},
		{"another segment", peer, [][32]byte{loc("2b.2.1234.0")}, false},
		{"nothing published", peer, nil, false},
		{"no frame from the peer", nil, [][32]byte{loc("2a.2.1234.0")}, false},
	} {
		if got := onPath(tc.peer, tc.router); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
