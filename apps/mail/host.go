package mail

import (
	"context"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// mailHost hands the core documents whose mailbox is a wallet: a
// document may name its mailbox node by name (mail-at = "carol"), which
// only the host can resolve.
type mailHost struct{ service.Host }

func (h mailHost) Document(ctx context.Context, w common.Address) (*naming.Document, error) {
	d, err := h.Host.Document(ctx, w)
	if err != nil || d == nil || d.Mailbox == "" || common.IsHexAddress(d.Mailbox) {
		return d, err
	}
	box, lerr := h.Host.Lookup(ctx, d.Mailbox)
	if lerr != nil {
		return d, nil // the core goes on without a mailbox
	}
	cp := *d
	cp.Mailbox = box.Hex()
	return &cp, nil
}
