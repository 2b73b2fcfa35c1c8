package pay

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Channel returns the payee's state of channel id.
func (p *Payee) Channel(id common.Hash) (ChannelState, bool) {
	if p.init() != nil {
		return ChannelState{}, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	st, ok := p.chans[id]
	if !ok {
		return ChannelState{}, false
	}
	return st.clone(), true
}

// learn reads channel id from the chain and checks that `from` pays this
// payee through it. Called with p.mu held.
func (p *Payee) learn(ctx context.Context, from common.Address, id common.Hash) (*ChannelState, error) {
	oc, err := p.Chain.Channel(ctx, id)
	if err != nil {
		return nil, err
	}
	if oc.Payee != p.Wallet.Address() {
		return nil, fmt.Errorf("%w: channel %s pays %s", ErrWrongPayee, id, oc.Payee)
	}
	if oc.Payer != from {
		return nil, fmt.Errorf("%w: channel %s is %s's, connection from %s", ErrUnknownChannel, id, oc.Payer, from)
	}
	st := p.chans[id]
	if st == nil {
		st = &ChannelState{ID: id, Payer: oc.Payer, Payee: oc.Payee, Token: oc.Token,
			Deposit: oc.Deposit, Cumulative: new(big.Int)}
		p.chans[id] = st
	}
	st.Deposit = oc.Deposit
	st.ClosesAt = oc.ClosesAt
	st.Settled = oc.Settled
	return st, nil
}

// acceptOpen learns a channel the payer announces and acknowledges the
// best voucher held for it (zero for a new one).
func (p *Payee) acceptOpen(ctx context.Context, from common.Address, m *Open) (Message, error) {
	p.mu.Lock()
	st, err := p.learn(ctx, from, m.Channel)
	var snap ChannelState
	if err == nil {
		snap = st.clone()
	}
	p.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if snap.Settled {
		return nil, fmt.Errorf("%w: channel %s is settled", ErrUnknownChannel, m.Channel)
	}
	st2, err := p.persist(m.Channel)
	if err != nil {
		return nil, err
	}
	return &Ack{Channel: m.Channel, Cumulative: st2.Cumulative}, nil
}

// acceptVoucher checks v, from the connection's verified wallet `from`,
// and keeps it as the channel's best voucher (in memory: the caller
// stores it before acknowledging). With price set, v must pay exactly
// price. The checks are checkVoucher's; a channel not known yet is read
// from the chain, and so is one whose deposit seems exceeded (a top-up).
func (p *Payee) acceptVoucher(ctx context.Context, from common.Address, v *Voucher, price *big.Int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.chans[v.Channel]
	if st == nil {
		var err error
		if st, err = p.learn(ctx, from, v.Channel); err != nil {
			return err
		}
	}
	err := checkVoucher(p.Chain.Domain(), st, from, v, price)
	if errors.Is(err, ErrOverDeposit) {
		if _, err := p.learn(ctx, from, v.Channel); err != nil {
			return err
		}
		err = checkVoucher(p.Chain.Domain(), st, from, v, price)
	}
	if err != nil {
		return err
	}
	st.Cumulative = new(big.Int).Set(v.Cumulative)
	st.Sig = v.Sig
	return nil
}

// checkVoucher checks v, from wallet `from`, against the channel state
// held, without the chain; with price set, v must pay exactly price.
// Checks, cheapest first: a channel of `from` (ErrUnknownChannel), not
// settled (ErrUnknownChannel) nor closing (ErrExpired); Cumulative above
// the best held (ErrReplayed); Amount equal to the increase and to price
// (ErrWrongAmount); within the deposit held (ErrOverDeposit); signed by
// the payer under dom (ErrForeignSigner).
func checkVoucher(dom *Domain, st *ChannelState, from common.Address, v *Voucher, price *big.Int) error {
	switch {
	case st.Payer != from:
		return fmt.Errorf("%w: channel %s is not %s's", ErrUnknownChannel, v.Channel, from)
	case st.Settled:
		return fmt.Errorf("%w: channel %s is settled", ErrUnknownChannel, v.Channel)
	case st.ClosesAt != 0:
		return fmt.Errorf("%w: channel %s is closing", ErrExpired, v.Channel)
	case v.Cumulative.Cmp(st.Cumulative) <= 0:
		return fmt.Errorf("%w: voucher for %s, %s already held", ErrReplayed, v.Cumulative, st.Cumulative)
	}
	inc := new(big.Int).Sub(v.Cumulative, st.Cumulative)
	if inc.Cmp(v.Amount) != 0 {
		return fmt.Errorf("%w: voucher raises %s by %s, says %s", ErrWrongAmount, st.Cumulative, inc, v.Amount)
	}
	if price != nil && v.Amount.Cmp(price) != 0 {
		return fmt.Errorf("%w: voucher pays %s, price is %s", ErrWrongAmount, v.Amount, price)
	}
	if v.Cumulative.Cmp(st.Deposit) > 0 {
		return fmt.Errorf("%w: %s over %s", ErrOverDeposit, v.Cumulative, st.Deposit)
	}
	signer, err := dom.VoucherSigner(v.Channel, v.Cumulative, v.Sig)
	if err != nil {
		return err
	}
	if signer != st.Payer {
		return fmt.Errorf("%w: voucher signed by %s, channel's payer is %s", ErrForeignSigner, signer, st.Payer)
	}
	return nil
}

// acceptClose agrees to a cooperative close at m.Cumulative, which must
// not be below the best voucher held.
func (p *Payee) acceptClose(from common.Address, m *Close) (Message, error) {
	st, ok := p.Channel(m.Channel)
	if !ok || st.Payer != from {
		return nil, fmt.Errorf("%w: %s", ErrUnknownChannel, m.Channel)
	}
	if m.Cumulative.Cmp(st.Cumulative) < 0 {
		return nil, fmt.Errorf("%w: close at %s, voucher held for %s", ErrWrongAmount, m.Cumulative, st.Cumulative)
	}
	sig, err := p.Chain.Domain().SignClose(p.Wallet, m.Channel, m.Cumulative)
	if err != nil {
		return nil, err
	}
	return &CloseOK{Channel: m.Channel, Cumulative: m.Cumulative, Sig: sig}, nil
}

// Redeem closes channel id on chain with the best voucher held: the payee
// is paid, the payer refunded the rest, in one transaction.
func (p *Payee) Redeem(ctx context.Context, id common.Hash) (*types.Receipt, error) {
	st, ok := p.Channel(id)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownChannel, id)
	}
	if st.Cumulative.Sign() == 0 {
		return nil, fmt.Errorf("%w: no voucher held for %s", ErrRefused, id)
	}
	r, err := p.Chain.transact(ctx, p.Wallet, &p.Chain.Channels, nil,
		channelsABI.PackClose(id, st.Cumulative, st.Sig[:]))
	if err != nil {
		return nil, fmt.Errorf("pay: redeem %s: %w", id, err)
	}
	p.markSettled(id)
	return r, nil
}

func (p *Payee) markSettled(id common.Hash) {
	p.mu.Lock()
	st := p.chans[id]
	if st != nil {
		st.Settled = true
	}
	p.mu.Unlock()
	if st != nil {
		if _, err := p.persist(id); err != nil {
			p.Logger.Warn("pay: store settled channel", "channel", id, "err", err)
		}
	}
}

// Defend checks every unsettled channel on chain: a unilateral close that
// claims less than the best voucher held is answered with that voucher
// (Redeem), which wins. It returns the channels it redeemed. Run it at
// least once per challenge period.
func (p *Payee) Defend(ctx context.Context) ([]common.Hash, error) {
	if err := p.init(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	var open []common.Hash
	for id, st := range p.chans {
		if !st.Settled {
			open = append(open, id)
		}
	}
	p.mu.Unlock()
	var redeemed []common.Hash
	for _, id := range open {
		oc, err := p.Chain.Channel(ctx, id)
		if err != nil {
			return redeemed, err
		}
		if oc.Settled {
			p.markSettled(id)
			continue
		}
		if oc.ClosesAt == 0 {
			continue
		}
		p.mu.Lock()
		st := p.chans[id]
		st.ClosesAt = oc.ClosesAt
		better := st.Cumulative.Cmp(oc.Claimed) > 0
		p.mu.Unlock()
		if !better {
			continue
		}
		if _, err := p.Redeem(ctx, id); err != nil {
			return redeemed, err
		}
		p.Logger.Info("pay: unilateral close answered with a newer voucher", "channel", id)
		redeemed = append(redeemed, id)
	}
	return redeemed, nil
}
