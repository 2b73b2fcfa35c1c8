package vpn

import (
	"context"
	"io"
	"net"
	"testing"

	"golang.org/x/net/proxy"
)

// benchSize is what one iteration of BenchmarkThroughput moves.
const benchSize = 4 << 20

// sink reads benchSize bytes per connection, answers one byte, closes.
func sink(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			if _, err := io.CopyN(io.Discard, c, benchSize); err == nil {
				c.Write([]byte{1})
			}
		}()
	}
}

// push writes benchSize bytes on c and waits for the sink's answer.
func push(b *testing.B, c net.Conn, buf []byte) {
	for sent := 0; sent < benchSize; sent += len(buf) {
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	var one [1]byte
	if _, err := io.ReadFull(c, one[:]); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkThroughput compares a stream through the proxy and an exit
// with a direct overlay TCP stream between the same two nodes, in the
// same run: compare the MB/s of the two sub-benchmarks.
//
//	go test -run XXX -bench Throughput -benchtime 20x ./apps/vpn/
func BenchmarkThroughput(b *testing.B) {
	buf := make([]byte, 32<<10)
	b.Run("direct-overlay", func(b *testing.B) {
		nodes := newNodes(b, 2)
		ln, err := nodes[1].Listen("tcp", ":9000")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		go sink(ln)
		b.SetBytes(benchSize)
		for b.Loop() {
			c, err := nodes[0].Dial(context.Background(), "tcp", nodes[1].Addr().Hex()+":9000")
			if err != nil {
				b.Fatal(err)
			}
			push(b, c, buf)
			c.Close()
		}
	})
	b.Run("proxy-exit", func(b *testing.B) {
		nodes := newNodes(b, 2)
		startExit(b, nodes[1], loopbackPolicy())
		addr, _ := startProxy(b, &Client{Host: nodes[0], Exits: []string{nodes[1].Addr().Hex()}})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		go sink(ln)
		d, err := proxy.SOCKS5("tcp", addr, nil, proxy.Direct)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(benchSize)
		for b.Loop() {
			c, err := d.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			push(b, c, buf)
			c.Close()
		}
	})
}

// BenchmarkConnect measures opening a connection and a one-byte round
// trip: directly over the overlay, and through the proxy and an exit
// (the latency the exit adds is the difference).
//
//	go test -run XXX -bench Connect -benchtime 200x ./apps/vpn/
func BenchmarkConnect(b *testing.B) {
	echo := func(ln net.Listener) {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.CopyN(c, c, 1) }()
		}
	}
	roundTrip := func(b *testing.B, c net.Conn) {
		var one [1]byte
		if _, err := c.Write(one[:]); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, one[:]); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
	b.Run("direct-overlay", func(b *testing.B) {
		nodes := newNodes(b, 2)
		ln, err := nodes[1].Listen("tcp", ":9001")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		go echo(ln)
		for b.Loop() {
			c, err := nodes[0].Dial(context.Background(), "tcp", nodes[1].Addr().Hex()+":9001")
			if err != nil {
				b.Fatal(err)
			}
			roundTrip(b, c)
		}
	})
	b.Run("proxy-exit", func(b *testing.B) {
		nodes := newNodes(b, 2)
		startExit(b, nodes[1], Policy{Allow: loopbackPolicy().Allow, Limits: Limits{SessionsPerSecond: -1}})
		addr, _ := startProxy(b, &Client{Host: nodes[0], Exits: []string{nodes[1].Addr().Hex()}})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		go echo(ln)
		d, err := proxy.SOCKS5("tcp", addr, nil, proxy.Direct)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			c, err := d.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			roundTrip(b, c)
		}
	})
}
