package transport

import (
	"testing"
	"time"
)

const benchSize = 1280

func BenchmarkSeal(b *testing.B) {
	a, _, p, _ := established(b, nil)
	plain := make([]byte, benchSize)
	buf := make([]byte, 0, benchSize+Overhead)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.s.Seal(buf[:0], p, plain); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	a, n, p, _ := established(b, func(c *Config) { c.Timers.RejectAfterMessages = 1 << 62 })
	plain := make([]byte, benchSize)
	// Seal in batches outside the timer, so that every message opened is
	// new to the replay window.
	const batch = 1024
	msgs := make([][]byte, batch)
	out := make([]byte, 0, benchSize)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	i := batch
	for b.Loop() {
		if i == batch {
			b.StopTimer()
			for j := range msgs {
				msgs[j], _ = a.s.Seal(msgs[j][:0], p, plain)
			}
			i = 0
			b.StartTimer()
		}
		if _, err := n.s.Receive(out[:0], msgs[i], a.addr); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// benchHandshake runs full handshakes between two nodes, with binding
// verification (cache off) or with the cache.
func benchHandshake(b *testing.B, xx bool) {
	for _, bc := range []struct {
		name  string
		cache int
	}{{"verify", -1}, {"cached", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			clock := newClock()
			mut := func(c *Config) { c.BindingCache = bc.cache }
			x, y := newNode(b, clock, 1, mut), newNode(b, clock, 2, mut)
			p := x.peerIK(y)
			if xx {
				p = x.peerXX(y)
			}
			b.ReportAllocs()
			for b.Loop() {
				if xx {
					// Forget the learned key so that every round is XX.
					x.s.Remove(p)
					p = x.peerXX(y)
				}
				clock.Advance(2 * time.Millisecond) // below LoadThreshold initiations per second
				msg, err := x.s.Initiate(p)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := flow(x, y, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkHandshakeIK(b *testing.B) { benchHandshake(b, false) }
func BenchmarkHandshakeXX(b *testing.B) { benchHandshake(b, true) }
