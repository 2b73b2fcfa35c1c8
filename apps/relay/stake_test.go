//go:build !nochain

package relay

import (
	"bytes"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/pay"
)

func ether(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

// TestStakeOnChain: a wallet stakes; its stake reads at the block it
// was staked in and not before; an unstake counts at once, its ether is
// refused before the delay and paid after it, once; stakeAt still reads
// the past. It logs the gas of stake, unstake and withdrawStake.
func TestStakeOnChain(t *testing.T) {
	w, ctx := newChainWorld(t)
	const delay = time.Hour
	c, err := DeployDelay(ctx, w.contract.Chain, w.guardian, delay)
	if err != nil {
		t.Fatal(err)
	}
	s := w.wallet(t, ctx)
	before, err := c.Chain.Backend.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Stake(ctx, s, new(big.Int)); !errors.Is(err, ErrZeroAmount) {
		t.Fatalf("stake of nothing: %v", err)
	}
	r1, err := c.Stake(ctx, s, ether(2))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := c.Stake(ctx, s, ether(1)) // a second checkpoint
	if err != nil {
		t.Fatal(err)
	}
	ru, err := c.Unstake(ctx, s, ether(1))
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.StakeInfo(ctx, s.Address())
	if err != nil {
		t.Fatal(err)
	}
	if info.Staked.Cmp(ether(2)) != 0 || info.Unstaking.Cmp(ether(1)) != 0 || info.Delay != delay || info.UnlockAt.IsZero() {
		t.Fatalf("stake info %+v", info)
	}
	for _, tc := range []struct {
		block uint64
		want  *big.Int
	}{
		{before.Number.Uint64(), new(big.Int)},
		{r1.BlockNumber.Uint64(), ether(2)},
		{r2.BlockNumber.Uint64(), ether(3)},
		{ru.BlockNumber.Uint64(), ether(2)},
	} {
		snap, err := c.StakesAt(ctx, []common.Address{s.Address(), {0x1}}, tc.block)
		if err != nil {
			t.Fatal(err)
		}
		if got := snap.Of(s.Address()); got.Cmp(tc.want) != 0 || len(snap.Stakes) > 1 {
			t.Fatalf("stake at block %d: %v (%+v), want %v", tc.block, got, snap, tc.want)
		}
	}
	if _, err := c.Unstake(ctx, s, ether(3)); !errors.Is(err, ErrStakeTooLow) {
		t.Fatalf("unstake of more than staked: %v", err)
	}
	if _, _, err := c.WithdrawStake(ctx, s); !errors.Is(err, ErrStakeLocked) {
		t.Fatalf("withdraw before the delay: %v", err)
	}
	if err := w.Emb.Chain.AdjustTime(delay - time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.WithdrawStake(ctx, s); !errors.Is(err, ErrStakeLocked) {
		t.Fatalf("withdraw a minute before the delay ends: %v", err)
	}
	if err := w.Emb.Chain.AdjustTime(time.Minute); err != nil {
		t.Fatal(err)
	}
	bal, _ := c.Chain.Balance(ctx, common.Address{}, s.Address())
	got, rw, err := c.WithdrawStake(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := c.Chain.Balance(ctx, common.Address{}, s.Address())
	fee := new(big.Int).Mul(new(big.Int).SetUint64(rw.GasUsed), rw.EffectiveGasPrice)
	if got.Cmp(ether(1)) != 0 || new(big.Int).Sub(after, bal).Cmp(new(big.Int).Sub(ether(1), fee)) != 0 {
		t.Fatalf("withdrew %v: balance %v -> %v (gas %v)", got, bal, after, fee)
	}
	if _, _, err := c.WithdrawStake(ctx, s); !errors.Is(err, ErrNothingToWithdraw) {
		t.Fatalf("second withdrawal: %v", err)
	}
	if info, _ := c.StakeInfo(ctx, s.Address()); info.Staked.Cmp(ether(2)) != 0 || info.Unstaking.Sign() != 0 {
		t.Fatalf("after the withdrawal: %+v", info)
	}
	t.Logf("gas: stake %d (first), %d (again); unstake %d; withdrawStake %d", r1.GasUsed, r2.GasUsed, ru.GasUsed, rw.GasUsed)
}

// TestStakeBoundsColluders: an epoch settled on the embedded chain
// with stakes read from RelayCredits. Edge X (1 ether staked) relays
// for an honest endpoint and for a colluding endpoint with no stake
// that signs a terabyte: X's credit from it stops at its free
// allowance. Edge Z (0.5 ether) has ten colluding wallets sign a
// terabyte each: all of them together earn Z its stake's ceiling, 8
// GiB. Edge Y has no stake, and an honest endpoint with 5 ether staked
// vouches 60 GiB through it, over the free allowance: credited in full,
// its own stake backing it. The Guardian posts the commitment, the
// published evidence recomputes bit for bit against the chain (root and
// stake snapshot), X and Y claim, and a snapshot with Z's stake raised
// matches neither.
func TestStakeBoundsColluders(t *testing.T) {
	w, ctx := newChainWorld(t)
	const epoch = 11
	x, y, z, honest := w.wallet(t, ctx), w.wallet(t, ctx), w.wallet(t, ctx), w.wallet(t, ctx)
	for _, st := range []struct {
		w      *pay.KeyWallet
		amount *big.Int
	}{{x, ether(1)}, {z, new(big.Int).Div(ether(1), big.NewInt(2))}, {honest, ether(5)}} {
		if _, err := w.contract.Stake(ctx, st.w, st.amount); err != nil {
			t.Fatal(err)
		}
	}
	dog := newWallet(t)
	p := DefaultParams(dog.Address())
	p.CapPerEndpoint = 4 << 30 // the free allowance: 4 GiB per endpoint and Edge

	ev := Evidence{Epoch: epoch}
	plain, colluder := newWallet(t), newWallet(t)
	ev.Receipts = append(ev.Receipts,
		receipt(t, plain, x.Address(), epoch, 1, 3<<30),    // honest, unstaked: 3 GiB
		receipt(t, colluder, x.Address(), epoch, 2, 1<<40), // colluding, unstaked: a terabyte
		receipt(t, honest, y.Address(), epoch, 3, 60<<30),  // honest, staked: 60 GiB
	)
	for i := range 10 {
		ev.Receipts = append(ev.Receipts, receipt(t, newWallet(t), z.Address(), epoch, uint64(10+i), 1<<40))
	}
	for _, e := range []common.Address{x.Address(), y.Address(), z.Address()} {
		ev.Probes = append(ev.Probes, probes(t, dog, e, epoch, 10, 10)...)
	}
	var err error
	if ev.Stakes, err = w.contract.Snapshot(ctx, walletsOf(ev)); err != nil {
		t.Fatal(err)
	}
	scores := Compute(ev, p)
	for _, tc := range []struct {
		edge              common.Address
		delivered, backed uint64
	}{
		// 3 GiB honest + the colluder's 4 GiB allowance, under X's 16 GiB ceiling.
		{x.Address(), 3<<30 + 4<<30, 0},
		// 60 GiB backed by the endpoint's 80 GiB; Y's ceiling is 0.
		{y.Address(), 60 << 30, 60 << 30},
		// Ten wallets' 4 GiB allowances, 40 GiB, stop at Z's ceiling of 8 GiB.
		{z.Address(), 8 << 30, 0},
	} {
		sc, _ := scores.Of(tc.edge)
		if sc.Status != StatusOK || sc.Delivered != tc.delivered || sc.Backed != tc.backed {
			t.Fatalf("edge %s: %s, %d delivered (%d backed), want %d (%d): %s", tc.edge, sc.Status, sc.Delivered, sc.Backed, tc.delivered, tc.backed, sc.Why)
		}
		t.Logf("edge %s: stake %v, ceiling %d, %d of %d bytes credited, net %v wei: %s", tc.edge, sc.Stake, sc.Ceiling, sc.Delivered, sc.Claimed, sc.Net, sc.Why)
	}

	cm := Commit(scores)
	if _, err := w.contract.Post(ctx, w.guardian, cm); err != nil {
		t.Fatal(err)
	}
	pub := Published{Guardian: w.guardian.Address(), Params: p, Evidence: ev}
	b, err := pub.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Published
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if again, _ := back.MarshalBinary(); !bytes.Equal(again, b) {
		t.Fatal("published evidence does not round-trip")
	}
	v, err := Recompute(ctx, &back, w.contract)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Match || !v.StakesMatch || v.Commitment.Root != cm.Root {
		t.Fatalf("recomputed: match %v, stakes match %v", v.Match, v.StakesMatch)
	}
	for _, e := range []*pay.KeyWallet{x, y} {
		cl, _ := v.Commitment.ClaimOf(e.Address())
		if _, err := w.contract.Claim(ctx, e, epoch, cl); err != nil {
			t.Fatal(err)
		}
	}

	// A Guardian that publishes a higher stake for Z than the chain's.
	forged := back
	forged.Evidence.Stakes = StakeSnapshot{Block: ev.Stakes.Block}
	for _, st := range ev.Stakes.Stakes {
		if st.Wallet == z.Address() {
			st.Amount = ether(100)
		}
		forged.Evidence.Stakes.Stakes = append(forged.Evidence.Stakes.Stakes, st)
	}
	v, err = Recompute(ctx, &forged, w.contract)
	if err != nil {
		t.Fatal(err)
	}
	if v.Match || v.StakesMatch {
		t.Fatalf("forged snapshot: match %v, stakes match %v", v.Match, v.StakesMatch)
	}
}
