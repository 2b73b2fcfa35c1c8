package control

import (
	"context"
	"fmt"
	"math/big"
	"net/http"
	"strings"
)

// PayBackend is the API of payments (apps/pay): transfers, channels,
// invoices with consent and budgets. Like ChatBackend it is optional: a
// Backend without it answers these endpoints ErrUnsupported. Amounts
// are decimal integers of the token's base unit (wei for ether) in
// strings (they exceed JSON's safe integers); ParseAmount also takes
// "1.5eth" and "20gwei". A token is a 0x ERC-20 address; empty is ether.
// A peer is a name or a 0x wallet.
type PayBackend interface {
	// PaySend pays amount to `to` with a signed transfer the payee
	// submits, and returns the receipt once mined.
	PaySend(ctx context.Context, to, amount, token, memo string) (PayReceipt, error)
	// PayChannelOpen deposits into a new channel to `to` (on chain).
	PayChannelOpen(ctx context.Context, to, deposit, token string) (PayChannel, error)
	// PayChannelPay pays amount to `to` with a voucher on an open
	// channel, counted against app's budget, and waits for the ACK.
	PayChannelPay(ctx context.Context, to, amount, token, app string) (PayChannel, error)
	// PayChannelClose closes a channel this node pays through,
	// cooperatively (on chain).
	PayChannelClose(ctx context.Context, id string) (PayChannel, error)
	// PayChannels lists the channels this node pays or is paid through.
	PayChannels(ctx context.Context) ([]PayChannel, error)
	// PayInvoiceAsk asks `to` to pay amount; its node waits for consent.
	PayInvoiceAsk(ctx context.Context, to, amount, token, memo string) (PayInvoice, error)
	// PayInvoices lists the invoices asked of this node and those it asked.
	PayInvoices(ctx context.Context) ([]PayInvoice, error)
	// PayInvoiceApprove pays invoice id (asked of this node) on a channel.
	PayInvoiceApprove(ctx context.Context, id string) (PayInvoice, error)
	// PayInvoiceRefuse declines invoice id, telling who asked.
	PayInvoiceRefuse(ctx context.Context, id, reason string) (PayInvoice, error)
	// PayBudget sets the budget of a peer or of an app (limit "" removes
	// it) and returns every budget.
	PayBudget(ctx context.Context, peer, app, token, limit string) ([]PayBudget, error)
	// PayBudgets lists the budgets.
	PayBudgets(ctx context.Context) ([]PayBudget, error)
	// PayWallet returns the wallet's balances and channels.
	PayWallet(ctx context.Context) (PayWallet, error)
}

// PayReceipt is a mined transfer.
type PayReceipt struct {
	To     string `json:"to"`             // wallet
	Name   string `json:"name,omitempty"` // its name, if it has one
	Amount string `json:"amount"`
	Token  string `json:"token,omitempty"`
	Tx     string `json:"tx"`
	Block  uint64 `json:"block"`
}

// The roles and states of a channel.
const (
	RolePayer = "payer"
	RolePayee = "payee"
)

// PayChannel is a payment channel as this node keeps it.
type PayChannel struct {
	ID      string `json:"id"`
	Role    string `json:"role"` // RolePayer: this node pays; RolePayee: it is paid
	Peer    string `json:"peer"` // the other side's wallet
	Name    string `json:"name,omitempty"`
	Token   string `json:"token,omitempty"`
	Deposit string `json:"deposit"`
	// Paid is the newest voucher's total: signed (payer) or held (payee).
	Paid string `json:"paid"`
	// Acked is what the payee acknowledged holding (payer only).
	Acked string `json:"acked,omitempty"`
	State string `json:"state"` // open, closing, settled, broken
}

// The directions and states of an invoice.
const (
	InvoiceIn       = "in"  // asked of this node
	InvoiceOut      = "out" // asked by this node
	InvoiceAsked    = "asked"
	InvoicePaid     = "paid"
	InvoiceDeclined = "declined"
)

// PayInvoice is an invoice. For one asked of this node, Peer is the
// wallet that asked, verified by the connection it came on, and Name its
// name on chain (reverse record), if any: who asks.
type PayInvoice struct {
	ID          string `json:"id"`
	Direction   string `json:"direction"` // InvoiceIn or InvoiceOut
	Peer        string `json:"peer"`
	Name        string `json:"name,omitempty"`
	Amount      string `json:"amount"`
	Token       string `json:"token,omitempty"`
	Memo        string `json:"memo,omitempty"`
	State       string `json:"state"` // InvoiceAsked, InvoicePaid or InvoiceDeclined
	Reason      string `json:"reason,omitempty"`
	ValidBefore string `json:"validBefore,omitempty"` // RFC 3339
	Channel     string `json:"channel,omitempty"`
}

// PayBudget caps what this node pays a peer, or pays for an app.
type PayBudget struct {
	Peer  string `json:"peer,omitempty"`
	Name  string `json:"name,omitempty"`
	App   string `json:"app,omitempty"`
	Token string `json:"token,omitempty"`
	Limit string `json:"limit"`
	Spent string `json:"spent"`
}

// PayWallet is the wallet's money: balances on chain and channels.
type PayWallet struct {
	Wallet string `json:"wallet"`
	Ether  string `json:"ether"` // wei
	// Token is the chain's test token (the dev deployment), if any.
	Token        string       `json:"token,omitempty"`
	TokenBalance string       `json:"tokenBalance,omitempty"`
	Contract     string       `json:"contract"` // PaymentChannels
	Channels     []PayChannel `json:"channels"`
	// Waiting counts invoices asked of this node that wait for consent.
	Waiting int `json:"waiting"`
}

// PayEvent is a payment event (EventPayment).
type PayEvent struct {
	// What: "received" (a voucher stored), "invoice" (asked of this
	// node: Invoice), "invoice-settled" (one it asked was paid or
	// declined), "transfer" (a transfer to this node mined), "refused"
	// or "cheated" (a payee acknowledged what it was not paid).
	What    string      `json:"what"`
	Peer    string      `json:"peer,omitempty"`
	Amount  string      `json:"amount,omitempty"`
	Channel string      `json:"channel,omitempty"`
	Tx      string      `json:"tx,omitempty"`
	Invoice *PayInvoice `json:"invoice,omitempty"`
	Detail  string      `json:"detail,omitempty"`
}

// ParseAmount parses an amount: a decimal integer of base units, or a
// decimal number with the suffix "eth" (10^18) or "gwei" (10^9).
func ParseAmount(s string) (*big.Int, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	scale, num := 0, s
	for _, u := range []struct {
		suffix string
		exp    int
	}{{"gwei", 9}, {"eth", 18}, {"wei", 0}} {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			scale, num = u.exp, strings.TrimSpace(rest)
			break
		}
	}
	whole, frac, _ := strings.Cut(num, ".")
	if whole == "" && frac == "" || len(frac) > scale || strings.ContainsAny(whole+frac, "+-") {
		return nil, fmt.Errorf("%w: amount %q: want base units (1000), or a number with eth or gwei (0.5eth)", ErrBadRequest, s)
	}
	v, ok := new(big.Int).SetString(whole+frac+strings.Repeat("0", scale-len(frac)), 10)
	if !ok || v.Sign() <= 0 || v.BitLen() > 256 {
		return nil, fmt.Errorf("%w: amount %q: want a positive amount, in base units (1000) or with eth or gwei (0.5eth)", ErrBadRequest, s)
	}
	return v, nil
}

var errNoPay = fmt.Errorf("%w: this process runs no payment service (payments need `anynet up` on a chain with the payment contracts)", ErrUnsupported)

// noPay answers the PayBackend endpoints of a Backend without them.
type noPay struct{}

func (noPay) PaySend(context.Context, string, string, string, string) (PayReceipt, error) {
	return PayReceipt{}, errNoPay
}
func (noPay) PayChannelOpen(context.Context, string, string, string) (PayChannel, error) {
	return PayChannel{}, errNoPay
}
func (noPay) PayChannelPay(context.Context, string, string, string, string) (PayChannel, error) {
	return PayChannel{}, errNoPay
}
func (noPay) PayChannelClose(context.Context, string) (PayChannel, error) {
	return PayChannel{}, errNoPay
}
func (noPay) PayChannels(context.Context) ([]PayChannel, error) { return nil, errNoPay }
func (noPay) PayInvoiceAsk(context.Context, string, string, string, string) (PayInvoice, error) {
	return PayInvoice{}, errNoPay
}
func (noPay) PayInvoices(context.Context) ([]PayInvoice, error) { return nil, errNoPay }
func (noPay) PayInvoiceApprove(context.Context, string) (PayInvoice, error) {
	return PayInvoice{}, errNoPay
}
func (noPay) PayInvoiceRefuse(context.Context, string, string) (PayInvoice, error) {
	return PayInvoice{}, errNoPay
}
func (noPay) PayBudget(context.Context, string, string, string, string) ([]PayBudget, error) {
	return nil, errNoPay
}
func (noPay) PayBudgets(context.Context) ([]PayBudget, error) { return nil, errNoPay }
func (noPay) PayWallet(context.Context) (PayWallet, error)    { return PayWallet{}, errNoPay }

func (s *Server) payHandlers(b Backend, get, post func(string, func(*http.Request) (any, error))) {
	pb, ok := b.(PayBackend)
	if !ok {
		pb = noPay{}
	}
	post("/v1/pay/send", func(r *http.Request) (any, error) {
		var req struct{ To, Amount, Token, Memo string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PaySend(r.Context(), req.To, req.Amount, req.Token, req.Memo)
	})
	post("/v1/pay/channel/open", func(r *http.Request) (any, error) {
		var req struct{ To, Deposit, Token string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PayChannelOpen(r.Context(), req.To, req.Deposit, req.Token)
	})
	post("/v1/pay/channel/pay", func(r *http.Request) (any, error) {
		var req struct{ To, Amount, Token, App string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PayChannelPay(r.Context(), req.To, req.Amount, req.Token, req.App)
	})
	post("/v1/pay/channel/close", func(r *http.Request) (any, error) {
		var req struct{ ID string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PayChannelClose(r.Context(), req.ID)
	})
	get("/v1/pay/channels", func(r *http.Request) (any, error) { return pb.PayChannels(r.Context()) })
	post("/v1/pay/invoice/ask", func(r *http.Request) (any, error) {
		var req struct{ To, Amount, Token, Memo string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PayInvoiceAsk(r.Context(), req.To, req.Amount, req.Token, req.Memo)
	})
	get("/v1/pay/invoices", func(r *http.Request) (any, error) { return pb.PayInvoices(r.Context()) })
	post("/v1/pay/invoice/approve", func(r *http.Request) (any, error) {
		var req struct{ ID string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PayInvoiceApprove(r.Context(), req.ID)
	})
	post("/v1/pay/invoice/refuse", func(r *http.Request) (any, error) {
		var req struct{ ID, Reason string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PayInvoiceRefuse(r.Context(), req.ID, req.Reason)
	})
	post("/v1/pay/budget", func(r *http.Request) (any, error) {
		var req struct{ Peer, App, Token, Limit string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return pb.PayBudget(r.Context(), req.Peer, req.App, req.Token, req.Limit)
	})
	get("/v1/pay/budgets", func(r *http.Request) (any, error) { return pb.PayBudgets(r.Context()) })
	get("/v1/pay/wallet", func(r *http.Request) (any, error) { return pb.PayWallet(r.Context()) })
}

var _ PayBackend = (*Client)(nil)

// PaySend, PayChannelOpen … call the payment endpoints (see doc.go).
func (c *Client) PaySend(ctx context.Context, to, amount, token, memo string) (v PayReceipt, err error) {
	return v, c.do(ctx, "POST", "/v1/pay/send", map[string]any{"to": to, "amount": amount, "token": token, "memo": memo}, &v)
}

func (c *Client) PayChannelOpen(ctx context.Context, to, deposit, token string) (v PayChannel, err error) {
	return v, c.do(ctx, "POST", "/v1/pay/channel/open", map[string]any{"to": to, "deposit": deposit, "token": token}, &v)
}

func (c *Client) PayChannelPay(ctx context.Context, to, amount, token, app string) (v PayChannel, err error) {
	return v, c.do(ctx, "POST", "/v1/pay/channel/pay", map[string]any{"to": to, "amount": amount, "token": token, "app": app}, &v)
}

func (c *Client) PayChannelClose(ctx context.Context, id string) (v PayChannel, err error) {
	return v, c.do(ctx, "POST", "/v1/pay/channel/close", map[string]any{"id": id}, &v)
}

func (c *Client) PayChannels(ctx context.Context) (v []PayChannel, err error) {
	return v, c.do(ctx, "GET", "/v1/pay/channels", nil, &v)
}

func (c *Client) PayInvoiceAsk(ctx context.Context, to, amount, token, memo string) (v PayInvoice, err error) {
	return v, c.do(ctx, "POST", "/v1/pay/invoice/ask", map[string]any{"to": to, "amount": amount, "token": token, "memo": memo}, &v)
}

func (c *Client) PayInvoices(ctx context.Context) (v []PayInvoice, err error) {
	return v, c.do(ctx, "GET", "/v1/pay/invoices", nil, &v)
}

func (c *Client) PayInvoiceApprove(ctx context.Context, id string) (v PayInvoice, err error) {
	return v, c.do(ctx, "POST", "/v1/pay/invoice/approve", map[string]any{"id": id}, &v)
}

func (c *Client) PayInvoiceRefuse(ctx context.Context, id, reason string) (v PayInvoice, err error) {
	return v, c.do(ctx, "POST", "/v1/pay/invoice/refuse", map[string]any{"id": id, "reason": reason}, &v)
}

func (c *Client) PayBudget(ctx context.Context, peer, app, token, limit string) (v []PayBudget, err error) {
	return v, c.do(ctx, "POST", "/v1/pay/budget", map[string]any{"peer": peer, "app": app, "token": token, "limit": limit}, &v)
}

func (c *Client) PayBudgets(ctx context.Context) (v []PayBudget, err error) {
	return v, c.do(ctx, "GET", "/v1/pay/budgets", nil, &v)
}

func (c *Client) PayWallet(ctx context.Context) (v PayWallet, err error) {
	return v, c.do(ctx, "GET", "/v1/pay/wallet", nil, &v)
}
