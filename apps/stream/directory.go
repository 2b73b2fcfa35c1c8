package stream

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/naming"
)

// DocumentEntry is the value of the DocumentEntryType service entry:
// "port:" and Port (TestDocumentEntry holds the two together).
const DocumentEntry = "port:4200"

// Publish writes the AnynetStream entry into wallet's DID document
// unless it is there and valid for more than half of
// naming.DefaultValidity (auth must be the wallet); it reports whether
// it wrote. A node that publishes or relays streams calls it.
func Publish(ctx context.Context, names *naming.Client, auth *bind.TransactOpts, wallet common.Address) (bool, error) {
	wrote, err := names.PublishServices(ctx, auth, wallet, naming.Service{Type: DocumentEntryType, Endpoint: DocumentEntry})
	if err != nil {
		return false, fmt.Errorf("stream: publish: %w", err)
	}
	return wrote, nil
}
