package pay

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Invoices with consent, and budgets. The payee asks (INVOICE); the
// payer's core keeps the invoice and emits InvoiceAsked, naming the
// verified wallet that asks; nothing is paid until the user approves
// (Approve: a voucher in a PAID, for exactly the amount asked) or
// refuses (Refuse: a DECLINE). Every payment the payer makes is counted
// against the budgets that match it, and one that would exceed a budget
// is refused (ErrOverBudget) before anything is signed.

// ErrOverBudget: a payment that would exceed a spending budget.
var ErrOverBudget = errors.New("pay: over budget")

// The states of an invoice.
const (
	StateAsked    = "asked" // waiting for the payer's consent
	StatePaid     = "paid"
	StateDeclined = "declined"
)

// InvoiceState is an invoice as either side keeps it.
type InvoiceState struct {
	ID          [16]byte
	From        common.Address // the payee, who asks
	To          common.Address // the payer, who is asked
	Token       common.Address
	Amount      *big.Int
	Memo        string
	ValidBefore uint64 // unix seconds; zero: no limit
	State       string // StateAsked, StatePaid or StateDeclined
	Reason      string // a refusal's
	Channel     common.Hash
	Asked       int64 // unix seconds
	Settled     int64 // unix seconds; zero while asked
}

// IDHex is the invoice's ID in hex, as the CLI shows it.
func (inv InvoiceState) IDHex() string { return hex.EncodeToString(inv.ID[:]) }

// ParseInvoiceID parses an invoice ID in hex.
func ParseInvoiceID(s string) ([16]byte, error) {
	var id [16]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 16 {
		return id, fmt.Errorf("%w: invoice ID %q: want 32 hex digits", ErrMalformed, s)
	}
	copy(id[:], b)
	return id, nil
}

// Budget caps what this wallet pays: to one peer (Peer set, App empty)
// or for one app (App set, Peer zero), in one token, in total.
type Budget struct {
	Peer  common.Address
	App   string
	Token common.Address
	Limit *big.Int
	Spent *big.Int
}

func (b *Budget) key() string {
	if b.App != "" {
		return "ba" + string(b.Token[:]) + b.App
	}
	return "bp" + string(b.Peer[:]) + string(b.Token[:])
}

// charge returns the budgets a payment counts against, or ErrOverBudget.
func (c *Core) charge(to, token common.Address, app string, amount *big.Int) ([]*Budget, error) {
	var hit []*Budget
	keys := []string{(&Budget{Peer: to, Token: token}).key()}
	if app != "" {
		keys = append(keys, (&Budget{App: app, Token: token}).key())
	}
	for _, k := range keys {
		b := c.budgets[k]
		if b == nil {
			continue
		}
		if next := new(big.Int).Add(b.Spent, amount); next.Cmp(b.Limit) > 0 {
			who := "peer " + b.Peer.Hex()
			if b.App != "" {
				who = "app " + b.App
			}
			return nil, fmt.Errorf("%w: paying %s to %s would spend %s of %s's budget of %s", ErrOverBudget, amount, to, next, who, b.Limit)
		}
		hit = append(hit, b)
	}
	return hit, nil
}

func (c *Core) setBudget(b Budget, out *service.Effects) error {
	if (b.App == "") == (b.Peer == common.Address{}) {
		return fmt.Errorf("%w: a budget is for one peer or one app", ErrRefused)
	}
	k := b.key()
	if b.Limit == nil {
		delete(c.budgets, k)
		out.Del([]byte(k))
		return nil
	}
	if b.Limit.Sign() < 0 {
		return fmt.Errorf("%w: budget %s", ErrWrongAmount, b.Limit)
	}
	nb := &Budget{Peer: b.Peer, App: b.App, Token: b.Token, Limit: new(big.Int).Set(b.Limit), Spent: new(big.Int)}
	if old := c.budgets[k]; old != nil {
		nb.Spent = old.Spent // a new limit keeps what was spent
	}
	c.budgets[k] = nb
	put(out, "", []byte(k), nb)
	return nil
}

// issue sends an invoice (payee side).
func (c *Core) issue(cmd IssueInvoice, out *service.Effects) ([16]byte, error) {
	var id [16]byte
	switch {
	case cmd.Amount == nil || cmd.Amount.Sign() <= 0 || cmd.Amount.BitLen() > 256:
		return id, fmt.Errorf("%w: amount %v", ErrWrongAmount, cmd.Amount)
	case len(cmd.Memo) > MaxMemo:
		return id, fmt.Errorf("%w: memo of %d bytes over %d", ErrMalformed, len(cmd.Memo), MaxMemo)
	case cmd.To == c.self():
		return id, fmt.Errorf("%w: an invoice to oneself", ErrRefused)
	}
	if _, err := io.ReadFull(c.cfg.Rand, id[:]); err != nil {
		return id, fmt.Errorf("pay: invoice ID: %w", err)
	}
	inv := &InvoiceState{ID: id, From: c.self(), To: cmd.To, Token: cmd.Token, Amount: new(big.Int).Set(cmd.Amount),
		Memo: cmd.Memo, ValidBefore: cmd.ValidBefore, State: StateAsked}
	c.issued[id] = inv
	put(out, "o", id[:], inv)
	c.send(cmd.To, &Invoice{ID: id, Token: cmd.Token, Amount: cmd.Amount, ValidBefore: cmd.ValidBefore, Memo: cmd.Memo}, out)
	return id, nil
}

// invoiceAsked keeps an invoice for the user's consent (payer side).
func (c *Core) invoiceAsked(now time.Time, peer common.Address, m *Invoice, out *service.Effects) {
	if old := c.asked[m.ID]; old != nil {
		if old.From == peer && old.State != StateAsked {
			c.answerAgain(old, out) // the payee missed the answer
		}
		return
	}
	if m.ValidBefore != 0 && uint64(now.Unix()) >= m.ValidBefore {
		c.send(peer, &Decline{Invoice: m.ID, Reason: "expired"}, out)
		return
	}
	if c.pendingFrom(peer) >= maxAskedPerPeer {
		c.refuse(peer, fmt.Errorf("%w: %d invoices of yours wait already", ErrRefused, maxAskedPerPeer), out)
		return
	}
	inv := &InvoiceState{ID: m.ID, From: peer, To: c.self(), Token: m.Token, Amount: new(big.Int).Set(m.Amount),
		Memo: m.Memo, ValidBefore: m.ValidBefore, State: StateAsked, Asked: now.Unix()}
	c.asked[m.ID] = inv
	put(out, "i", m.ID[:], inv)
	out.Emit(InvoiceAsked{Invoice: *inv})
}

// maxAskedPerPeer bounds the invoices one wallet may leave waiting.
const maxAskedPerPeer = 16

func (c *Core) pendingFrom(peer common.Address) int {
	n := 0
	for _, inv := range c.asked {
		if inv.From == peer && inv.State == StateAsked {
			n++
		}
	}
	return n
}

// answerAgain repeats the answer to an invoice answered before.
func (c *Core) answerAgain(inv *InvoiceState, out *service.Effects) {
	if inv.State == StateDeclined {
		c.send(inv.From, &Decline{Invoice: inv.ID, Reason: inv.Reason}, out)
	}
	// A paid invoice's voucher is re-sent by the channel's resync.
}

// approve pays an invoice the user consents to.
func (c *Core) approve(now time.Time, id [16]byte, out *service.Effects) (Payment, error) {
	inv := c.asked[id]
	switch {
	case inv == nil:
		return Payment{}, fmt.Errorf("%w: no invoice %x", ErrRefused, id)
	case inv.State != StateAsked:
		return Payment{}, fmt.Errorf("%w: invoice %x is %s", ErrReplayed, id, inv.State)
	case inv.ValidBefore != 0 && uint64(now.Unix()) >= inv.ValidBefore:
		return Payment{}, fmt.Errorf("%w: invoice %x was valid before %s", ErrExpired, id, time.Unix(int64(inv.ValidBefore), 0).UTC().Format(time.RFC3339))
	}
	p, err := c.pay(now, inv.From, inv.Token, inv.Amount, "invoice", id, out)
	if err != nil {
		return Payment{}, err
	}
	inv.State, inv.Channel, inv.Settled = StatePaid, p.Channel, now.Unix()
	put(out, "i", id[:], inv)
	return p, nil
}

// refuseInvoice declines an invoice.
func (c *Core) refuseInvoice(cmd Refuse, out *service.Effects) error {
	inv := c.asked[cmd.ID]
	switch {
	case inv == nil:
		return fmt.Errorf("%w: no invoice %x", ErrRefused, cmd.ID)
	case inv.State != StateAsked:
		return fmt.Errorf("%w: invoice %x is %s", ErrReplayed, cmd.ID, inv.State)
	}
	inv.State, inv.Reason = StateDeclined, truncate(cmd.Reason, MaxMemo)
	put(out, "i", cmd.ID[:], inv)
	c.send(inv.From, &Decline{Invoice: cmd.ID, Reason: inv.Reason}, out)
	return nil
}

// declined takes a payer's DECLINE of an invoice issued here.
func (c *Core) declined(peer common.Address, m *Decline, out *service.Effects) {
	inv := c.issued[m.Invoice]
	if inv == nil || inv.To != peer || inv.State != StateAsked {
		return
	}
	inv.State, inv.Reason = StateDeclined, m.Reason
	put(out, "o", m.Invoice[:], inv)
	out.Emit(InvoiceSettled{Invoice: *inv})
}

// paidIn takes a PAID: the voucher must pay exactly the invoice.
func (c *Core) paidIn(now time.Time, peer common.Address, st *ChannelState, m *Paid, out *service.Effects) {
	inv := c.issued[m.Invoice]
	switch {
	case inv == nil || inv.To != peer:
		c.refuse(peer, fmt.Errorf("%w: no invoice %x to %s", ErrRefused, m.Invoice, peer), out)
		return
	case inv.State == StatePaid:
		c.voucherIn(now, peer, st, m.Voucher, nil, out) // a copy re-sent: ACK again
		return
	case inv.State != StateAsked:
		c.refuse(peer, fmt.Errorf("%w: invoice %x is %s", ErrRefused, m.Invoice, inv.State), out)
		return
	case inv.Token != st.Token:
		c.refuse(peer, fmt.Errorf("%w: invoice in %s, channel in %s", ErrWrongAmount, tokenName(inv.Token), tokenName(st.Token)), out)
		return
	}
	c.voucherIn(now, peer, st, m.Voucher, inv, out)
}

// Snapshot is the state a Query answers: channels, invoices, budgets,
// each ordered by ID (budgets by key).
type Snapshot struct {
	Paying  []ChannelView
	Paid    []ChannelView
	Asked   []InvoiceState // invoices asked of this wallet
	Issued  []InvoiceState // invoices this wallet issued
	Budgets []Budget
}

// ChannelView is a channel as a Snapshot shows it.
type ChannelView struct {
	ID         common.Hash
	Payer      common.Address
	Payee      common.Address
	Token      common.Address
	Deposit    *big.Int
	Cumulative *big.Int // signed (payer) or held (payee)
	Acked      *big.Int // payer: acknowledged by the payee
	State      string   // open, closing, settled, broken
}

func (c *Core) snapshot() Snapshot {
	var s Snapshot
	for _, id := range sortedKeys(c.payer) {
		ch := c.payer[id]
		state := "open"
		switch {
		case ch.Closed:
			state = "settled"
		case ch.Broken:
			state = "broken"
		case ch.Closing:
			state = "closing"
		}
		s.Paying = append(s.Paying, ChannelView{ID: id, Payer: c.self(), Payee: ch.Payee, Token: ch.Token,
			Deposit: new(big.Int).Set(ch.Deposit), Cumulative: new(big.Int).Set(ch.Signed), Acked: new(big.Int).Set(ch.Acked), State: state})
	}
	for _, id := range sortedKeys(c.payee) {
		st := c.payee[id]
		state := "open"
		switch {
		case st.Settled:
			state = "settled"
		case st.ClosesAt != 0:
			state = "closing"
		}
		s.Paid = append(s.Paid, ChannelView{ID: id, Payer: st.Payer, Payee: st.Payee, Token: st.Token,
			Deposit: new(big.Int).Set(st.Deposit), Cumulative: new(big.Int).Set(st.Cumulative), State: state})
	}
	for _, id := range sortedIDs(c.asked) {
		s.Asked = append(s.Asked, *c.asked[id])
	}
	for _, id := range sortedIDs(c.issued) {
		s.Issued = append(s.Issued, *c.issued[id])
	}
	for _, k := range sortedStrings(c.budgets) {
		s.Budgets = append(s.Budgets, *c.budgets[k])
	}
	return s
}
