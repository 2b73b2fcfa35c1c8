package stack

import (
	"context"
	"time"

	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// The methods below, with Dial, Listen, ListenPacket, PeerOf, Lookup and
// Addr, make a Node the host of services (apps/service.Host).

// Document returns wallet's DID document from the chain (Names).
func (n *Node) Document(ctx context.Context, wallet common.Address) (*naming.Document, error) {
	if n.Names == nil {
		return nil, ErrNoNames
	}
	return n.Names.DIDDocument(ctx, wallet)
}

// Time is the node's clock: Now, or the wall clock.
func (n *Node) Time() time.Time { return n.now() }

// Dir is the node's data directory (DataDir).
func (n *Node) Dir() string { return n.DataDir }
