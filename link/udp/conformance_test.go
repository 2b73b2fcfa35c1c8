package udp_test

import (
	"context"
	"testing"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/linktest"
	"github.com/anynet/anynet/link/udp"
)

// TestConformance runs link/linktest's suite on two sockets bound to
// loopback.
func TestConformance(t *testing.T) {
	linktest.Run(t, linktest.Caps{Batch: true}, func(t *testing.T) (link.Underlay, link.Underlay) {
		open := func() link.Underlay {
			c, err := udp.Listen(context.Background(), udp.Config{Addr: "127.0.0.1:0"})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			return c
		}
		return open(), open()
	})
}
