package chain

import (
	"bufio"
	"math/big"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// BenchmarkStart measures start-to-ready (Start returns) and Close, on a new
// data directory and on an existing one, and reports the Go heap and the
// process RSS with one chain running.
func BenchmarkStart(b *testing.B) {
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			c, err := Start(b.Context(), Config{DataDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
	})
	b.Run("existing", func(b *testing.B) {
		dir := b.TempDir()
		c, err := Start(b.Context(), Config{DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
		for b.Loop() {
			c, err := Start(b.Context(), Config{DataDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
	})
	b.Run("footprint", func(b *testing.B) {
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		c, err := Start(b.Context(), Config{DataDir: b.TempDir(), HTTPAddr: "127.0.0.1:0"})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		for b.Loop() {
			if _, err := c.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-min(before.HeapInuse, after.HeapInuse))/(1<<20), "heap-MiB")
		b.ReportMetric(float64(runtime.NumGoroutine()), "goroutines")
		if rss := vmRSS(); rss > 0 {
			b.ReportMetric(float64(rss)/(1<<20), "rss-MiB")
		}
	})
}

// BenchmarkTransfer sends value transfers one at a time through the
// in-process client; each returns once its block is sealed and synced.
func BenchmarkTransfer(b *testing.B) {
	c, err := Start(b.Context(), Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	auth, ctx, to := c.DeployerAuth(), b.Context(), common.Address{0x42}
	for b.Loop() {
		if _, err := sendTx(ctx, c.Client(), auth, &to, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
}

// BenchmarkContractCall sends storage writes to a contract one at a time.
func BenchmarkContractCall(b *testing.B) {
	c, err := Start(b.Context(), Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	auth, ctx := c.DeployerAuth(), b.Context()
	store, err := deployStore(ctx, c.Client(), auth)
	if err != nil {
		b.Fatal(err)
	}
	var v uint64
	for b.Loop() {
		v++
		if _, err := sendTx(ctx, c.Client(), auth, &store, common.BigToHash(new(big.Int).SetUint64(v)).Bytes()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
}

// BenchmarkTransferBatch adds 100 signed transfers to the pool at once and
// waits for the last: the sealer packs them into few blocks.
func BenchmarkTransferBatch(b *testing.B) {
	const batch = 100
	c, err := Start(b.Context(), Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	signer := types.LatestSignerForChainID(c.chainID)
	to := common.Address{0x42}
	for b.Loop() {
		b.StopTimer()
		nonce := c.eth.TxPool().PoolNonce(c.dev)
		txs := make([]*types.Transaction, batch)
		for i := range txs {
			txs[i] = types.MustSignNewTx(c.key, signer, &types.DynamicFeeTx{
				ChainID: c.chainID, Nonce: nonce + uint64(i), Gas: 21000, To: &to, Value: big.NewInt(1),
				GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(100e9),
			})
		}
		b.StartTimer()
		for _, err := range c.eth.TxPool().Add(txs, false) {
			if err != nil {
				b.Fatal(err)
			}
		}
		if _, err := c.WaitMined(b.Context(), txs[batch-1].Hash()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "tx/s")
}

// vmRSS returns the process's resident set size from /proc, or 0.
func vmRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
