//go:build !nochain

package naming

import (
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	embedded "github.com/anynet/anynet/naming/chain"
)

// TestRemoteFund: a second process, knowing only the served chain's URL,
// funds a new wallet through the faucet, which tops it up to
// DefaultFunding; asking again while funded is a no-op; asking again
// after spending, within the minute, is refused by the rate limit.
func TestRemoteFund(t *testing.T) {
	ctx := testCtx(t)
	e, err := OpenEmbedded(ctx, EmbeddedConfig{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	r, err := Connect(ctx, e.Chain.RPCURL(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	key, _ := crypto.GenerateKey()
	wallet := crypto.PubkeyToAddress(key.PublicKey)
	balance := func() *big.Int {
		t.Helper()
		b, err := r.RPC.BalanceAt(ctx, wallet, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	if err := r.Fund(ctx, wallet); err != nil {
		t.Fatalf("Fund a new wallet: %v", err)
	}
	if b := balance(); b.Cmp(DefaultFunding()) != 0 {
		t.Fatalf("balance %v, want DefaultFunding %v", b, DefaultFunding())
	}
	head := blockNumber(t, e)
	if err := r.Fund(ctx, wallet); err != nil {
		t.Fatalf("Fund a funded wallet: %v, want nil", err)
	}
	if got := blockNumber(t, e); got != head {
		t.Fatalf("Fund of a funded wallet moved the head %d → %d", head, got)
	}

	// Registering spends gas; a top-up within the minute is refused.
	auth := Transactor(key, big.NewInt(int64(e.Chain.ChainID())))
	if _, err := r.Client.ClaimName(ctx, auth, "faucetuser"); err != nil {
		t.Fatal(err)
	}
	if b := balance(); b.Cmp(DefaultFunding()) >= 0 {
		t.Fatalf("balance %v after a registration, want below %v", b, DefaultFunding())
	}
	err = r.Fund(ctx, wallet)
	if !errors.Is(err, embedded.ErrFaucetLimited) {
		t.Fatalf("second top-up within the minute: %v, want chain.ErrFaucetLimited", err)
	}
	t.Logf("refusal: %v", err)
}

// TestFundNoFaucet: endpoints without anynet_fund give ErrNoFaucet: the
// embedded chain's in-process client (the faucet is only on the served
// endpoint), a JSON-RPC server that is not an anynet chain, and a gateway
// that answers an unknown method with HTTP 400.
func TestFundNoFaucet(t *testing.T) {
	ctx := testCtx(t)
	key, _ := crypto.GenerateKey()
	wallet := crypto.PubkeyToAddress(key.PublicKey)

	e, err := OpenEmbedded(ctx, EmbeddedConfig{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := fundFromFaucet(ctx, e.Chain.Client(), wallet); !errors.Is(err, ErrNoFaucet) {
		t.Errorf("unserved embedded chain: %v, want ErrNoFaucet", err)
	}

	srv := rpc.NewServer()
	defer srv.Stop()
	if err := srv.RegisterName("web3", new(web3Only)); err != nil {
		t.Fatal(err)
	}
	plain := httptest.NewServer(srv)
	defer plain.Close()
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"error":"Unsupported method: anynet_fund"}`, http.StatusBadRequest)
	}))
	defer gateway.Close()
	for name, url := range map[string]string{"plain JSON-RPC": plain.URL, "gateway": gateway.URL} {
		c, err := ethclient.DialContext(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		r := &Remote{RPC: c}
		if err := r.Fund(ctx, wallet); !errors.Is(err, ErrNoFaucet) {
			t.Errorf("%s: %v, want ErrNoFaucet", name, err)
		}
		r.Close()
	}
}

// web3Only is a JSON-RPC service that is not an anynet chain.
type web3Only struct{}

func (*web3Only) ClientVersion() string { return "other/v1" }

func TestMethodNotFound(t *testing.T) {
	for _, tc := range []struct {
		code int
		msg  string
		want bool
	}{
		{-32601, "the method anynet_fund does not exist/is not available", true},
		{-32600, "Unsupported method: anynet_fund", true},
		{-32000, "method not supported", true},
		{-32005, "chain: faucet: rate limit: …", false},
		{-32000, "insufficient funds", false},
		{0, "", false},
	} {
		if got := methodNotFound(tc.code, tc.msg); got != tc.want {
			t.Errorf("methodNotFound(%d, %q) = %v, want %v", tc.code, tc.msg, got, tc.want)
		}
	}
}
