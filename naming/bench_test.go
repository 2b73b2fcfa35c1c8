package naming

import (
	"fmt"
	"testing"
)

func BenchmarkResolveCached(b *testing.B) {
	tc := newTestChain(b, 2)
	c := tc.client(b)
	name, err := c.Register(b.Context(), tc.auths[1], "bench", tc.addr(1))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Resolve(b.Context(), name); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Resolve(b.Context(), name); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResolveUncached(b *testing.B) {
	tc := newTestChain(b, 2)
	c := tc.client(b, func(cfg *Config) { cfg.CacheTTL = -1 })
	name, err := c.Register(b.Context(), tc.auths[1], "bench", tc.addr(1))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Resolve(b.Context(), name); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRegister measures registrations (one transaction each, mined
// at once by the auto-committing simulated backend).
func BenchmarkRegister(b *testing.B) {
	tc := newTestChain(b, 2)
	c := tc.client(b)
	i := 0
	for b.Loop() {
		if _, err := c.Register(b.Context(), tc.auths[1], fmt.Sprintf("n%d", i), tc.addr(1)); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "registrations/s")
}

func BenchmarkNamehash(b *testing.B) {
	for b.Loop() {
		Namehash("deep.sub.alice.anynet")
	}
}

func BenchmarkNormalize(b *testing.B) {
	for b.Loop() {
		if _, err := Normalize("Deep.Sub.Alice.anynet"); err != nil {
			b.Fatal(err)
		}
	}
}
