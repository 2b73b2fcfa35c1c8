//go:build !nochain

package pay

import (
	"context"
	"io"
	"math/big"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TestX402: a resource served over the overlay behind the x402 adapter is
// fetched 1,000 times through one channel; then bob redeems it. Two
// transactions in all (alice's open, bob's close), and bob is paid
// exactly. Without the paying transport the answer is 402 with
// PAYMENT-REQUIRED naming the scheme, chain, price and payee.
func TestX402(t *testing.T) {
	w := newWorld(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	chain := w.payer.Chain
	alice, bob := w.alice.Addr(), w.bob.Addr()
	price := big.NewInt(3e12)

	l, err := w.bob.Listen("tcp", ":80")
	if err != nil {
		t.Fatal(err)
	}
	resource := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { io.WriteString(rw, "the resource") })
	srv := &http.Server{Handler: w.payee.X402(common.Address{}, price, resource), ConnContext: ConnContext(w.bob)}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	dial := &http.Transport{DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
		return w.alice.Dial(ctx, "tcp", addr)
	}}
	t.Cleanup(dial.CloseIdleConnections)

	// Unpaid: 402 and the requirements.
	resp, err := (&http.Client{Transport: dial}).Get("http://bob.anynet/r")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var pr PaymentRequired
	if resp.StatusCode != http.StatusPaymentRequired || decodeHeader(resp.Header.Get(HeaderPaymentRequired), &pr) != nil ||
		len(pr.Accepts) != 1 || pr.Accepts[0].Scheme != SchemeChannel || pr.Accepts[0].Amount != price.String() ||
		common.HexToAddress(pr.Accepts[0].PayTo) != bob || pr.Accepts[0].Network != "eip155:1337" {
		t.Fatalf("unpaid: %d %+v", resp.StatusCode, pr)
	}

	start := head(t, ctx, chain)
	bobBefore, _ := chain.Balance(ctx, common.Address{}, bob)
	x := &X402Transport{Client: w.payer, Base: dial}
	client := &http.Client{Transport: x}
	const n = 1000
	for i := range n {
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://bob.anynet/r", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("fetch %d: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var sr SettlementResponse
		if resp.StatusCode != 200 || string(body) != "the resource" ||
			decodeHeader(resp.Header.Get(HeaderPaymentResponse), &sr) != nil || !sr.Success {
			t.Fatalf("fetch %d: %d %q %+v", i, resp.StatusCode, body, sr)
		}
	}
	ch := x.Channels()[bob]
	if _, err := w.payee.Redeem(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	aliceTxs := txsFrom(t, ctx, chain, alice, start)
	bobTxs := txsFrom(t, ctx, chain, bob, start)
	if len(aliceTxs)+len(bobTxs) != 2 {
		t.Fatalf("%d + %d transactions for %d paid fetches, want 2", len(aliceTxs), len(bobTxs), n)
	}
	bobAfter, _ := chain.Balance(ctx, common.Address{}, bob)
	want := new(big.Int).Sub(new(big.Int).Mul(price, big.NewInt(n)), fee(bobTxs[0]))
	if d := new(big.Int).Sub(bobAfter, bobBefore); d.Cmp(want) != 0 {
		t.Fatalf("bob got %s net, want %s", d, want)
	}
}
