package udp_test

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/anynet/anynet/link/udp"
)

// FuzzReceive sends arbitrary datagrams at one Conn: each at most MTU
// bytes must arrive verbatim, each longer one must be counted as
// truncated, and a marker after it must still arrive.
func FuzzReceive(f *testing.F) {
	const mtu = 1400
	for _, seed := range [][]byte{nil, {0}, bytes.Repeat([]byte{0xff}, mtu), make([]byte, mtu+1), make([]byte, 9000)} {
		f.Add(seed)
	}
	c, err := udp.Listen(context.Background(), udp.Config{Addr: "127.0.0.1:0", MTU: mtu})
	if err != nil {
		f.Fatal(err)
	}
	defer c.Close()
	ch := make(chan []byte, 4)
	c.SetReceiver(func(frame []byte, _ netip.AddrPort) { ch <- bytes.Clone(frame) })
	raw, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		f.Fatal(err)
	}
	defer raw.Close()
	to := net.UDPAddrFromAddrPort(c.LocalAddr())
	marker := []byte("marker")

	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 65000 {
			return
		}
		before := c.Stats().Truncated
		for _, p := range [][]byte{data, marker} {
			if _, err := raw.WriteToUDP(p, to); err != nil {
				t.Fatal(err)
			}
		}
		if len(data) <= mtu {
			if got := recvWithin(t, ch); !bytes.Equal(got, data) {
				t.Fatalf("got %d bytes, sent %d", len(got), len(data))
			}
		}
		if got := recvWithin(t, ch); !bytes.Equal(got, marker) {
			t.Fatalf("got %q, want the marker", got)
		}
		if over := len(data) > mtu; over != (c.Stats().Truncated == before+1) {
			t.Fatalf("%d bytes: truncated count %d -> %d", len(data), before, c.Stats().Truncated)
		}
	})
}

func recvWithin(t *testing.T, ch chan []byte) []byte {
	t.Helper()
	select {
	case b := <-ch:
		return b
	case <-time.After(10 * time.Second):
		t.Fatal("no datagram within 10s")
		return nil
	}
}
