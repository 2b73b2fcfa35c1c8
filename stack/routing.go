package stack

import "github.com/anynet/anynet/link"

// addPeer tells ep how to reach p: straight at its underlay address, or,
// without one, through the node's routers at its locator.
func addPeer(ep *link.Endpoint, p Peer) error {
	if !p.Addr.IsValid() && !p.Locator.IsZero() {
		return ep.AddRoutedPeer(p.Wallet, p.NodeKey, p.Locator)
	}
	return ep.AddPeer(p.Wallet, p.NodeKey, p.Addr)
}
