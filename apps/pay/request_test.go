//go:build !nochain

package pay

import (
	"bytes"
	"context"
	"math/big"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

func echo(_ context.Context, from common.Address, payload []byte) ([]byte, error) {
	return append([]byte(from.Hex()+" "), payload...), nil
}

// TestPaidRequests: 1,000 requests, each paid by a voucher in the same
// message, over one connection and one channel; bob is paid exactly, and
// the channel cost two transactions. A request without its price is
// refused.
func TestPaidRequests(t *testing.T) {
	price := big.NewInt(1e12)
	w := newWorld(t, nil, func(p *Payee) { p.Handler, p.Price = echo, price })
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	conn := w.dial(t)
	chain := w.payer.Chain
	alice, bob := w.alice.Addr(), w.bob.Addr()
	start := head(t, ctx, chain)
	bobBefore, _ := chain.Balance(ctx, common.Address{}, bob)

	ch, err := w.payer.OpenChannel(ctx, conn, common.Address{}, big.NewInt(1e16))
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	for i := range n {
		body := []byte(strconv.Itoa(i))
		out, err := ch.Request(ctx, price, body)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if want := append([]byte(alice.Hex()+" "), body...); !bytes.Equal(out, want) {
			t.Fatalf("request %d: %q, want %q", i, out, want)
		}
	}
	if _, err := ch.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if txs := txsFrom(t, ctx, chain, alice, start); len(txs) != 2 {
		t.Fatalf("%d transactions for %d paid requests, want 2", len(txs), n)
	}
	bobAfter, _ := chain.Balance(ctx, common.Address{}, bob)
	if d := new(big.Int).Sub(bobAfter, bobBefore); d.Cmp(new(big.Int).Mul(price, big.NewInt(n))) != 0 {
		t.Fatalf("bob got %s", d)
	}

	// Unpaid and underpaid requests are refused.
	conn2 := w.dial(t)
	ch2, err := w.payer.OpenChannel(ctx, conn2, common.Address{}, big.NewInt(1e16))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ch2.Request(ctx, nil, []byte("free?"))
	wantErr(t, err, ErrWrongAmount)
	conn3 := w.dial(t)
	ch3, err := w.payer.OpenChannel(ctx, conn3, common.Address{}, big.NewInt(1e16))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ch3.Request(ctx, big.NewInt(1), []byte("cheap?"))
	wantErr(t, err, ErrWrongAmount)
}
