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
		bare      bool // judged with BoundZ 0
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
		// 18 of 20 does not show availability below 96 % at 3σ: the
		// bound is 98.4 %.
		name:   "ok: 18 of 20 answered, two probes lost",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 20, 18)},
		status: StatusOK, delivered: 1 << 30, net: big.NewInt(98e13),
	}, {
		name:   "ok: 17 of 20, the last count not judged below 96 % (bound 96.80 %)",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 20, 17)},
		status: StatusOK, delivered: 1 << 30, net: big.NewInt(98e13),
	}, {
		// gross = 2^30 * 10^15 * 948398 / (2^30 * 10^6) = 948398 * 10^9,
		// net = gross - 2 %.
		name:   "warned: 16 of 20, bound 94.8398 % scales the credit",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 20, 16)},
		status: StatusWarned, delivered: 1 << 30, net: big.NewInt(929430040000000),
	}, {
		name:   "ok: 54 of 60 (bound 96.8081 %)",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 60, 54)},
		status: StatusOK, delivered: 1 << 30, net: big.NewInt(98e13),
	}, {
		name:   "warned: 53 of 60 (bound 95.9595 %)",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 60, 53)},
		status: StatusWarned, delivered: 1 << 30, net: big.NewInt(940403100000000),
	}, {
		name:   "warned, not suspended: 25 of 60 (bound 60.5920 %)",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 60, 25)},
		status: StatusWarned, delivered: 1 << 30, net: big.NewInt(593801600000000),
	}, {
		name:   "suspended: 24 of 60 (bound 59.0453 %)",
		ev:     Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 60, 24)},
		status: StatusSuspended, delivered: 1 << 30, net: new(big.Int),
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
		name: "bare share with BoundZ 0: 18 of 20 warned, scaled by 90 %",
		ev:   Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, 20, 18)},
		bare: true, status: StatusWarned, delivered: 1 << 30, net: big.NewInt(882e12),
	}, {
		name: "two results for one probe: the unanswered counts",
		ev: Evidence{Receipts: []Submitted{receipt(t, ep1, edge, epoch, 1, 1<<30)},
			Probes: append(probes(t, dog, edge, epoch, 20, 20), probes(t, dog, edge, epoch, 20, 0)...)},
		status: StatusSuspended, delivered: 1 << 30, net: new(big.Int),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.Epoch = epoch
			tt.ev.Stakes = etherEach(1, edge) // a ceiling of 16 GiB
			p := p
			if tt.bare {
				p.BoundZ = 0
			}
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

// TestAvailabilityBound: the integer Wilson bound against values computed
// independently (Python's math.isqrt with the same formula, and floats).
func TestAvailabilityBound(t *testing.T) {
	for _, tt := range []struct{ k, n, z, want uint64 }{
		{0, 0, 300, 0},
		{20, 20, 300, 1_000_000},
		{18, 20, 300, 984_047},
		{17, 20, 300, 968_023},
		{16, 20, 300, 948_398},
		{9, 20, 300, 743_098},
		{0, 20, 300, 310_344},
		{0, 60, 300, 130_434},
		{54, 60, 300, 968_081},
		{53, 60, 300, 959_595},
		{26, 60, 300, 621_206},
		{90, 100, 300, 959_287},
		{999, 1000, 300, 999_908},
		{0, 1, 300, 900_000},
		{7, 10, 0, 700_000},
		{3, 3, 0, 1_000_000},
		{5, 3, 300, 1_000_000}, // answered beyond probes counts as probes
	} {
		if got := AvailabilityBound(tt.k, tt.n, tt.z); got != tt.want {
			t.Errorf("AvailabilityBound(%d, %d, %d) = %d, want %d", tt.k, tt.n, tt.z, got, tt.want)
		}
	}
}

// TestComputeStrikes: warnings carried across epochs suspend an Edge
// after SuspendAfter epochs in a row; an ok epoch clears them, an
// unmeasured one keeps them, an absent Edge's are carried.
func TestComputeStrikes(t *testing.T) {
	dog, ep := newWallet(t), newWallet(t)
	edge := common.HexToAddress("0x00000000000000000000000000000000000000e1")
	absent := common.HexToAddress("0x00000000000000000000000000000000000000a0")
	const epoch = 9
	ev := func(answered, n int) Evidence {
		return Evidence{Epoch: epoch, Receipts: []Submitted{receipt(t, ep, edge, epoch, 1, 1<<30)}, Probes: probes(t, dog, edge, epoch, n, answered)}
	}
	fraud := ev(20, 20)
	fraud.Receipts[0].Bytes++
	tests := []struct {
		name         string
		ev           Evidence
		prior        uint64
		suspendAfter uint64
		status       Status
		strikes      uint64
	}{
		{"first warning", ev(16, 20), 0, 3, StatusWarned, 1},
		{"second warning", ev(16, 20), 1, 3, StatusWarned, 2},
		{"third in a row: suspended", ev(16, 20), 2, 3, StatusSuspended, 3},
		{"never suspended for it when SuspendAfter is 0", ev(16, 20), 9, 0, StatusWarned, 10},
		{"ok clears", ev(20, 20), 5, 3, StatusOK, 0},
		{"unmeasured keeps", ev(9, 9), 2, 3, StatusUnmeasured, 2},
		{"suspended by availability counts", ev(0, 20), 1, 3, StatusSuspended, 2},
		{"fraud counts", fraud, 0, 3, StatusFraudulent, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams(dog.Address())
			p.SuspendAfter = tt.suspendAfter
			tt.ev.Prior = []Standing{{Edge: edge, Strikes: tt.prior}, {Edge: absent, Strikes: 2}}
			out := Compute(tt.ev, p)
			s, _ := out.Of(edge)
			if s.Status != tt.status || s.Strikes != tt.strikes {
				t.Fatalf("got %s with %d strikes (%s); want %s with %d", s.Status, s.Strikes, s.Why, tt.status, tt.strikes)
			}
			if s.Status == StatusSuspended && s.Net.Sign() != 0 {
				t.Fatalf("suspended edge credited %v", s.Net)
			}
			want := []Standing{{Edge: absent, Strikes: 2}}
			if tt.strikes > 0 {
				want = append(want, Standing{Edge: edge, Strikes: tt.strikes})
			}
			if !reflect.DeepEqual(out.Standings, want) {
				t.Fatalf("standings %v, want %v", out.Standings, want)
			}
		})
	}
}
