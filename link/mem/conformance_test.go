package mem_test

import (
	"testing"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
	"github.com/anynet/anynet/link/mem"
)

// TestConformance runs link/linktest's suite on two Conns of a network.
func TestConformance(t *testing.T) {
	linktest.Run(t, linktest.Caps{Batch: true, TrySend: true, HandOff: true}, func(t *testing.T) (link.Underlay, link.Underlay) {
		n := mem.NewNetwork(mem.Config{})
		t.Cleanup(func() { n.Close() })
		return attach(t, n), attach(t, n)
	})
}
