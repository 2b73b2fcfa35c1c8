package stack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// The chain in the node (Node.Names):
//
//  1. Dial resolves a name on chain: name → wallet (the name's addr
//     record; a single label gets the client's TLD appended) → the
//     wallet's DID document → a valid node key and the underlay endpoint
//     published with it → a link peer (IK handshake). A "0x…" wallet
//     with no static peer starts at the document.
//  2. Every peer binding that verified is checked against the peer
//     wallet's DID document before its handshake completes: the node key
//     must be listed there as valid, so a revoked, expired or never
//     published key is refused (transport.Stats.DroppedRefused). Answers
//     are cached by the naming client and dropped by its Watch when the
//     DID registry's events name the wallet. A session already up is not
//     cut by a revocation: it is refused at its next handshake (rekey).
//     With Node.AdmitUnpublished, a wallet that never wrote to the
//     registry is admitted on its verified binding alone.
//  3. Publish writes this node's node key, binding and underlay endpoint
//     (and, with Node.Routing, its locator and its routers' endpoints)
//     into its wallet's DID document, rewriting only what is missing or
//     past half its validity and revoking its own stale endpoints and
//     bindings. An attached host prefers a peer's published locator to
//     its endpoint (routing.go).

// checkTimeout bounds one chain lookup made while a handshake waits (on
// the underlay's receive goroutine, so it must stay short).
const checkTimeout = 5 * time.Second

// chainResolver resolves hosts through the naming client.
type chainResolver struct {
	names  *naming.Client
	self   common.Address
	routed bool              // this node is an attached host: prefer locators (routing.go)
	mine   []locator.Locator // this node's locators: the nearest of a peer's wins (nics.go)
}

var _ Resolver = (*chainResolver)(nil)

// Resolve maps a name, or a "0x…" wallet, to a peer from its DID
// document. Errors wrap the naming sentinels: naming.ErrInvalidName,
// naming.ErrNotFound (with ErrUnknownPeer) and naming.ErrChainUnavailable;
// a wallet that publishes no valid node key with an endpoint is
// ErrUnknownPeer.
func (c *chainResolver) Resolve(ctx context.Context, host string) (Peer, error) {
	wallet, ok := parseWallet(host)
	if !ok {
		name := host
		if !strings.Contains(name, ".") {
			name += "." + c.names.Config().TLD
		}
		w, err := c.names.Resolve(ctx, name)
		if errors.Is(err, naming.ErrNotFound) {
			return Peer{}, fmt.Errorf("%w: %w", ErrUnknownPeer, err)
		}
		if err != nil {
			return Peer{}, err
		}
		wallet = w
	}
	if wallet == c.self {
		return Peer{Wallet: wallet}, nil
	}
	doc, err := c.names.DIDDocument(ctx, wallet)
	if errors.Is(err, naming.ErrNotFound) {
		return Peer{}, fmt.Errorf("%w: %w", ErrUnknownPeer, err)
	}
	if err != nil {
		return Peer{}, err
	}
	p, err := peerFromDocument(doc)
	if err != nil {
		return Peer{}, err
	}
	if c.routed {
		if loc, ok := docLocator(doc, c.mine, p.NodeKey); ok {
			p.Addr, p.Locator = netip.AddrPort{}, loc
		}
	}
	return p, nil
}

// peerFromDocument picks the endpoint to dial from a DID document: the
// most recently first-published underlay endpoint whose node key is valid
// (an endpoint without a key when the document has exactly one valid
// key, or else an XX handshake).
func peerFromDocument(doc *naming.Document) (Peer, error) {
	if len(doc.NodeKeys) == 0 {
		return Peer{}, fmt.Errorf("%w: %s publishes no valid node key", ErrUnknownPeer, doc.ID())
	}
	for i := len(doc.Underlays) - 1; i >= 0; i-- {
		u := doc.Underlays[i]
		p := Peer{Wallet: doc.Identity, Addr: u.Addr}
		switch {
		case u.HasKey():
			if doc.KeyStatus(u.NodeKey) != naming.KeyValid {
				continue
			}
			k := transport.PublicKey(u.NodeKey)
			p.NodeKey = &k
		case len(doc.NodeKeys) == 1:
			k := transport.PublicKey(doc.NodeKeys[0])
			p.NodeKey = &k
		}
		return p, nil
	}
	return Peer{}, fmt.Errorf("%w: %s publishes no underlay endpoint for a valid node key", ErrUnknownPeer, doc.ID())
}

// checkBinding returns the transport's binding check: the chain's (when
// Names is set) and then CheckBinding's (when set).
func (n *Node) checkBinding() func(transport.Binding) error {
	user, names, unpublished := n.CheckBinding, n.Names, n.AdmitUnpublished
	if names == nil {
		return user
	}
	return func(b transport.Binding) error {
		if err := checkOnChain(context.Background(), names, b, unpublished); err != nil {
			return err
		}
		if user != nil {
			return user(b)
		}
		return nil
	}
}

// checkOnChain accepts b only if its node key is valid in its wallet's DID
// document or, with unpublished, if the wallet never wrote to the
// registry (the caller has verified b's signature and expiry).
func checkOnChain(ctx context.Context, names *naming.Client, b transport.Binding, unpublished bool) error {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	doc, err := names.DIDDocument(ctx, b.Wallet)
	if err != nil {
		return fmt.Errorf("stack: DID document of %s: %w", b.Wallet.Hex(), err)
	}
	if unpublished && doc.Unwritten() {
		return nil
	}
	if s := doc.KeyStatus(b.NodeKey); s != naming.KeyValid {
		return fmt.Errorf("%w: node key %s of %s is %s", ErrKeyNotValid, b.NodeKey, b.Wallet.Hex(), s)
	}
	return nil
}

// chainID is the chain the binding names: Node.ChainID, else the chain
// Names talks to, else 1337 (the embedded chain's default).
func (n *Node) chainID(ctx context.Context) (uint64, error) {
	if n.ChainID != 0 {
		return n.ChainID, nil
	}
	if n.Names == nil {
		return 1337, nil
	}
	id, err := n.Names.ChainID(ctx)
	if err != nil {
		return 0, fmt.Errorf("stack: chain id for the binding (set Node.ChainID to skip asking): %w", err)
	}
	if !id.IsUint64() {
		return 0, fmt.Errorf("stack: chain id %s does not fit 64 bits", id)
	}
	return id.Uint64(), nil
}

// Publish writes this node into its wallet's DID document on the chain of
// Names, signing with auth (the wallet or the identity's DID owner): its
// node key (did/pub/X25519/enc/hex), its binding (did/svc/AnynetBinding)
// its underlay endpoint with the node key (did/svc/AnynetUnderlay,
// PublishAddr or Self().Addr) and, when Routing has them, its locator
// (did/svc/AnynetLocator) and its routers' underlay endpoints
// (did/svc/AnynetRouter); with Node.NICs, every NIC's endpoint, locator
// and routers (nics.go). Each is written only when the document
// does not already hold it valid for more than half of
// naming.DefaultValidity, so republishing an unchanged node sends no
// transaction; endpoints, bindings and locators this node key published
// before and no longer uses are revoked. Republish at least every few days: the
// attributes expire after naming.DefaultValidity. Gas limits carry the
// naming client's margin over eth_estimateGas (consecutive ERC-1056 writes
// are underestimated). Publish starts the node if it is not up.
func (n *Node) Publish(ctx context.Context, auth *bind.TransactOpts) error {
	if n.Names == nil {
		return ErrNoNames
	}
	r, err := n.start(ctx)
	if err != nil {
		return err
	}
	wallet := r.wallet
	key := [32]byte(r.key.Public)
	binding, err := r.sessions.Binding().MarshalBinary()
	if err != nil {
		return fmt.Errorf("stack: publish: %w", err)
	}
	var unders []naming.Underlay // one per NIC (nics.go)
	for _, a := range n.endpoints(r) {
		if u := (naming.Underlay{Addr: a, NodeKey: key}); !slices.Contains(unders, u) {
			unders = append(unders, u)
		}
	}
	under := unders[0]

	n.Names.ForgetIdentity(wallet)
	doc, err := n.Names.DIDDocument(ctx, wallet)
	if err != nil {
		return fmt.Errorf("stack: publish: %w", err)
	}
	validity := naming.DefaultValidity
	fresh := func(name string, value []byte) bool {
		until, ok := doc.ValidUntil(name, value)
		return ok && until.Sub(doc.Time) > validity/2
	}
	req := naming.PublishRequest{Identity: wallet, Validity: validity}
	if !fresh(naming.AttrNodeKey, key[:]) {
		req.NodeKey = key
	}
	if !fresh(naming.AttrBinding, binding) {
		req.Binding = binding
	}
	for _, u := range unders {
		if !fresh(naming.AttrUnderlay, []byte(u.String())) {
			req.Underlays = append(req.Underlays, u)
		}
	}
	for _, loc := range n.Locators() {
		if !fresh(naming.AttrLocator, []byte(loc.String())) {
			req.Locators = append(req.Locators, loc.String())
		}
	}
	for _, rp := range n.allRouters() {
		if a := rp.Addr.String(); !fresh(naming.AttrRouter, []byte(a)) {
			req.Routers = append(req.Routers, a)
		}
	}
	type stale struct {
		name  string
		value []byte
	}
	var revoke []stale
	for _, u := range doc.Underlays {
		if u.NodeKey == key && !slices.Contains(unders, u) {
			revoke = append(revoke, stale{naming.AttrUnderlay, []byte(u.String())})
		}
	}
	for _, l := range staleLocators(doc, key, n.Locators()) { // nics.go
		revoke = append(revoke, stale{naming.AttrLocator, []byte(l)})
	}
	for _, raw := range doc.Bindings {
		var b transport.Binding
		if b.UnmarshalBinary(raw) == nil && [32]byte(b.NodeKey) == key && !bytes.Equal(raw, binding) {
			revoke = append(revoke, stale{naming.AttrBinding, raw})
		}
	}
	wrote, err := n.Names.Publish(ctx, auth, req)
	if err != nil {
		return fmt.Errorf("stack: publish: %w", err)
	}
	for _, s := range revoke {
		if err := n.Names.RevokeAttribute(ctx, auth, wallet, s.name, s.value); err != nil {
			return fmt.Errorf("stack: publish: %w", err)
		}
	}
	r.log.Info("published", "wallet", wallet, "endpoint", under.Addr, "written", wrote, "revoked", len(revoke))
	return nil
}

// publishAddr is the underlay endpoint Publish writes.
func (n *Node) publishAddr(r *running) netip.AddrPort {
	if n.PublishAddr.IsValid() {
		return n.PublishAddr
	}
	return reachable(r.underlay.LocalAddr())
}
