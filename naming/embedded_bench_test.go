//go:build !nochain

package naming

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// benchEmbedded starts an embedded chain with one funded wallet that owns
// "bench.anynet".
func benchEmbedded(b *testing.B) (*Embedded, *bind.TransactOpts, string) {
	b.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	e, err := OpenEmbedded(b.Context(), EmbeddedConfig{DataDir: b.TempDir(), Funded: []common.Address{crypto.PubkeyToAddress(key.PublicKey)}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	auth := Transactor(key, big.NewInt(int64(e.Chain.ChainID())))
	name, err := e.Client.Register(b.Context(), auth, "bench", auth.From)
	if err != nil {
		b.Fatal(err)
	}
	return e, auth, name
}

func BenchmarkEmbeddedResolveCached(b *testing.B) {
	e, _, name := benchEmbedded(b)
	for b.Loop() {
		if _, err := e.Client.Resolve(b.Context(), name); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEmbeddedResolveUncached: every Resolve asks the chain (the
// registry's resolver, then the resolver's addr), in process.
func BenchmarkEmbeddedResolveUncached(b *testing.B) {
	e, _, name := benchEmbedded(b)
	cfg := e.Client.Config()
	cfg.CacheTTL = -1
	c, err := New(e.Chain.Client(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Resolve(b.Context(), name); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEmbeddedRegister: registrations sent one at a time, each
// waiting for its sealed and synced block.
func BenchmarkEmbeddedRegister(b *testing.B) {
	e, auth, _ := benchEmbedded(b)
	i := 0
	for b.Loop() {
		if _, err := e.Client.Register(b.Context(), auth, fmt.Sprintf("n%d", i), auth.From); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "registrations/s")
}
