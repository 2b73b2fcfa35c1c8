package stack

import (
	"net/netip"

	"github.com/anynet/anynet/naming"
)

// Routers that move. A host attaches to routers at the addresses it was
// given (Routing.Routers); a router whose address changes (a new IP, a
// restart on another port) publishes the new one in its DID document
// (Publish), as every node does. With Names, a node looks up, every
// KeyCheckInterval, the document of each router of its that is down
// and, if the router publishes another endpoint for the node key it was
// given, points the router link there (link.Endpoint.MoveRouter). The
// next attach goes there; the router, which lost its sessions if it
// restarted, answers with a stale hint, and the handshake that follows
// attaches the host again. Routers find their moved neighbors the same
// way; routers of other segments find a moved router through its pass
// (tunnel.go).

// findMovedRouters moves the router links that are down to the endpoint
// their router's DID document publishes now, if it changed.
func (k *chainChecker) findMovedRouters() {
	for _, r := range k.ep.Routers() {
		if r.Up {
			continue
		}
		// A router that went down is where a cached document is most
		// likely stale: read the chain.
		k.names.ForgetIdentity(r.Wallet)
		doc, err := k.names.DIDDocument(k.ctx, r.Wallet)
		if err != nil {
			k.log.Debug("router's document", "wallet", r.Wallet, "err", err)
			continue
		}
		addr, ok := routerEndpoint(doc, r.NodeKey)
		if !ok || addr == r.Addr {
			continue
		}
		if err := k.ep.MoveRouter(r.Wallet, addr); err != nil {
			k.log.Debug("move router", "wallet", r.Wallet, "err", err)
		}
	}
}

// routerEndpoint returns the newest endpoint doc publishes for node key
// key, valid in doc (an endpoint without a key counts when key is the
// document's only valid one).
func routerEndpoint(doc *naming.Document, key [32]byte) (addr netip.AddrPort, ok bool) {
	if doc.KeyStatus(key) != naming.KeyValid {
		return addr, false
	}
	for i := len(doc.Underlays) - 1; i >= 0; i-- {
		u := doc.Underlays[i]
		if u.NodeKey == key || (!u.HasKey() && len(doc.NodeKeys) == 1) {
			return u.Addr, true
		}
	}
	return addr, false
}
