package im

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// ServiceSealKey is the did/svc type under which a wallet publishes its
// IM sealing key (hex), so senders that never met it can seal mail.
const ServiceSealKey = "AnynetIMKey"

// Directory reads a wallet's DID document: the mailbox it names and
// the seal key it publishes (ServiceSealKey). stack.Node is one.
type Directory interface {
	Document(ctx context.Context, wallet common.Address) (*naming.Document, error)
}

var _ Directory = (*stack.Node)(nil)

// DocumentEntry is the value of the did/svc service entry (type
// ServiceSealKey) that publishes a wallet's seal key: the key in hex.
func DocumentEntry(key [32]byte) string { return hex.EncodeToString(key[:]) }

func parseEntry(typ, value string) (k [32]byte, ok bool) {
	if typ != ServiceSealKey {
		return k, false
	}
	b, err := hex.DecodeString(value)
	if err != nil || len(b) != 32 {
		return k, false
	}
	return [32]byte(b), true
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
