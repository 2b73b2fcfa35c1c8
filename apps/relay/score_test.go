package relay

import (
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func TestCompute(t *testing.T) {
	dog, otherDog := newWallet(t), newWallet(t)
	edge := common.HexToAddress("0x00000000000000000000000000000000000000e1")
	ep1, ep2 := newWallet(t), newWallet(t)
	const epoch = 5
	p := DefaultParams(dog.Address())
	p.CapPerEndpoint = 3 << 30

	inflated := receipt(t, ep1, edge, epoch, 1, 1<<30)
	inflated.Bytes *= 10 // changed after the endpoint signed
	framing := receipt(t, ep1, common.Address{0x99}, epoch, 1, 1<<30)
	framing.By = edge // edge hands in a receipt for someone else

	tests := []struct {
		name      string
		ev        Evidence
		status    Status
		delivered uint64
		net       *big.Int
	}{{
		name: "honest: latest cumulative receipt per session, summed over sessions",
		ev: Evidence{Receipts: []Submitted{
			receipt(t, ep1, edge, epoch, 1, 100<<20), receipt(t, ep1, edge, epoch, 1, 512<<20),
			receipt(t, ep1, edge, epoch, 2, 256<<20), receipt(t, ep2, edge, epoch, 9, 256<<20),
		}, Probes: probes(t, dog, edge, epoch, 20, 20)},
		status: StatusOK, delivered: 1 << 30, net: big.NewInt(98e13),
	}, {
		name:   "inflated count: bad signature",
		ev:     Evidence{Receipts: []Submitted{inflated}, Probes: probes(t, dog, edge, epoch, 20, 20)},
		status: StatusFraudulent, net: new(big.Int),
	}, {
		name:   "receipt naming another edge",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep2, edge, epoch, 1, 1<<30), framing}, Probes: probes(t, dog, edge, epoch, 20, 20)},
		status: StatusFraudulent, delivered: 1 << 30, net: new(big.Int),
	}, {
		name:   "receipt of another epoch",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep2, edge, epoch-1, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 20, 20)},
		status: StatusFraudulent, net: new(big.Int),
	}, {
		name:   "offline: no probe answered",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 20, 0)},
		status: StatusSuspended, delivered: 1 << 30, net: new(big.Int),
	}, {
		name:   "warned: 18 of 20 answered scales the credit",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 20, 18)},
		status: StatusWarned, delivered: 1 << 30, net: big.NewInt(882e12),
	}, {
		name:   "unmeasured: too few probes",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 9, 9)},
		status: StatusUnmeasured, delivered: 1 << 30, net: new(big.Int),
	}, {
		name:   "probes of a wallet that is not a WatchDog do not count",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, otherDog, edge, epoch, 20, 20)},
		status: StatusUnmeasured, delivered: 1 << 30, net: new(big.Int),
	}, {
		name:   "colluding endpoint capped",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 50<<30)}, Probes: probes(t, dog, edge, epoch, 20, 20)},
		status: StatusOK, delivered: 3 << 30, net: big.NewInt(294e13),
	}, {
		name: "two results for one probe: the unanswered counts",
		ev: Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)},
			Probes: append(probes(t, dog, edge, epoch, 20, 20), probes(t, dog, edge, epoch, 10, 0)...)},
		status: StatusSuspended, delivered: 1 << 30, net: new(big.Int),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.Epoch = epoch
			s, ok := Compute(tt.ev, p).Of(edge)
			if !ok {
				t.Fatal("edge not scored")
			}
			if s.Status != tt.status || s.Delivered != tt.delivered || s.Net.Cmp(tt.net) != 0 {
				t.Fatalf("got %s delivered %d net %v (%s); want %s %d %v", s.Status, s.Delivered, s.Net, s.Why, tt.status, tt.delivered, tt.net)
			}
			if s.Status != StatusOK && s.Why == "" {
				t.Fatal("no reason given")
			}
		})
	}
}

// TestComputeOrderFree: the same evidence in any order gives the same
// scores and the same commitment.
func TestComputeOrderFree(t *testing.T) {
	dog := newWallet(t)
	ev := Evidence{Epoch: 1}
	for i := range 8 {
		e := common.BigToAddress(big.NewInt(int64(i + 1)))
		ep := newWallet(t)
		for s := range 3 {
			ev.Receipts = append(ev.Receipts, receipt(t, ep, e, 1, uint64(s), uint64(i*s+1)<<24))
		}
		ev.Probes = append(ev.Probes, probes(t, dog, e, 1, 12, 12-i)...)
	}
	p := DefaultParams(dog.Address())
	want := Compute(ev, p)
	wantC := Commit(want)
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		r.Shuffle(len(ev.Receipts), func(i, j int) { ev.Receipts[i], ev.Receipts[j] = ev.Receipts[j], ev.Receipts[i] })
		r.Shuffle(len(ev.Probes), func(i, j int) { ev.Probes[i], ev.Probes[j] = ev.Probes[j], ev.Probes[i] })
		got := Compute(ev, p)
		if !reflect.DeepEqual(got, want) {
			t.Fatal("scores depend on the order of the evidence")
		}
		if Commit(got).Root != wantC.Root {
			t.Fatal("root depends on the order of the evidence")
		}
	}
	for _, cl := range wantC.Claims {
		if !wantC.Check(cl) {
			t.Fatalf("claim of %s does not check", cl.Edge)
		}
	}
}
