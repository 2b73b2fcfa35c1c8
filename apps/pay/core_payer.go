package pay

import (
	"fmt"
	"math/big"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// The payer's side of the core: channels it pays through, kept in the
// store before a voucher leaves, so a restarted payer never signs a
// cumulative amount twice for different totals.
//
// A channel is synchronised with its payee when the payee's answer to an
// OPEN (its ACK of the best voucher held) has come on the current
// connection; only then are vouchers sent, each raising the last one
// sent. A lost connection (Down), a restart, or a voucher unacknowledged
// for Retry makes it send OPEN again; the ACK then says what the payee
// holds and the newest voucher follows if it holds less (as BOLT 2's
// channel_reestablish).

// payerChannel is what the payer keeps of a channel.
type payerChannel struct {
	ID      common.Hash
	Payee   common.Address
	Token   common.Address
	Deposit *big.Int
	Signed  *big.Int // the newest voucher's cumulative amount
	Sig     [65]byte // its signature
	Acked   *big.Int // the highest the payee acknowledged
	Closing bool     // a cooperative close was asked
	Closed  bool     // settled on chain
	Broken  bool     // the payee cheated: nothing more is paid through it

	// In memory only.
	synced bool      // the payee's state is known on this connection
	sent   *big.Int  // the newest cumulative sent since synchronised
	asked  time.Time // since when an answer (to OPEN, or an ACK) is awaited; zero if none
}

func (ch *payerChannel) open() bool { return !ch.Closing && !ch.Closed && !ch.Broken }

func (c *Core) self() common.Address { return c.cfg.Wallet.Address() }

func (c *Core) storePayer(ch *payerChannel, out *service.Effects) {
	put(out, "p", ch.ID[:], ch)
}

func (c *Core) addChannel(now time.Time, cmd AddChannel, out *service.Effects) error {
	oc := cmd.Channel
	switch {
	case oc.Payer != c.self():
		return fmt.Errorf("%w: channel %s is paid by %s", ErrUnknownChannel, cmd.ID, oc.Payer)
	case c.payer[cmd.ID] != nil:
		return nil // already known
	case oc.Deposit == nil || oc.Deposit.Sign() <= 0:
		return fmt.Errorf("%w: channel %s holds nothing", ErrOverDeposit, cmd.ID)
	}
	ch := &payerChannel{ID: cmd.ID, Payee: oc.Payee, Token: oc.Token, Deposit: new(big.Int).Set(oc.Deposit),
		Signed: new(big.Int), Acked: new(big.Int)}
	c.payer[ch.ID] = ch
	c.storePayer(ch, out)
	c.reopen(now, ch, out)
	return nil
}

// reopen sends OPEN to synchronise ch with its payee.
func (c *Core) reopen(now time.Time, ch *payerChannel, out *service.Effects) {
	ch.synced, ch.asked = false, now
	c.send(ch.Payee, &Open{Channel: ch.ID}, out)
	out.Wake(now.Add(c.cfg.Retry))
}

// resync synchronises the open channels to peer that need it: all of
// them after a Down (force), else those not synchronised.
func (c *Core) resync(now time.Time, peer common.Address, force bool, out *service.Effects) {
	for _, id := range sortedKeys(c.payer) {
		ch := c.payer[id]
		if ch.Payee == peer && ch.open() && (force || !ch.synced) && (ch.asked.IsZero() || force) {
			c.reopen(now, ch, out)
		}
	}
}

// down forgets what the payee of each channel to peer has seen: frames
// sent since may be lost.
func (c *Core) down(peer common.Address, out *service.Effects) {
	for _, id := range sortedKeys(c.payer) {
		if ch := c.payer[id]; ch.Payee == peer {
			ch.synced, ch.asked = false, time.Time{}
		}
	}
	if q := c.sending[peer]; len(q) > 0 {
		delete(c.sending, peer)
		for _, h := range q {
			out.Emit(TransferDone{Hash: h, To: peer, Err: fmt.Errorf("%w: connection to %s lost before the receipt", ErrClosed, peer)})
		}
	}
}

// tick re-synchronises channels whose vouchers wait too long.
func (c *Core) tick(now time.Time, out *service.Effects) {
	for _, id := range sortedKeys(c.payer) {
		ch := c.payer[id]
		if !ch.open() || ch.Signed.Cmp(ch.Acked) <= 0 {
			continue
		}
		if due := ch.asked.Add(c.cfg.Retry); ch.asked.IsZero() || !now.Before(due) {
			c.reopen(now, ch, out)
		} else {
			out.Wake(due)
		}
	}
}

// channelTo picks the open channel to `to` in token with room for amount:
// the one with the least room that fits, then the lowest ID.
func (c *Core) channelTo(to, token common.Address, amount *big.Int) (*payerChannel, error) {
	var best *payerChannel
	var bestRoom *big.Int
	any := false
	for _, id := range sortedKeys(c.payer) {
		ch := c.payer[id]
		if ch.Payee != to || ch.Token != token || !ch.open() {
			continue
		}
		any = true
		room := new(big.Int).Sub(ch.Deposit, ch.Signed)
		if room.Cmp(amount) < 0 {
			continue
		}
		if best == nil || room.Cmp(bestRoom) < 0 {
			best, bestRoom = ch, room
		}
	}
	if best == nil {
		if any {
			return nil, fmt.Errorf("%w: no channel to %s holds %s more", ErrOverDeposit, to, amount)
		}
		return nil, fmt.Errorf("%w: no open channel to %s in %s", ErrUnknownChannel, to, tokenName(token))
	}
	return best, nil
}

func tokenName(t common.Address) string {
	if t == (common.Address{}) {
		return "ether"
	}
	return t.Hex()
}

// pay signs the next voucher on a channel to `to` and sends it (PAID for
// an invoice) if the channel is synchronised; it is stored first.
func (c *Core) pay(now time.Time, to, token common.Address, amount *big.Int, app string, invoice [16]byte, out *service.Effects) (Payment, error) {
	if amount == nil || amount.Sign() <= 0 || amount.BitLen() > 256 {
		return Payment{}, fmt.Errorf("%w: amount %v", ErrWrongAmount, amount)
	}
	ch, err := c.channelTo(to, token, amount)
	if err != nil {
		return Payment{}, err
	}
	budgets, err := c.charge(to, token, app, amount)
	if err != nil {
		return Payment{}, err
	}
	cum := new(big.Int).Add(ch.Signed, amount)
	sig, err := c.cfg.Domain.SignVoucher(c.cfg.Wallet, ch.ID, cum)
	if err != nil {
		return Payment{}, err
	}
	for _, b := range budgets {
		b.Spent.Add(b.Spent, amount)
		put(out, "", []byte(b.key()), b)
	}
	ch.Signed, ch.Sig = cum, sig
	c.storePayer(ch, out)
	if ch.synced {
		v := &Voucher{Channel: ch.ID, Cumulative: cum, Amount: new(big.Int).Sub(cum, ch.sent), Sig: sig}
		if invoice != ([16]byte{}) {
			c.send(to, &Paid{Invoice: invoice, Voucher: v}, out)
		} else {
			c.send(to, v, out)
		}
		ch.sent = cum
		if ch.asked.IsZero() {
			ch.asked = now
		}
	} else if ch.asked.IsZero() {
		c.reopen(now, ch, out)
	}
	out.Wake(now.Add(c.cfg.Retry))
	return Payment{Channel: ch.ID, Cumulative: new(big.Int).Set(cum), Amount: new(big.Int).Set(amount)}, nil
}

// acked takes the payee's ACK.
func (c *Core) acked(now time.Time, peer common.Address, m *Ack, out *service.Effects) {
	ch := c.payer[m.Channel]
	if ch == nil || ch.Payee != peer {
		return
	}
	if m.Cumulative.Cmp(ch.Signed) > 0 || m.Cumulative.Cmp(ch.Acked) < 0 {
		out.Emit(Cheated{Channel: ch.ID, Payee: peer, Acked: m.Cumulative, Signed: new(big.Int).Set(ch.Signed), Before: new(big.Int).Set(ch.Acked)})
		ch.Broken = true
		c.storePayer(ch, out)
		return
	}
	if m.Cumulative.Cmp(ch.Acked) > 0 {
		ch.Acked = new(big.Int).Set(m.Cumulative)
		c.storePayer(ch, out)
		out.Emit(Acked{Channel: ch.ID, Payee: peer, Cumulative: new(big.Int).Set(ch.Acked)})
		if ch.synced {
			ch.asked = time.Time{} // progress: wait again from now
			if ch.Signed.Cmp(ch.Acked) > 0 {
				ch.asked = now
			}
		}
	}
	if ch.synced || ch.Closed {
		return
	}
	// The answer to OPEN: what the payee holds.
	ch.synced, ch.asked, ch.sent = true, time.Time{}, new(big.Int).Set(m.Cumulative)
	if ch.Signed.Cmp(m.Cumulative) > 0 {
		c.send(peer, &Voucher{Channel: ch.ID, Cumulative: ch.Signed, Amount: new(big.Int).Sub(ch.Signed, m.Cumulative), Sig: ch.Sig}, out)
		ch.sent = new(big.Int).Set(ch.Signed)
		ch.asked = now // unacknowledged until the next ACK
		out.Wake(now.Add(c.cfg.Retry))
	}
	if ch.Closing {
		c.send(peer, &Close{Channel: ch.ID, Cumulative: ch.Signed}, out)
	}
}

// closeChannel asks the payee to agree to close at the newest voucher.
func (c *Core) closeChannel(id common.Hash, out *service.Effects) error {
	ch := c.payer[id]
	if ch == nil || ch.Closed {
		return fmt.Errorf("%w: no open channel %s", ErrUnknownChannel, id)
	}
	ch.Closing = true
	c.storePayer(ch, out)
	c.send(ch.Payee, &Close{Channel: id, Cumulative: ch.Signed}, out)
	return nil
}

// closeOK checks the payee's close agreement and hands it to the driver.
func (c *Core) closeOK(peer common.Address, m *CloseOK, out *service.Effects) {
	ch := c.payer[m.Channel]
	if ch == nil || ch.Payee != peer || !ch.Closing || ch.Closed || m.Cumulative.Cmp(ch.Signed) != 0 {
		return
	}
	signer, err := c.cfg.Domain.CloseSigner(m.Channel, m.Cumulative, m.Sig)
	if err != nil || signer != peer {
		out.Emit(Refused{Peer: peer, Err: &PeerError{Code: CodeForeignSigner, Message: fmt.Sprintf("close agreement signed by %s", signer)}})
		return
	}
	out.Emit(CloseAgreed{Channel: m.Channel, Cumulative: new(big.Int).Set(m.Cumulative), Sig: m.Sig})
}

// settled marks a channel closed on chain (either side's).
func (c *Core) settled(id common.Hash, out *service.Effects) error {
	if ch := c.payer[id]; ch != nil {
		ch.Closed = true
		c.storePayer(ch, out)
		return nil
	}
	if st := c.payee[id]; st != nil {
		st.Settled = true
		put(out, "c", id[:], st)
		return nil
	}
	return fmt.Errorf("%w: %s", ErrUnknownChannel, id)
}

// sendTransfer sends a signed transfer; the receipt or an ERROR answers.
func (c *Core) sendTransfer(cmd SendTransfer, out *service.Effects) error {
	if cmd.Transfer == nil {
		return fmt.Errorf("%w: no transfer", ErrMalformed)
	}
	c.sending[cmd.To] = append(c.sending[cmd.To], cmd.Hash)
	c.send(cmd.To, cmd.Transfer, out)
	return nil
}

// receiptIn takes the payee's RECEIPT of a transfer sent.
func (c *Core) receiptIn(peer common.Address, m *Receipt, out *service.Effects) {
	q := c.sending[peer]
	for i, h := range q {
		if h == m.TxHash {
			c.sending[peer] = append(q[:i:i], q[i+1:]...)
			out.Emit(TransferDone{Hash: h, To: peer, Receipt: m})
			return
		}
	}
}
