package mq

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/naming"
)

// DocumentEntryType is the type of the queues' service entry in a
// wallet's DID document (did/svc/AnynetMQ); its value is
// DocumentEntry: "nats:" and the overlay port.
const DocumentEntryType = "AnynetMQ"

// DocumentEntry is the entry's value for Port (TestDocumentEntry holds
// the two together).
const DocumentEntry = "nats:4222"

// Advertised returns the overlay port doc's wallet serves queues on,
// from its newest AnynetMQ entry; false if it has none.
func Advertised(doc *naming.Document) (int, bool) {
	for i := len(doc.Services) - 1; i >= 0; i-- {
		sv := doc.Services[i]
		if sv.Type != DocumentEntryType {
			continue
		}
		p, err := strconv.Atoi(strings.TrimPrefix(sv.Endpoint, "nats:"))
		if strings.HasPrefix(sv.Endpoint, "nats:") && err == nil && p > 0 && p < 1<<16 {
			return p, true
		}
	}
	return 0, false
}

// Publish writes the AnynetMQ entry into wallet's DID document unless it
// is there and valid for more than half of naming.DefaultValidity (auth
// must be the wallet); it reports whether it wrote.
func Publish(ctx context.Context, names *naming.Client, auth *bind.TransactOpts, wallet common.Address) (bool, error) {
	wrote, err := names.PublishServices(ctx, auth, wallet, naming.Service{Type: DocumentEntryType, Endpoint: DocumentEntry})
	if err != nil {
		return false, fmt.Errorf("mq: publish: %w", err)
	}
	return wrote, nil
}
