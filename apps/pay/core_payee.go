package pay

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// The payee's side of the core. A voucher is checked (checkVoucher),
// written to the store and only then acknowledged: the driver applies
// the writes, synced, before the ACK leaves. A channel not known yet is
// asked of the chain (ChainQuery); the frames for it wait meanwhile.

// payeeFrame handles OPEN, VOUCHER and PAID.
func (c *Core) payeeFrame(now time.Time, in service.Input, m Message, out *service.Effects) {
	var id common.Hash
	switch m := m.(type) {
	case *Open:
		id = m.Channel
	case *Voucher:
		id = m.Channel
	case *Paid:
		id = m.Voucher.Channel
	}
	st := c.payee[id]
	if st == nil {
		q, asked := c.awaiting[id]
		if len(q) >= maxAwaiting {
			c.refuse(in.Peer, fmt.Errorf("%w: channel %s is being read from the chain", ErrRefused, id), out)
			return
		}
		in.Frame = append([]byte(nil), in.Frame...)
		c.awaiting[id] = append(q, in)
		if !asked {
			out.Emit(ChainQuery{ID: id})
		}
		return
	}
	if st.Payer != in.Peer {
		c.refuse(in.Peer, fmt.Errorf("%w: channel %s is not %s's", ErrUnknownChannel, id, in.Peer), out)
		return
	}
	switch m := m.(type) {
	case *Open:
		if st.Settled {
			c.refuse(in.Peer, fmt.Errorf("%w: channel %s is settled", ErrUnknownChannel, id), out)
			return
		}
		c.send(in.Peer, &Ack{Channel: id, Cumulative: st.Cumulative}, out)
	case *Voucher:
		c.voucherIn(now, in.Peer, st, m, nil, out)
	case *Paid:
		c.paidIn(now, in.Peer, st, m, out)
	}
}

// maxAwaiting bounds the frames kept per channel while the chain is read.
const maxAwaiting = 64

// voucherIn checks v and, if it is good, stores and acknowledges it. A
// copy of the voucher held (a payer re-sending after a lost connection)
// is acknowledged again.
func (c *Core) voucherIn(now time.Time, peer common.Address, st *ChannelState, v *Voucher, inv *InvoiceState, out *service.Effects) bool {
	if v.Cumulative.Cmp(st.Cumulative) == 0 && v.Sig == st.Sig {
		c.send(peer, &Ack{Channel: st.ID, Cumulative: st.Cumulative}, out)
		return false
	}
	var price *big.Int
	if inv != nil {
		price = inv.Amount
	}
	if err := checkVoucher(c.cfg.Domain, st, peer, v, price); err != nil {
		if errors.Is(err, ErrOverDeposit) {
			out.Emit(ChainQuery{ID: st.ID}) // a top-up, perhaps: the next voucher may pass
		}
		c.refuse(peer, err, out)
		return false
	}
	st.Cumulative = new(big.Int).Set(v.Cumulative)
	st.Sig = v.Sig
	put(out, "c", st.ID[:], st)
	rec := Received{Channel: st.ID, From: peer, Token: st.Token, Amount: new(big.Int).Set(v.Amount), Cumulative: new(big.Int).Set(v.Cumulative)}
	if inv != nil {
		inv.State, inv.Channel, inv.Settled = StatePaid, st.ID, now.Unix()
		put(out, "o", inv.ID[:], inv)
		rec.Invoice = inv.ID
	}
	c.send(peer, &Ack{Channel: st.ID, Cumulative: st.Cumulative}, out)
	out.Emit(rec)
	if inv != nil {
		out.Emit(InvoiceSettled{Invoice: *inv})
	}
	return true
}

// chainAnswer learns a channel from the chain and handles the frames
// that waited for it.
func (c *Core) chainAnswer(now time.Time, a ChainAnswer, out *service.Effects) {
	waiting := c.awaiting[a.ID]
	delete(c.awaiting, a.ID)
	if st := c.payee[a.ID]; st != nil {
		if a.Err == nil && a.Channel.Payee == c.self() {
			st.Deposit = new(big.Int).Set(a.Channel.Deposit)
			st.ClosesAt, st.Settled = a.Channel.ClosesAt, st.Settled || a.Channel.Settled
			put(out, "c", st.ID[:], st)
		}
	} else {
		err := a.Err
		if err == nil && a.Channel.Payee != c.self() {
			err = fmt.Errorf("%w: channel %s pays %s", ErrWrongPayee, a.ID, a.Channel.Payee)
		}
		if err != nil {
			for _, in := range waiting {
				c.refuse(in.Peer, err, out)
			}
			return
		}
		oc := a.Channel
		st := &ChannelState{ID: a.ID, Payer: oc.Payer, Payee: oc.Payee, Token: oc.Token,
			Deposit: new(big.Int).Set(oc.Deposit), Cumulative: new(big.Int), ClosesAt: oc.ClosesAt, Settled: oc.Settled}
		c.payee[a.ID] = st
		put(out, "c", a.ID[:], st)
	}
	for _, in := range waiting {
		c.frame(now, in, out)
	}
}

// acceptClose signs a cooperative close at m.Cumulative, which must not
// be below the best voucher held.
func (c *Core) acceptClose(peer common.Address, m *Close, out *service.Effects) {
	st := c.payee[m.Channel]
	if st == nil || st.Payer != peer {
		c.refuse(peer, fmt.Errorf("%w: %s", ErrUnknownChannel, m.Channel), out)
		return
	}
	if m.Cumulative.Cmp(st.Cumulative) < 0 {
		c.refuse(peer, fmt.Errorf("%w: close at %s, voucher held for %s", ErrWrongAmount, m.Cumulative, st.Cumulative), out)
		return
	}
	sig, err := c.cfg.Domain.SignClose(c.cfg.Wallet, m.Channel, m.Cumulative)
	if err != nil {
		c.refuse(peer, err, out)
		return
	}
	c.send(peer, &CloseOK{Channel: m.Channel, Cumulative: m.Cumulative, Sig: sig}, out)
}

// transferIn checks a transfer (CheckTransferTx, ValidBefore, its hash
// never seen), records its hash and asks the driver to submit it.
func (c *Core) transferIn(now time.Time, peer common.Address, m *Transfer, out *service.Effects) {
	if m.ValidBefore != 0 && uint64(now.Unix()) >= m.ValidBefore {
		c.refuse(peer, fmt.Errorf("%w: transfer valid before %d", ErrExpired, m.ValidBefore), out)
		return
	}
	tx, err := CheckTransferTx(c.cfg.Domain.ChainID, peer, c.self(), m)
	if err != nil {
		c.refuse(peer, err, out)
		return
	}
	h := tx.Hash()
	if _, err := c.cfg.Store.Get(append([]byte("t"), h[:]...)); err == nil {
		c.refuse(peer, fmt.Errorf("%w: transfer %s already submitted", ErrReplayed, h), out)
		return
	}
	if _, busy := c.submitting[h]; busy {
		c.refuse(peer, fmt.Errorf("%w: transfer %s already submitted", ErrReplayed, h), out)
		return
	}
	out.Put(append([]byte("t"), h[:]...), nil)
	c.submitting[h] = submission{from: peer, m: m}
	out.Emit(SubmitTransfer{From: peer, Hash: h, Transfer: m})
}

// mined answers the sender of a submitted transfer.
func (c *Core) mined(m Mined, out *service.Effects) {
	sub, ok := c.submitting[m.Hash]
	if !ok {
		return
	}
	delete(c.submitting, m.Hash)
	if m.Err != nil {
		c.refuse(sub.from, m.Err, out)
		return
	}
	c.send(sub.from, m.Receipt, out)
	out.Emit(TransferReceived{From: sub.from, Transfer: sub.m, Receipt: m.Receipt})
}
