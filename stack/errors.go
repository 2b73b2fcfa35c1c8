package stack

import "errors"

var (
	// ErrClosed is returned by a Node after Close.
	ErrClosed = errors.New("stack: node closed")
	// ErrNotUp: a method that needs a running node was called before Up.
	ErrNotUp = errors.New("stack: node not up")
	// ErrBadAddress: an address that is not "host:port" with a host this
	// node can resolve.
	ErrBadAddress = errors.New("stack: bad address")
	// ErrUnknownPeer: a wallet with no known way to reach it (no static
	// peer, nothing from the resolver).
	ErrUnknownPeer = errors.New("stack: unknown peer")
	// ErrNoResolver: a name was given but the node has no Resolver.
	ErrNoResolver = errors.New("stack: no resolver for names")
	// ErrNotVerified: WhoIs was asked about an address with no
	// authenticated session behind it.
	ErrNotVerified = errors.New("stack: address not verified")
	// ErrNetwork: a network other than tcp, tcp6, udp, udp6.
	ErrNetwork = errors.New("stack: unsupported network")
	// ErrNoNames: a chain operation (Publish) on a node without Names.
	ErrNoNames = errors.New("stack: node has no naming client (Node.Names)")
	// ErrKeyNotValid: a peer's node key is revoked, expired or not
	// published in its wallet's DID document; its handshake is refused.
	ErrKeyNotValid = errors.New("stack: node key not valid in the wallet's DID document")
)
