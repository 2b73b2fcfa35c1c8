//go:build !nochain

package relay

import (
	"context"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/pay"
)

// receiptWire is what one receipt costs on the wire: the receipt and a
// 16-byte frame (a tag and a length in the control message it rides in,
// AEAD tag of the session it is sealed in).
const receiptWire = ReceiptSize + 16 + 16

// BenchmarkReceiptOverhead relays a mix of flows through an Edge, 1,400
// bytes a frame, sizes from 2 KiB to 64 MiB (log-uniform), with each
// endpoint's Meter signing receipts as it goes and a last one at the end
// of the epoch. It reports receipt bytes as a share of relayed bytes
// (target ≤ 1 %) and the credited share of what was truly delivered
// (target within 1 %).
func BenchmarkReceiptOverhead(b *testing.B) {
	endpoint := newWallet(b)
	edge := common.Address{0xe1}
	r := rand.New(rand.NewPCG(1, 1))
	var relayed, wire, flows uint64
	col := &Collector{Edge: edge, Epoch: 1}
	for i := 0; b.Loop(); i++ {
		size := uint64(2<<10) << r.IntN(16) // 2 KiB … 64 MiB
		size += r.Uint64N(size)
		m := &Meter{Wallet: endpoint, Edge: edge, Epoch: 1, Session: uint64(i)}
		for sent := uint64(0); sent < size; {
			n := min(1400, size-sent)
			sent += n
			rc, err := m.Delivered(int(n))
			if err != nil {
				b.Fatal(err)
			}
			if rc != nil {
				wire += receiptWire
				if err := col.Add(*rc); err != nil {
					b.Fatal(err)
				}
			}
		}
		rc, err := m.Receipt()
		if err != nil {
			b.Fatal(err)
		}
		wire += receiptWire
		if err := col.Add(*rc); err != nil {
			b.Fatal(err)
		}
		relayed += size
		flows++
	}
	b.ReportMetric(100*float64(wire)/float64(relayed), "overhead-%")
	b.ReportMetric(100*float64(col.Bytes())/float64(relayed), "credited-%")
	b.ReportMetric(float64(relayed)/float64(flows), "bytes/flow")
}

// BenchmarkSettlementGas posts one epoch for 100 Edges on the embedded
// chain and settles it two ways: every Edge claiming for itself, and one
// claimMany per 50 Edges. It reports gas per Edge and, at the stated
// prices — gas at 1 gwei, relay at 0.001 ether per GiB, an Edge relaying
// 10 GiB in the epoch — settlement cost as a share of the credit (target
// ≤ 5 %). The embedded chain runs geth's dev rules with every fork on,
// Amsterdam's state-gas metering (EIP-8037) included, which prices a new
// storage slot several times higher than mainnet does today: the figures
// are an upper bound for a chain on today's rules.
func BenchmarkSettlementGas(b *testing.B) {
	const edges = 100
	const gasPriceWei = 1e9
	perEdge := uint64(10 << 30)
	for b.Loop() {
		w := &chainWorld{Chain: apptest.NewChain(b)}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		w.guardian = w.wallet(b, ctx)
		var err error
		if w.contract, err = Deploy(ctx, pay.NewChain(w.Emb.Chain.Client(), w.ChainID, common.Address{}), w.guardian); err != nil {
			b.Fatal(err)
		}
		dog := newWallet(b)
		p := DefaultParams(dog.Address())
		settle := func(epoch uint64, batch int) (gas uint64, credit *big.Int) {
			ev := Evidence{Epoch: epoch}
			for i := range edges {
				e := common.BigToAddress(big.NewInt(int64(i + 1)))
				ev.Receipts = append(ev.Receipts, receipt(b, newWallet(b), e, epoch, 1, perEdge))
				ev.Probes = append(ev.Probes, probes(b, dog, e, epoch, 10, 10)...)
				ev.Stakes.Stakes = append(ev.Stakes.Stakes, etherEach(1, e).Stakes...)
			}
			cm := Commit(Compute(ev, p))
			rc, err := w.contract.Post(ctx, w.guardian, cm)
			if err != nil {
				b.Fatal(err)
			}
			gas = rc.GasUsed
			for i := 0; i < len(cm.Claims); i += batch {
				part := cm.Claims[i:min(i+batch, len(cm.Claims))]
				if batch == 1 {
					rc, err = w.contract.Claim(ctx, w.guardian, epoch, part[0])
				} else {
					rc, err = w.contract.ClaimMany(ctx, w.guardian, epoch, part)
				}
				if err != nil {
					b.Fatal(err)
				}
				gas += rc.GasUsed
			}
			return gas / edges, cm.Claims[0].Amount
		}
		single, credit := settle(1, 1)
		batched, _ := settle(2, 50)
		cancel()
		share := func(gas uint64) float64 {
			cost := new(big.Float).SetUint64(gas * gasPriceWei)
			f, _ := new(big.Float).Quo(cost, new(big.Float).SetInt(credit)).Float64()
			return 100 * f
		}
		b.ReportMetric(float64(single), "gas/edge-alone")
		b.ReportMetric(float64(batched), "gas/edge-batched")
		b.ReportMetric(share(single), "cost-%-alone")
		b.ReportMetric(share(batched), "cost-%-batched")
	}
}
