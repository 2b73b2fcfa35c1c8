package im

import (
	"context"
	"errors"
	"fmt"

	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// ServiceSealKey is the did/svc type under which a wallet publishes its
// IM sealing key (hex), so senders that never met it can seal mail.
const ServiceSealKey = "AnynetIMKey"

// ErrNoSealKey: the wallet's DID document publishes no sealing key.
var ErrNoSealKey = errors.New("im: wallet publishes no sealing key")

// ChainDirectory is the Directory (and KeyDirectory) on chain: a wallet's
// mailbox and sealing key come from its DID document.
type ChainDirectory struct{ Names *naming.Client }

var _ KeyDirectory = ChainDirectory{}

// Mailbox returns the mailbox the wallet's DID document names, or "".
func (d ChainDirectory) Mailbox(ctx context.Context, wallet common.Address) (string, error) {
	doc, err := d.Names.DIDDocument(ctx, wallet)
	if err != nil {
		return "", fmt.Errorf("im: mailbox of %s: %w", wallet, err)
	}
	return doc.Mailbox, nil
}

// SealKey returns the newest sealing key the wallet's DID document lists.
func (d ChainDirectory) SealKey(ctx context.Context, wallet common.Address) ([32]byte, error) {
	doc, err := d.Names.DIDDocument(ctx, wallet)
	if err != nil {
		return [32]byte{}, fmt.Errorf("im: sealing key of %s: %w", wallet, err)
	}
	for i := len(doc.Services) - 1; i >= 0; i-- {
		if k, ok := parseEntry(doc.Services[i].Type, doc.Services[i].Endpoint); ok {
			return k, nil
		}
	}
	return [32]byte{}, fmt.Errorf("%w: %s", ErrNoSealKey, wallet)
}

// Publish writes the service's sealing key, and mailbox if not empty,
// into the wallet's DID document (auth must be the wallet).
func (s *Service) Publish(ctx context.Context, names *naming.Client, auth *bind.TransactOpts, mailbox string) error {
	req := naming.PublishRequest{Mailbox: mailbox, Services: s.core.Entries()}
	if _, err := names.Publish(ctx, auth, req); err != nil {
		return fmt.Errorf("im: publish: %w", err)
	}
	return nil
}
