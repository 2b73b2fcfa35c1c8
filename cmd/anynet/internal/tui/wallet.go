package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ethereum/go-ethereum/common"
)

// WalletBackend is the Wallet view's: the node's money. A Backend
// without it shows the view empty, saying so. Same rules as Backend.
type WalletBackend interface {
	// Wallet returns balances, channels and the invoices waiting for
	// consent.
	Wallet(ctx context.Context) (Wallet, error)
	// ApproveInvoice pays invoice id (asked of this node).
	ApproveInvoice(ctx context.Context, id string) error
	// RefuseInvoice declines invoice id.
	RefuseInvoice(ctx context.Context, id string) error
}

// Wallet is the node's money.
type Wallet struct {
	Address      common.Address
	Ether        string // wei
	Token        string // the test token's address, "" if none
	TokenBalance string
	Channels     []WalletChannel
	// Waiting are the invoices asked of this node, waiting for consent.
	Waiting []WalletInvoice
}

// WalletChannel is a payment channel.
type WalletChannel struct {
	ID       string
	Payer    bool // this node pays through it
	Peer     common.Address
	PeerName string
	Deposit  string
	Paid     string
	State    string
}

// WalletInvoice is an invoice asked of this node: who asks (the wallet
// the connection verified, and its name on chain) and for what.
type WalletInvoice struct {
	ID       string
	From     common.Address
	FromName string
	Amount   string
	Memo     string
}

// walletState is the Wallet view.
type walletState struct {
	w      Wallet
	loaded bool
	off    string // why there is no wallet to show
	sel    int    // the selected invoice in w.Waiting
}

type (
	walletMsg struct {
		w   Wallet
		err error
	}
	walletOpMsg struct {
		what string
		err  error
	}
)

var (
	keyApprove = key.NewBinding(key.WithKeys("a"), key.WithHelp("a/r", "approve/refuse invoice"))
	keyRefuse  = key.NewBinding(key.WithKeys("r"))
)

func (m *model) refreshWallet() tea.Cmd {
	wb, ok := m.b.(WalletBackend)
	if !ok {
		m.wallet.off = "payments are not available through this backend"
		return nil
	}
	return m.call("wallet", func(ctx context.Context) tea.Msg {
		w, err := wb.Wallet(ctx)
		return walletMsg{w, err}
	})
}

func (m *model) updateWallet(msg tea.KeyMsg) tea.Cmd {
	ws := &m.wallet
	switch {
	case key.Matches(msg, m.keys.Up):
		ws.sel = max(ws.sel-1, 0)
	case key.Matches(msg, m.keys.Down):
		ws.sel = min(ws.sel+1, max(len(ws.w.Waiting)-1, 0))
	case key.Matches(msg, keyApprove), key.Matches(msg, keyRefuse):
		wb, ok := m.b.(WalletBackend)
		if !ok || ws.sel >= len(ws.w.Waiting) {
			return nil
		}
		inv := ws.w.Waiting[ws.sel]
		approve := key.Matches(msg, keyApprove)
		return m.call("", func(ctx context.Context) tea.Msg {
			if approve {
				return walletOpMsg{"approve invoice " + inv.ID[:8], wb.ApproveInvoice(ctx, inv.ID)}
			}
			return walletOpMsg{"refuse invoice " + inv.ID[:8], wb.RefuseInvoice(ctx, inv.ID)}
		})
	}
	return nil
}

func (m *model) walletResult(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case walletMsg:
		m.inflight["wallet"] = false
		if m.failed("wallet", msg.err) {
			return nil
		}
		m.wallet.w, m.wallet.loaded, m.wallet.off = msg.w, true, ""
		m.wallet.sel = min(m.wallet.sel, max(len(msg.w.Waiting)-1, 0))
	case walletOpMsg:
		if m.failed(msg.what, msg.err) {
			return nil
		}
		m.setNotice(msg.what+": done", false)
		return m.refreshWallet()
	}
	return nil
}

// viewWallet draws the Wallet view: balances, the invoices waiting for
// consent (who asks, for what), then the channels.
func (m *model) viewWallet(w, h int) string {
	ws := &m.wallet
	st := m.st
	if ws.off != "" || !ws.loaded {
		return fit(st.dim.Render(or(ws.off, "loading…")), w, h)
	}
	lines := []string{
		st.heading.Render("Wallet") + " " + ws.w.Address.Hex(),
		fmt.Sprintf("ether  %s wei", ws.w.Ether),
	}
	if ws.w.Token != "" {
		lines = append(lines, fmt.Sprintf("token  %s (test token %s)", or(ws.w.TokenBalance, "?"), shortAddr(common.HexToAddress(ws.w.Token))))
	}
	lines = append(lines, "", st.heading.Render(fmt.Sprintf("Invoices waiting for you (%d)", len(ws.w.Waiting))))
	if len(ws.w.Waiting) == 0 {
		lines = append(lines, st.dim.Render("none"))
	}
	for i, inv := range ws.w.Waiting {
		asker := shortAddr(inv.From)
		if inv.FromName != "" {
			asker = inv.FromName + " " + st.dim.Render(inv.From.Hex())
		}
		row := fmt.Sprintf("  %s asks %s wei", asker, inv.Amount)
		if inv.Memo != "" {
			row += ": " + inv.Memo
		}
		if i == ws.sel {
			row = st.selected.Render("▸ " + strings.TrimPrefix(row, "  "))
		}
		lines = append(lines, row)
	}
	lines = append(lines, "", st.heading.Render("Channels"))
	if len(ws.w.Channels) == 0 {
		lines = append(lines, st.dim.Render("none (anynet channel open NAME DEPOSIT)"))
	}
	for _, c := range ws.w.Channels {
		dir := "←"
		if c.Payer {
			dir = "→"
		}
		lines = append(lines, fmt.Sprintf("  %s %s %s/%s %s", dir, or(c.PeerName, shortAddr(c.Peer)), c.Paid, c.Deposit, st.dim.Render(c.State)))
	}
	return fit(strings.Join(lines, "\n"), w, h)
}
