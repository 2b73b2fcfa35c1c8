package relay

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestComputeStake: what stake does to the formula, case by case.
func TestComputeStake(t *testing.T) {
	dog := newWallet(t)
	edge, other := common.Address{0xe1}, common.Address{0xe2}
	ep, staked := newWallet(t), newWallet(t)
	const epoch = 3
	p := DefaultParams(dog.Address())
	p.CapPerEndpoint = 4 << 30
	half := new(big.Int).Div(big.NewInt(1e18), big.NewInt(2))
	snap := func(stakes ...Stake) StakeSnapshot { return StakeSnapshot{Block: 9, Stakes: stakes} }
	for _, tc := range []struct {
		name              string
		receipts          []Submitted
		stakes            StakeSnapshot
		delivered, backed uint64
	}{
		{"no stake anywhere: nothing", []Submitted{receipt(t, ep, edge, epoch, 1, 1<<30)}, snap(), 0, 0},
		{"the Edge's stake is the ceiling of unbacked bytes", []Submitted{receipt(t, ep, edge, epoch, 1, 3<<30)},
			snap(Stake{edge, half}), 3 << 30, 0},
		{"an unbacked endpoint stops at the per-endpoint cap", []Submitted{receipt(t, ep, edge, epoch, 1, 50<<30)},
			snap(Stake{edge, big.NewInt(1e18)}), 4 << 30, 0},
		{"a ceiling below the cap", []Submitted{receipt(t, ep, edge, epoch, 1, 50<<30)},
			snap(Stake{edge, new(big.Int).Div(big.NewInt(1e18), big.NewInt(8))}), 2 << 30, 0},
		{"a staked endpoint backs its bytes, past the cap and the ceiling", []Submitted{receipt(t, staked, edge, epoch, 1, 12<<30)},
			snap(Stake{staked.Address(), big.NewInt(1e18)}), 12 << 30, 12 << 30},
		// 1 ether backs 16 GiB; 32 GiB vouched over two Edges: half of
		// each is backed, and 4 GiB more of each is free, under no
		// ceiling for edge (0 stake), under other's 16 GiB.
		{"an endpoint's backing is shared among the Edges it vouches for", []Submitted{
			receipt(t, staked, edge, epoch, 1, 16<<30), receipt(t, staked, other, epoch, 2, 16<<30)},
			snap(Stake{staked.Address(), big.NewInt(1e18)}, Stake{other, big.NewInt(1e18)}), 8 << 30, 8 << 30},
		{"a stake listed twice counts once, the higher", []Submitted{receipt(t, ep, edge, epoch, 1, 3<<30)},
			snap(Stake{edge, big.NewInt(1)}, Stake{edge, half}), 3 << 30, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := Evidence{Epoch: epoch, Receipts: tc.receipts, Stakes: tc.stakes, Probes: probes(t, dog, edge, epoch, 10, 10)}
			s, _ := Compute(ev, p).Of(edge)
			if s.Status != StatusOK || s.Delivered != tc.delivered || s.Backed != tc.backed {
				t.Fatalf("%s: %d delivered, %d backed (%s); want %d, %d", s.Status, s.Delivered, s.Backed, s.Why, tc.delivered, tc.backed)
			}
			if s.Ceiling != stakeBytes(tc.stakes.Of(edge), p.BytesPerEther) || s.Stake.Cmp(tc.stakes.Of(edge)) != 0 {
				t.Fatalf("ceiling %d, stake %v", s.Ceiling, s.Stake)
			}
		})
	}
	// With BytesPerEther 0, stake is not consulted: the cap alone.
	p.BytesPerEther = 0
	s, _ := Compute(Evidence{Epoch: epoch, Receipts: []Submitted{receipt(t, ep, edge, epoch, 1, 50<<30)}}, p).Of(edge)
	if s.Delivered != 4<<30 || s.Ceiling != 0 {
		t.Fatalf("without stake: %d delivered, ceiling %d", s.Delivered, s.Ceiling)
	}
}

// TestStakeBound: colluding Edges and endpoints with random stakes sign
// what they like (huge counts, every endpoint to every Edge), beside
// honest endpoints' true receipts; the colluding Edges' credit beyond
// the honest bytes they carried never exceeds what the coalition's
// stake backs: Σ over its wallets of stake * BytesPerEther / 10^18,
// once per role (the package doc's bound).
func TestStakeBound(t *testing.T) {
	dog := newWallet(t)
	r := rand.New(rand.NewPCG(7, 7))
	p := DefaultParams(dog.Address())
	p.CapPerEndpoint = 4 << 30
	const epoch = 1
	for round := range 20 {
		ev := Evidence{Epoch: epoch, Stakes: StakeSnapshot{Block: 1}}
		stake := func(w common.Address) uint64 {
			if r.IntN(3) == 0 {
				return 0
			}
			wei := new(big.Int).Mul(big.NewInt(int64(r.IntN(2000))), big.NewInt(1e15)) // up to 2 ether
			ev.Stakes.Stakes = append(ev.Stakes.Stakes, Stake{w, wei})
			return stakeBytes(wei, p.BytesPerEther)
		}
		var bound, honest uint64
		var edges []common.Address
		for i := range 1 + r.IntN(4) {
			e := common.BigToAddress(big.NewInt(int64(round*100 + i + 1)))
			edges = append(edges, e)
			bound += stake(e)
			ev.Probes = append(ev.Probes, probes(t, dog, e, epoch, 10, 10)...)
		}
		for range 1 + r.IntN(6) {
			w := newWallet(t)
			bound += stake(w.Address())
			for i, e := range edges {
				ev.Receipts = append(ev.Receipts, receipt(t, w, e, epoch, uint64(i), 1<<40+r.Uint64N(1<<40)))
			}
		}
		for range r.IntN(4) { // honest, unstaked endpoints: true counts
			w := newWallet(t)
			b := r.Uint64N(1 << 30)
			honest += b
			ev.Receipts = append(ev.Receipts, receipt(t, w, edges[r.IntN(len(edges))], epoch, 99, b))
		}
		var credited uint64
		for _, s := range Compute(ev, p).Edges {
			credited += s.Delivered
		}
		if credited > honest+bound {
			t.Fatalf("round %d: colluders credited %d bytes, %d honest + %d their stake backs", round, credited, honest, bound)
		}
	}
}
