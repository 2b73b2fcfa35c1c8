package relay

import (
	"bytes"
	"context"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/anynet/anynet/apps/service"
)

// A Guardian whose rules consult stake (Params.BytesPerEther) settles an
// epoch only with a stake snapshot of it: when the epoch is due it emits
// WantStakes, its driver reads the chain (Service: RelayCredits.stakesAt
// at the latest block) and hands the snapshot in with the Stakes
// command; the core asks again every Grace until one comes.
type (
	// WantStakes: this Guardian is ready to settle Epoch and needs the
	// stakes of Wallets (every Edge and endpoint in its evidence,
	// ascending).
	WantStakes struct {
		Epoch   uint64
		Wallets []common.Address
	}
	// Stakes hands a Guardian's core the stake snapshot it scores Epoch
	// with (and publishes).
	Stakes struct {
		Epoch    uint64
		Snapshot StakeSnapshot
	}
)

// takeStakes keeps a snapshot for an epoch not settled yet.
func (c *Core) takeStakes(s Stakes) {
	if c.cfg.Roles&RoleGuardian == 0 || c.settled[s.Epoch] {
		return
	}
	snap := StakeSnapshot{Block: s.Snapshot.Block}
	for _, st := range s.Snapshot.Stakes {
		if st.Amount != nil && st.Amount.Sign() > 0 {
			snap.Stakes = append(snap.Stakes, st)
		}
	}
	slices.SortStableFunc(snap.Stakes, func(a, b Stake) int { return bytes.Compare(a.Wallet[:], b.Wallet[:]) })
	c.stakes[s.Epoch] = snap
}

// stakesFor puts epoch ev.Epoch's stake snapshot into ev and reports
// whether it may be settled now: always when the rules consult no stake;
// else once a snapshot came (until then it asks, every Grace).
func (c *Core) stakesFor(now time.Time, ev *Evidence, out *service.Effects) bool {
	if c.cfg.Params.BytesPerEther == 0 {
		return true
	}
	e := ev.Epoch
	if snap, ok := c.stakes[e]; ok {
		ev.Stakes = snap
		delete(c.stakes, e)
		delete(c.stakesAsked, e)
		return true
	}
	if at, asked := c.stakesAsked[e]; !asked || !now.Before(at.Add(c.grace())) {
		c.stakesAsked[e] = now
		out.Emit(WantStakes{Epoch: e, Wallets: walletsOf(*ev)})
	}
	out.Wake(c.stakesAsked[e].Add(c.grace()))
	return false
}

// walletsOf lists the Edges and endpoints of ev, ascending.
func walletsOf(ev Evidence) []common.Address {
	var ws []common.Address
	for _, s := range ev.Receipts {
		ws = append(ws, s.By, s.Endpoint)
	}
	for _, p := range ev.Probes {
		ws = append(ws, p.Edge)
	}
	slices.SortFunc(ws, func(a, b common.Address) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(ws)
}

// snapshot reads the stakes a Guardian's core asked for at the chain's
// latest block and hands them in; off chain every stake is zero (block
// 0). A failed read is logged: the core asks again after a Grace.
func (s *Service) snapshot(w WantStakes) {
	defer s.wg.Done()
	var snap StakeSnapshot
	if c := s.contractNow(); c != nil {
		ctx, cancel := context.WithTimeout(s.ctx, time.Minute)
		defer cancel()
		var err error
		if snap, err = c.Snapshot(ctx, w.Wallets); err != nil {
			if s.ctx.Err() == nil {
				s.log.Warn("relay: stake snapshot", "epoch", w.Epoch, "err", err)
			}
			return
		}
	}
	if _, err := s.r.Do(s.ctx, Stakes{Epoch: w.Epoch, Snapshot: snap}); err != nil && s.ctx.Err() == nil {
		s.log.Warn("relay: stake snapshot", "epoch", w.Epoch, "err", err)
	}
}

// StakeInfo reads this wallet's stake (ErrNoContract off chain).
func (s *Service) StakeInfo(ctx context.Context) (StakeInfo, error) {
	c := s.contractNow()
	if c == nil {
		return StakeInfo{}, ErrNoContract
	}
	return c.StakeInfo(ctx, s.Addr())
}

// Stake adds amount wei to this wallet's stake.
func (s *Service) Stake(ctx context.Context, amount *big.Int) (*types.Receipt, error) {
	c := s.contractNow()
	if c == nil {
		return nil, ErrNoContract
	}
	return c.Stake(ctx, s.cfg.Wallet, amount)
}

// Unstake takes amount wei out of this wallet's stake; it is locked for
// the contract's delay, then WithdrawStake pays it.
func (s *Service) Unstake(ctx context.Context, amount *big.Int) (*types.Receipt, error) {
	c := s.contractNow()
	if c == nil {
		return nil, ErrNoContract
	}
	return c.Unstake(ctx, s.cfg.Wallet, amount)
}

// WithdrawStake pays this wallet what unstaking has unlocked; it
// returns the amount.
func (s *Service) WithdrawStake(ctx context.Context) (*big.Int, *types.Receipt, error) {
	c := s.contractNow()
	if c == nil {
		return nil, nil, ErrNoContract
	}
	return c.WithdrawStake(ctx, s.cfg.Wallet)
}

// StakeBytes is what stake backs an epoch under this service's rules.
func (s *Service) StakeBytes(stake *big.Int) (bytes, perEther uint64) {
	p := s.params()
	return stakeBytes(stake, p.BytesPerEther), p.BytesPerEther
}

// capPending caps an Edge's estimate at its stake's ceiling.
func capPending(p Pending, ceiling uint64, params Params) Pending {
	if p.Bytes <= ceiling {
		return p
	}
	p.Bytes = ceiling
	price := params.PricePerGiB
	if price == nil {
		price = new(big.Int)
	}
	p.Gross = new(big.Int).Mul(new(big.Int).SetUint64(p.Bytes), price)
	p.Gross.Rsh(p.Gross, 30)
	p.Fee = new(big.Int).Mul(p.Gross, new(big.Int).SetUint64(params.FeeBps))
	p.Fee.Div(p.Fee, big.NewInt(10_000))
	p.Net = new(big.Int).Sub(p.Gross, p.Fee)
	return p
}
