package stack

import (
	"testing"

	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/transport"
)

// TestDocLocatorByKey: in a document two nodes share (anycast), a peer
// resolved with node key k gets the locator assigned to k, even when
// another node's locator is nearer; without a key, or with a key no
// locator is assigned to, the nearest wins.
func TestDocLocatorByKey(t *testing.T) {
	k1, k2, k3 := transport.PublicKey{1}, transport.PublicKey{2}, transport.PublicKey{3}
	far, near := locator.MustPrefix(locator.Locator{0: 0x2a, 15: 1}, 128), locator.MustPrefix(locator.Locator{0: 0x2b, 15: 1}, 128)
	l1, _ := locator.Assign(far, k1, 0)
	l2, _ := locator.Assign(near, k2, 0)
	mine, _ := locator.Assign(near, k3, 0)
	doc := &naming.Document{Locators: []string{l1.String(), l2.String(), "not a locator"}}
	for _, tc := range []struct {
		name string
		key  *transport.PublicKey
		want locator.Locator
	}{{"key 1", &k1, l1}, {"key 2", &k2, l2}, {"no key", nil, l2}, {"unassigned key", &k3, l2}} {
		if got, ok := docLocator(doc, []locator.Locator{mine}, tc.key); !ok || got != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.name, got, ok, tc.want)
		}
	}
}
