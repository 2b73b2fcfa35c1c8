package daemon

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/ethereum/go-ethereum/common"
)

// This file serves payments (apps/pay): the node's pay.Service on
// PaymentPort, over a pebble store in DIR/pay, with the dev deployment
// of the payment contracts (pay.EnsureDevDeployment: the first node on
// a test chain deploys them). A node whose chain has no faucet to fund
// that deployment runs without payments (ErrUnsupported).

var _ control.PayBackend = (*Daemon)(nil)

// payState is the daemon's payment service.
type payState struct {
	close sync.Once
	svc   *pay.Service
	store *service.Pebble
	chain *pay.Chain
	dep   pay.Deployment
}

// testTokenGrant is what a node mints itself of the dev deployment's
// test token when it holds none (as the faucet gives it ether).
var testTokenGrant = new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))

// startPay starts the payment service; an error leaves the node without.
func (d *Daemon) startPay(ctx context.Context, log *slog.Logger) error {
	var backend pay.Backend
	var fund func(context.Context, common.Address) error
	switch {
	case d.emb != nil:
		backend, fund = d.emb.Backend(), d.emb.Fund
	case d.remote != nil:
		backend, fund = d.remote.RPC, d.remote.Fund
	default:
		return errors.New("no chain")
	}
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	dep, err := pay.EnsureDevDeployment(dctx, backend, d.chainID, fund)
	if err != nil {
		return err
	}
	chain := pay.NewChain(backend, d.chainID, dep.Channels)
	if bal, err := chain.Balance(dctx, dep.Token, d.wallet); err == nil && bal.Sign() == 0 {
		if err := chain.Mint(dctx, pay.DevDeployer(), dep.Token, d.wallet, testTokenGrant); err != nil {
			log.Warn("pay: no test tokens minted", "err", err)
		}
	}
	st, err := service.OpenPebble(filepath.Join(d.cfg.Dir, "pay"))
	if err != nil {
		return err
	}
	svc, err := pay.StartService(pay.ServiceConfig{Host: d.node, Wallet: pay.NewKeyWallet(d.key), Chain: chain,
		Store: st, OnEvent: d.payEvent, Logger: log})
	if err != nil {
		st.Close()
		return err
	}
	d.pay = &payState{svc: svc, store: st, chain: chain, dep: dep}
	return nil
}

// closePay stops the payment service; Close may run it twice.
func (d *Daemon) closePay() {
	if p := d.pay; p != nil {
		p.close.Do(func() {
			p.svc.Close()
			p.store.Close()
		})
	}
}

// payEvent journals the payment service's events (from its runner's
// goroutine: no chain reads here).
func (d *Daemon) payEvent(e any) {
	var pe control.PayEvent
	switch e := e.(type) {
	case pay.Received:
		if t := d.exitCharge.Load(); t != nil && e.Invoice == ([16]byte{}) {
			t.Received(e) // a voucher that pays no invoice pays for the exit's bytes
		}
		pe = control.PayEvent{What: "received", Peer: e.From.Hex(), Amount: e.Amount.String(), Channel: e.Channel.Hex()}
	case pay.InvoiceAsked:
		inv := invoiceView(e.Invoice, control.InvoiceIn, "")
		pe = control.PayEvent{What: "invoice", Peer: e.Invoice.From.Hex(), Amount: e.Invoice.Amount.String(), Invoice: &inv}
	case pay.InvoiceSettled:
		inv := invoiceView(e.Invoice, control.InvoiceOut, "")
		pe = control.PayEvent{What: "invoice-settled", Peer: e.Invoice.To.Hex(), Amount: e.Invoice.Amount.String(), Invoice: &inv}
	case pay.TransferReceived:
		pe = control.PayEvent{What: "transfer", Peer: e.From.Hex(), Amount: e.Transfer.Amount.String(), Tx: e.Receipt.TxHash.Hex()}
	case pay.Refused:
		pe = control.PayEvent{What: "refused", Peer: e.Peer.Hex(), Detail: e.Err.Message}
	case pay.Cheated:
		pe = control.PayEvent{What: "cheated", Peer: e.Payee.Hex(), Channel: e.Channel.Hex(),
			Detail: fmt.Sprintf("acknowledged %s; signed %s, acknowledged before %s", e.Acked, e.Signed, e.Before)}
	default:
		return
	}
	d.events.Append(control.Event{Kind: control.EventPayment, Payment: &pe})
}

func (d *Daemon) payService() (*payState, error) {
	if d.pay == nil {
		return nil, fmt.Errorf("%w: payments are off on this node (no payment contracts on its chain; see the log)", control.ErrUnsupported)
	}
	return d.pay, nil
}

// payErr maps apps/pay's errors onto the control API's.
func payErr(err error) error {
	var pe *pay.PeerError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pay.ErrMalformed):
		return fmt.Errorf("%w: %v", control.ErrBadRequest, err)
	case errors.As(err, &pe), errors.Is(err, pay.ErrOverBudget), errors.Is(err, pay.ErrUnknownChannel),
		errors.Is(err, pay.ErrOverDeposit), errors.Is(err, pay.ErrReplayed), errors.Is(err, pay.ErrExpired),
		errors.Is(err, pay.ErrWrongAmount), errors.Is(err, pay.ErrRefused), errors.Is(err, pay.ErrFailed):
		return fmt.Errorf("%w: %v", control.ErrRefused, err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %v", control.ErrTimeout, err)
	}
	return err
}

// token parses a token: "" is ether, "test" the dev deployment's token.
func (p *payState) token(s string) (common.Address, error) {
	switch {
	case s == "":
		return common.Address{}, nil
	case s == "test":
		return p.dep.Token, nil
	case common.IsHexAddress(s) && strings.HasPrefix(s, "0x"):
		return common.HexToAddress(s), nil
	}
	return common.Address{}, fmt.Errorf("%w: token %q: want an ERC-20 0x address, or test", control.ErrBadRequest, s)
}

func tokenText(t common.Address) string {
	if t == (common.Address{}) {
		return ""
	}
	return t.Hex()
}

// who is "name (0x…)", or the wallet alone.
func who(name string, w common.Address) string {
	if name == "" {
		return w.Hex()
	}
	return name + " (" + w.Hex() + ")"
}

// name is w's name on chain, or "".
func (d *Daemon) nameOf(ctx context.Context, w common.Address) string {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	n, _ := d.names.Reverse(ctx, w)
	return n
}

// PaySend implements control.PayBackend.
func (d *Daemon) PaySend(ctx context.Context, to, amount, token, memo string) (control.PayReceipt, error) {
	p, err := d.payService()
	if err != nil {
		return control.PayReceipt{}, err
	}
	w, name, tok, amt, err := d.payArgs(ctx, p, to, amount, token)
	if err != nil {
		return control.PayReceipt{}, err
	}
	rc, err := p.svc.Send(ctx, w, tok, amt, memo)
	if err != nil {
		return control.PayReceipt{}, payErr(err)
	}
	return control.PayReceipt{To: w.Hex(), Name: name, Amount: amt.String(), Token: tokenText(tok), Tx: rc.TxHash.Hex(), Block: rc.Block}, nil
}

// payArgs parses a payment's peer, amount and token.
func (d *Daemon) payArgs(ctx context.Context, p *payState, to, amount, token string) (common.Address, string, common.Address, *big.Int, error) {
	w, name, err := d.lookup(ctx, to)
	if err != nil {
		return w, name, common.Address{}, nil, err
	}
	if w == d.wallet {
		return w, name, common.Address{}, nil, fmt.Errorf("%w: %s is this node's own wallet", control.ErrBadRequest, to)
	}
	amt, err := control.ParseAmount(amount)
	if err != nil {
		return w, name, common.Address{}, nil, err
	}
	tok, err := p.token(token)
	return w, name, tok, amt, err
}

// PayChannelOpen implements control.PayBackend.
func (d *Daemon) PayChannelOpen(ctx context.Context, to, deposit, token string) (control.PayChannel, error) {
	p, err := d.payService()
	if err != nil {
		return control.PayChannel{}, err
	}
	w, name, tok, amt, err := d.payArgs(ctx, p, to, deposit, token)
	if err != nil {
		return control.PayChannel{}, err
	}
	// The payee's DID document says which contract its node takes
	// vouchers on (AnynetPay): a deposit elsewhere would be stranded.
	doc, err := d.names.DIDDocument(ctx, w)
	if err != nil {
		return control.PayChannel{}, err
	}
	dom, err := pay.DomainOf(doc)
	if err != nil || dom.ChainID.Cmp(d.chainID) != 0 || dom.Contract != p.dep.Channels {
		why := "publishes no AnynetPay entry"
		if err == nil {
			why = "takes vouchers on " + pay.DocumentEntry(dom.ChainID, dom.Contract)
		}
		return control.PayChannel{}, fmt.Errorf("%w: %s %s, not on this node's %s", control.ErrRefused, who(name, w), why, pay.DocumentEntry(d.chainID, p.dep.Channels))
	}
	id, err := p.svc.OpenChannel(ctx, w, tok, amt)
	if err != nil {
		return control.PayChannel{}, payErr(err)
	}
	return d.channel(ctx, p, id)
}

// PayChannelPay implements control.PayBackend.
func (d *Daemon) PayChannelPay(ctx context.Context, to, amount, token, app string) (control.PayChannel, error) {
	p, err := d.payService()
	if err != nil {
		return control.PayChannel{}, err
	}
	w, _, tok, amt, err := d.payArgs(ctx, p, to, amount, token)
	if err != nil {
		return control.PayChannel{}, err
	}
	pm, err := p.svc.Pay(ctx, w, tok, amt, app)
	if err != nil {
		return control.PayChannel{}, payErr(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := p.svc.WaitAcked(wctx, pm.Channel, pm.Cumulative); err != nil {
		return control.PayChannel{}, payErr(err)
	}
	return d.channel(ctx, p, pm.Channel)
}

// PayChannelClose implements control.PayBackend.
func (d *Daemon) PayChannelClose(ctx context.Context, id string) (control.PayChannel, error) {
	p, err := d.payService()
	if err != nil {
		return control.PayChannel{}, err
	}
	b, err := hex.DecodeString(strings.TrimPrefix(id, "0x"))
	if err != nil || len(b) != 32 {
		return control.PayChannel{}, fmt.Errorf("%w: channel %q: want 0x and 64 hex digits (see `anynet channel status`)", control.ErrBadRequest, id)
	}
	cid := common.BytesToHash(b)
	if _, err := p.svc.CloseChannel(ctx, cid); err != nil {
		return control.PayChannel{}, payErr(err)
	}
	return d.channel(ctx, p, cid)
}

// channel is one channel's view.
func (d *Daemon) channel(ctx context.Context, p *payState, id common.Hash) (control.PayChannel, error) {
	list, err := d.PayChannels(ctx)
	if err != nil {
		return control.PayChannel{}, err
	}
	for _, c := range list {
		if c.ID == id.Hex() {
			return c, nil
		}
	}
	return control.PayChannel{}, fmt.Errorf("%w: channel %s", control.ErrNotFound, id.Hex())
}

// PayChannels implements control.PayBackend.
func (d *Daemon) PayChannels(ctx context.Context) ([]control.PayChannel, error) {
	p, err := d.payService()
	if err != nil {
		return nil, err
	}
	snap, err := p.svc.State(ctx)
	if err != nil {
		return nil, payErr(err)
	}
	out := []control.PayChannel{}
	for _, c := range snap.Paying {
		out = append(out, control.PayChannel{ID: c.ID.Hex(), Role: control.RolePayer, Peer: c.Payee.Hex(), Name: d.nameOf(ctx, c.Payee),
			Token: tokenText(c.Token), Deposit: c.Deposit.String(), Paid: c.Cumulative.String(), Acked: c.Acked.String(), State: c.State})
	}
	for _, c := range snap.Paid {
		out = append(out, control.PayChannel{ID: c.ID.Hex(), Role: control.RolePayee, Peer: c.Payer.Hex(), Name: d.nameOf(ctx, c.Payer),
			Token: tokenText(c.Token), Deposit: c.Deposit.String(), Paid: c.Cumulative.String(), State: c.State})
	}
	return out, nil
}

// invoiceView is an invoice as the control API shows it.
func invoiceView(inv pay.InvoiceState, dir, name string) control.PayInvoice {
	peer := inv.From
	if dir == control.InvoiceOut {
		peer = inv.To
	}
	v := control.PayInvoice{ID: inv.IDHex(), Direction: dir, Peer: peer.Hex(), Name: name, Amount: inv.Amount.String(),
		Token: tokenText(inv.Token), Memo: inv.Memo, State: inv.State, Reason: inv.Reason}
	if inv.ValidBefore != 0 {
		v.ValidBefore = time.Unix(int64(inv.ValidBefore), 0).UTC().Format(time.RFC3339)
	}
	if inv.Channel != (common.Hash{}) {
		v.Channel = inv.Channel.Hex()
	}
	return v
}

// PayInvoiceAsk implements control.PayBackend.
func (d *Daemon) PayInvoiceAsk(ctx context.Context, to, amount, token, memo string) (control.PayInvoice, error) {
	p, err := d.payService()
	if err != nil {
		return control.PayInvoice{}, err
	}
	w, name, tok, amt, err := d.payArgs(ctx, p, to, amount, token)
	if err != nil {
		return control.PayInvoice{}, err
	}
	id, err := p.svc.Invoice(ctx, w, tok, amt, memo, 24*time.Hour)
	if err != nil {
		return control.PayInvoice{}, payErr(err)
	}
	return d.invoice(ctx, p, id, name)
}

func (d *Daemon) invoice(ctx context.Context, p *payState, id [16]byte, name string) (control.PayInvoice, error) {
	snap, err := p.svc.State(ctx)
	if err != nil {
		return control.PayInvoice{}, payErr(err)
	}
	for _, inv := range snap.Asked {
		if inv.ID == id {
			return invoiceView(inv, control.InvoiceIn, d.nameOf(ctx, inv.From)), nil
		}
	}
	for _, inv := range snap.Issued {
		if inv.ID == id {
			if name == "" {
				name = d.nameOf(ctx, inv.To)
			}
			return invoiceView(inv, control.InvoiceOut, name), nil
		}
	}
	return control.PayInvoice{}, fmt.Errorf("%w: invoice %x", control.ErrNotFound, id)
}

// PayInvoices implements control.PayBackend.
func (d *Daemon) PayInvoices(ctx context.Context) ([]control.PayInvoice, error) {
	p, err := d.payService()
	if err != nil {
		return nil, err
	}
	snap, err := p.svc.State(ctx)
	if err != nil {
		return nil, payErr(err)
	}
	out := []control.PayInvoice{}
	for _, inv := range snap.Asked {
		out = append(out, invoiceView(inv, control.InvoiceIn, d.nameOf(ctx, inv.From)))
	}
	for _, inv := range snap.Issued {
		out = append(out, invoiceView(inv, control.InvoiceOut, d.nameOf(ctx, inv.To)))
	}
	return out, nil
}

func invoiceID(s string) ([16]byte, error) {
	id, err := pay.ParseInvoiceID(s)
	if err != nil {
		return id, fmt.Errorf("%w: invoice %q: want 32 hex digits (see `anynet invoice list`)", control.ErrBadRequest, s)
	}
	return id, nil
}

// PayInvoiceApprove implements control.PayBackend: the voucher is paid
// and acknowledged before it answers.
func (d *Daemon) PayInvoiceApprove(ctx context.Context, s string) (control.PayInvoice, error) {
	p, err := d.payService()
	if err != nil {
		return control.PayInvoice{}, err
	}
	id, err := invoiceID(s)
	if err != nil {
		return control.PayInvoice{}, err
	}
	pm, err := p.svc.Approve(ctx, id)
	if err != nil {
		return control.PayInvoice{}, payErr(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := p.svc.WaitAcked(wctx, pm.Channel, pm.Cumulative); err != nil {
		return control.PayInvoice{}, payErr(err)
	}
	return d.invoice(ctx, p, id, "")
}

// PayInvoiceRefuse implements control.PayBackend.
func (d *Daemon) PayInvoiceRefuse(ctx context.Context, s, reason string) (control.PayInvoice, error) {
	p, err := d.payService()
	if err != nil {
		return control.PayInvoice{}, err
	}
	id, err := invoiceID(s)
	if err != nil {
		return control.PayInvoice{}, err
	}
	if err := p.svc.Refuse(ctx, id, reason); err != nil {
		return control.PayInvoice{}, payErr(err)
	}
	return d.invoice(ctx, p, id, "")
}

// PayBudget implements control.PayBackend.
func (d *Daemon) PayBudget(ctx context.Context, peer, app, token, limit string) ([]control.PayBudget, error) {
	p, err := d.payService()
	if err != nil {
		return nil, err
	}
	b := pay.Budget{App: app}
	if (peer == "") == (app == "") {
		return nil, fmt.Errorf("%w: a budget is for one peer or one app", control.ErrBadRequest)
	}
	if peer != "" {
		if b.Peer, _, err = d.lookup(ctx, peer); err != nil {
			return nil, err
		}
	}
	if b.Token, err = p.token(token); err != nil {
		return nil, err
	}
	if limit != "" {
		if limit == "0" {
			b.Limit = new(big.Int)
		} else if b.Limit, err = control.ParseAmount(limit); err != nil {
			return nil, err
		}
	}
	if err := p.svc.SetBudget(ctx, b); err != nil {
		return nil, payErr(err)
	}
	return d.PayBudgets(ctx)
}

// PayBudgets implements control.PayBackend.
func (d *Daemon) PayBudgets(ctx context.Context) ([]control.PayBudget, error) {
	p, err := d.payService()
	if err != nil {
		return nil, err
	}
	snap, err := p.svc.State(ctx)
	if err != nil {
		return nil, payErr(err)
	}
	out := []control.PayBudget{}
	for _, b := range snap.Budgets {
		v := control.PayBudget{App: b.App, Token: tokenText(b.Token), Limit: b.Limit.String(), Spent: b.Spent.String()}
		if b.Peer != (common.Address{}) {
			v.Peer, v.Name = b.Peer.Hex(), d.nameOf(ctx, b.Peer)
		}
		out = append(out, v)
	}
	return out, nil
}

// PayWallet implements control.PayBackend.
func (d *Daemon) PayWallet(ctx context.Context) (control.PayWallet, error) {
	p, err := d.payService()
	if err != nil {
		return control.PayWallet{}, err
	}
	w := control.PayWallet{Wallet: d.wallet.Hex(), Contract: p.dep.Channels.Hex(), Token: tokenText(p.dep.Token)}
	eth, err := p.chain.Balance(ctx, common.Address{}, d.wallet)
	if err != nil {
		return w, err
	}
	w.Ether = eth.String()
	if p.dep.Token != (common.Address{}) {
		if tb, err := p.chain.Balance(ctx, p.dep.Token, d.wallet); err == nil {
			w.TokenBalance = tb.String()
		}
	}
	if w.Channels, err = d.PayChannels(ctx); err != nil {
		return w, err
	}
	snap, err := p.svc.State(ctx)
	if err != nil {
		return w, payErr(err)
	}
	for _, inv := range snap.Asked {
		if inv.State == pay.StateAsked {
			w.Waiting++
		}
	}
	return w, nil
}
