//go:build !nochain

package pay

import (
	"context"
	"math/big"
	"path/filepath"
	"sync"
	"testing"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// BenchmarkVoucherCheck: the payee's whole check of one voucher (state,
// amounts, EIP-712 digest, signature recovery), without the store.
// Target < 1 ms. Run with BenchmarkVoucherSign for the payer's side:
//
//	go test -run '^$' -bench 'Voucher' -benchtime 2000x ./apps/pay/
func BenchmarkVoucherCheck(b *testing.B) {
	key, _ := crypto.GenerateKey()
	payer := NewKeyWallet(key)
	id := common.Hash{1}
	chain := &Chain{ChainID: big.NewInt(1337), domain: NewDomain(big.NewInt(1337), common.Address{0xcc})}
	p := &Payee{Wallet: payer, Chain: chain, Peers: fixedPeer(payer.Address())}
	if err := p.init(); err != nil {
		b.Fatal(err)
	}
	p.chans[id] = &ChannelState{ID: id, Payer: payer.Address(), Deposit: new(big.Int).Lsh(big.NewInt(1), 200), Cumulative: new(big.Int)}
	vs := make([]*Voucher, b.N)
	for i := range vs {
		cum := big.NewInt(int64(i + 1))
		sig, _ := chain.Domain().SignVoucher(payer, id, cum)
		vs[i] = &Voucher{Channel: id, Cumulative: cum, Amount: big.NewInt(1), Sig: sig}
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if err := p.acceptVoucher(ctx, payer.Address(), vs[i], nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVoucherSign: the payer's signing of one voucher.
func BenchmarkVoucherSign(b *testing.B) {
	key, _ := crypto.GenerateKey()
	w := NewKeyWallet(key)
	d := NewDomain(big.NewInt(1337), common.Address{0xcc})
	cum := big.NewInt(1)
	for b.Loop() {
		if _, err := d.SignVoucher(w, common.Hash{1}, cum); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequests: request/response round trips on one connection
// between two real stacks on the embedded chain, one at a time: unpaid
// (the same messages, no voucher), paid with the payee's store in memory,
// and paid with the pebble store synced before each ACK; then 8 requests
// in flight (the payee's ACKs group the vouchers of a burst into one
// synced write). Compare the req/s metrics of one run:
//
//	go test -run '^$' -bench 'Requests' -benchtime 2000x ./apps/pay/
func BenchmarkRequests(b *testing.B) {
	price := big.NewInt(1e9)
	for _, bc := range []struct {
		name     string
		price    *big.Int
		disk     bool
		inFlight int
	}{
		{"unpaid", nil, false, 1},
		{"paid-memstore", price, false, 1},
		{"paid-diskstore", price, true, 1},
		{"unpaid-8inflight", nil, false, 8},
		{"paid-diskstore-8inflight", price, true, 8},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var store Store
			if bc.disk {
				s, err := OpenDiskStore(filepath.Join(b.TempDir(), "store"))
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { s.Close() })
				store = s
			}
			w := newWorld(b, store, func(p *Payee) { p.Handler, p.Price = echo, bc.price })
			ctx := context.Background()
			conn := w.dial(b)
			ch, err := w.payer.OpenChannel(ctx, conn, common.Address{}, big.NewInt(1e18))
			if err != nil {
				b.Fatal(err)
			}
			payload := make([]byte, 64)
			b.ResetTimer()
			var wg sync.WaitGroup
			errs := make(chan error, bc.inFlight)
			for g := range bc.inFlight {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := g; i < b.N; i += bc.inFlight {
						if _, err := ch.Request(ctx, bc.price, payload); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// BenchmarkServicePay: vouchers through the node's Service (the core on
// the shared runner) between two real stacks on the embedded chain:
// streamed (Pay returns once the voucher is stored and sent; the last
// is waited for), and one at a time (each waits for its ACK), with the
// stores in memory or in pebble (synced before each ACK, on both sides).
//
//	go test -run '^$' -bench 'ServicePay' -benchtime 2000x ./apps/pay/
func BenchmarkServicePay(b *testing.B) {
	for _, bc := range []struct {
		name   string
		disk   bool
		waitEa bool
	}{{"stream-memory", false, false}, {"stream-pebble", true, false}, {"acked-memory", false, true}, {"acked-pebble", true, true}} {
		b.Run(bc.name, func(b *testing.B) {
			w := newWorld(b, nil)
			store := func(name string) service.Store {
				if !bc.disk {
					return &service.Memory{}
				}
				s, err := service.OpenPebble(filepath.Join(b.TempDir(), name))
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { s.Close() })
				return s
			}
			alice := w.service(b, "alice", store("alice"), newEvents())
			bob := w.service(b, "bob", store("bob"), newEvents())
			b.Cleanup(func() { alice.Close(); bob.Close() })
			ctx := context.Background()
			to := w.bob.Addr()
			id, err := alice.OpenChannel(ctx, to, common.Address{}, big.NewInt(1e18))
			if err != nil {
				b.Fatal(err)
			}
			one := big.NewInt(1)
			b.ResetTimer()
			var last Payment
			for range b.N {
				if last, err = alice.Pay(ctx, to, common.Address{}, one, "bench"); err != nil {
					b.Fatal(err)
				}
				if bc.waitEa {
					if err := alice.WaitAcked(ctx, id, last.Cumulative); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := alice.WaitAcked(ctx, id, last.Cumulative); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "vouchers/s")
		})
	}
}
