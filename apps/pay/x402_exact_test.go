//go:build !nochain

package pay

import (
	"context"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TestX402Exact: the standard exact scheme. A resource behind
// Payee.X402Exact, fetched 5 times through ExactTransport, costs 5
// transactions (bob submits each EIP-3009 authorization), bob's token
// balance rises by exactly 5 prices and each PAYMENT-RESPONSE names its
// transaction; a replayed PAYMENT-SIGNATURE and one for another amount
// are refused with 402.
func TestX402Exact(t *testing.T) {
	w := newWorld(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	chain := w.payer.Chain
	token, alice, bob := w.dep.Token, w.alice.Addr(), w.bob.Addr()
	if err := chain.Mint(ctx, w.minter, token, alice, big.NewInt(1e18)); err != nil {
		t.Fatal(err)
	}
	price := big.NewInt(7e15)
	l, err := w.bob.Listen("tcp", ":80")
	if err != nil {
		t.Fatal(err)
	}
	resource := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { io.WriteString(rw, "the resource") })
	srv := &http.Server{Handler: w.payee.X402Exact(token, "anynet test token", price, resource), ConnContext: ConnContext(w.bob)}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	dial := &http.Transport{DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
		return w.alice.Dial(ctx, "tcp", addr)
	}}
	t.Cleanup(dial.CloseIdleConnections)

	// The transport records the last header it sent, for the replay.
	var last string
	rec := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if h := r.Header.Get(HeaderPaymentSignature); h != "" {
			last = h
		}
		return dial.RoundTrip(r)
	})
	client := &http.Client{Transport: &ExactTransport{Wallet: NewKeyWallet(w.aliceKey), ChainID: w.ChainID, Base: rec}}
	start := head(t, ctx, chain)
	before, _ := chain.Balance(ctx, token, bob)
	const n = 5
	for i := range n {
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://bob.anynet/r", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var sr SettlementResponse
		if resp.StatusCode != 200 || string(body) != "the resource" || decodeHeader(resp.Header.Get(HeaderPaymentResponse), &sr) != nil ||
			!sr.Success || sr.Transaction == "" || common.HexToAddress(sr.Payer) != alice {
			t.Fatalf("fetch %d: %d %q %+v", i, resp.StatusCode, body, sr)
		}
	}
	after, _ := chain.Balance(ctx, token, bob)
	if d := new(big.Int).Sub(after, before); d.Cmp(new(big.Int).Mul(price, big.NewInt(n))) != 0 {
		t.Fatalf("bob gained %s", d)
	}
	if a, b := len(txsFrom(t, ctx, chain, alice, start)), len(txsFrom(t, ctx, chain, bob, start)); a != 0 || b != n {
		t.Fatalf("transactions: alice %d, bob %d; want 0 and %d", a, b, n)
	}

	refused := func(what, header, want string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://bob.anynet/r", nil)
		req.Header.Set(HeaderPaymentSignature, header)
		resp, err := dial.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var pr PaymentRequired
		if resp.StatusCode != http.StatusPaymentRequired || decodeHeader(resp.Header.Get(HeaderPaymentRequired), &pr) != nil || !strings.Contains(pr.Error, want) {
			t.Errorf("%s: %d %+v, want 402 saying %q", what, resp.StatusCode, pr, want)
		}
	}
	refused("replayed", last, "used")
	var pp ExactPaymentPayload
	decodeHeader(last, &pp)
	pp.Payload.Authorization.Value = "1"
	refused("another amount", encodeHeader(pp), "wrong amount")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzExactPayment: any PAYMENT-SIGNATURE header either fails to parse
// or yields an authorization whose integers fit uint256.
func FuzzExactPayment(f *testing.F) {
	f.Add(encodeHeader(ExactPaymentPayload{X402Version: 2, Payload: ExactPayload{Signature: "0x00",
		Authorization: ExactAuthorization{From: "0x0000000000000000000000000000000000000001", To: "0x0000000000000000000000000000000000000002",
			Value: "1", ValidAfter: "0", ValidBefore: "99", Nonce: "0x" + strings.Repeat("00", 32)}}}))
	f.Fuzz(func(t *testing.T, h string) {
		var pp ExactPaymentPayload
		if decodeHeader(h, &pp) != nil {
			return
		}
		a, err := parseAuthorization(pp.Payload.Authorization)
		if err != nil {
			return
		}
		for _, x := range []*big.Int{a.value, a.after, a.before} {
			if x.Sign() < 0 || x.BitLen() > 256 {
				t.Fatalf("%s out of range", x)
			}
		}
	})
}

// FuzzChannelPayment: any PAYMENT-SIGNATURE header of the channel
// scheme either fails to parse or yields a voucher within uint256.
func FuzzChannelPayment(f *testing.F) {
	req := Requirements{Scheme: SchemeChannel, Network: "eip155:1337"}
	f.Add(encodeHeader(PaymentPayload{X402Version: 2, Accepted: req, Payload: ChannelPayload{
		Channel: "0x" + strings.Repeat("11", 32), Cumulative: "5", Amount: "5", Signature: "0x" + strings.Repeat("22", 65)}}))
	f.Fuzz(func(t *testing.T, h string) {
		v, err := parsePayment(h, req)
		if err != nil {
			return
		}
		if v.Cumulative.Sign() < 0 || v.Cumulative.BitLen() > 256 {
			t.Fatalf("cumulative %s", v.Cumulative)
		}
	})
}
