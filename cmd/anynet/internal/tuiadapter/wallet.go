package tuiadapter

import (
	"context"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
	"github.com/ethereum/go-ethereum/common"
)

var _ tui.WalletBackend = (*Backend)(nil)

// Wallet implements tui.WalletBackend: the wallet's balances and
// channels, and the invoices asked of this node still waiting.
func (b *Backend) Wallet(ctx context.Context) (tui.Wallet, error) {
	w, err := b.C.PayWallet(ctx)
	if err != nil {
		return tui.Wallet{}, err
	}
	out := tui.Wallet{Address: common.HexToAddress(w.Wallet), Ether: w.Ether, Token: w.Token, TokenBalance: w.TokenBalance}
	for _, c := range w.Channels {
		out.Channels = append(out.Channels, tui.WalletChannel{ID: c.ID, Payer: c.Role == control.RolePayer,
			Peer: common.HexToAddress(c.Peer), PeerName: c.Name, Deposit: c.Deposit, Paid: c.Paid, State: c.State})
	}
	invs, err := b.C.PayInvoices(ctx)
	if err != nil {
		return tui.Wallet{}, err
	}
	for _, inv := range invs {
		if inv.Direction == control.InvoiceIn && inv.State == control.InvoiceAsked {
			out.Waiting = append(out.Waiting, tui.WalletInvoice{ID: inv.ID, From: common.HexToAddress(inv.Peer),
				FromName: inv.Name, Amount: inv.Amount, Memo: inv.Memo})
		}
	}
	return out, nil
}

// ApproveInvoice implements tui.WalletBackend.
func (b *Backend) ApproveInvoice(ctx context.Context, id string) error {
	_, err := b.C.PayInvoiceApprove(ctx, id)
	return err
}

// RefuseInvoice implements tui.WalletBackend.
func (b *Backend) RefuseInvoice(ctx context.Context, id string) error {
	_, err := b.C.PayInvoiceRefuse(ctx, id, "")
	return err
}
