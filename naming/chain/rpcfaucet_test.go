package chain

import (
	"errors"
	"math/big"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ offset atomic.Int64 }

func (c *fakeClock) now() time.Time                    { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *fakeClock) advance(d time.Duration)           { c.offset.Add(int64(d)) }
func (l *faucetLimiter) setClock(now func() time.Time) { l.mu.Lock(); l.now = now; l.mu.Unlock() }

// rpcCode returns the JSON-RPC error code of err, or 0.
func rpcCode(err error) int {
	var re rpc.Error
	if errors.As(err, &re) {
		return re.ErrorCode()
	}
	return 0
}

// TestRPCFaucet: anynet_fund over HTTP tops a new wallet up to the target
// and returns the transfer; a funded wallet is refused; a wallet that spent
// a little is refused within the window and served after it.
func TestRPCFaucet(t *testing.T) {
	target := big.NewInt(3e18)
	c := startT(t, Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", FaucetTarget: target})
	var clock fakeClock
	c.rpcFaucet.limit.setClock(clock.now)
	ctx := t.Context()
	raw, err := rpc.DialContext(ctx, c.RPCURL())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	client := ethclient.NewClient(raw)
	key, _ := crypto.GenerateKey()
	auth := bind.NewKeyedTransactor(key, big.NewInt(DefaultChainID))
	balance := func() *big.Int {
		t.Helper()
		b, err := client.BalanceAt(ctx, auth.From, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	var hash common.Hash
	if err := raw.CallContext(ctx, &hash, "anynet_fund", auth.From); err != nil {
		t.Fatalf("anynet_fund: %v", err)
	}
	if b := balance(); b.Cmp(target) != 0 {
		t.Fatalf("balance after the faucet %v, want %v", b, target)
	}
	rcpt, err := client.TransactionReceipt(ctx, hash)
	if err != nil || rcpt.Status != 1 {
		t.Fatalf("receipt of %s: %+v, %v", hash, rcpt, err)
	}

	err = raw.CallContext(ctx, &hash, "anynet_fund", auth.From)
	if rpcCode(err) != CodeFaucetFunded || !strings.Contains(err.Error(), "already funded") {
		t.Fatalf("second anynet_fund of a funded wallet: %v (code %d), want CodeFaucetFunded", err, rpcCode(err))
	}

	// Spend gas: below the target, but within the window.
	if _, err := sendTx(ctx, client, auth, &common.Address{1}, nil); err != nil {
		t.Fatal(err)
	}
	spent := balance()
	if spent.Cmp(target) >= 0 {
		t.Fatalf("balance %v after a transaction, want below %v", spent, target)
	}
	err = raw.CallContext(ctx, &hash, "anynet_fund", auth.From)
	if rpcCode(err) != CodeFaucetLimited || !strings.Contains(err.Error(), "one top-up per wallet") {
		t.Fatalf("top-up within the window: %v (code %d), want CodeFaucetLimited", err, rpcCode(err))
	}
	if b := balance(); b.Cmp(spent) != 0 {
		t.Fatalf("a refused top-up moved the balance %v → %v", spent, b)
	}

	clock.advance(FaucetWindow)
	if err := raw.CallContext(ctx, &hash, "anynet_fund", auth.From); err != nil {
		t.Fatalf("top-up after the window: %v", err)
	}
	if b := balance(); b.Cmp(target) != 0 {
		t.Fatalf("balance after the second top-up %v, want %v", b, target)
	}

	for _, bad := range []any{common.Address{}, "not an address"} {
		err := raw.CallContext(ctx, &hash, "anynet_fund", bad)
		if rpcCode(err) != -32602 {
			t.Errorf("anynet_fund(%v): %v (code %d), want invalid params", bad, err, rpcCode(err))
		}
	}
}

// TestRPCFaucetNotInProcess: the faucet exists only on the served
// endpoint: the in-process client, served or not, has no anynet_fund.
func TestRPCFaucetNotInProcess(t *testing.T) {
	for _, addr := range []string{"", "127.0.0.1:0"} {
		c := startT(t, Config{DataDir: t.TempDir(), HTTPAddr: addr})
		var hash common.Hash
		err := c.Client().Client().CallContext(t.Context(), &hash, "anynet_fund", common.Address{1})
		if rpcCode(err) != -32601 {
			t.Errorf("HTTPAddr %q: in-process anynet_fund: %v, want method not found", addr, err)
		}
	}
}

func TestFaucetLimiter(t *testing.T) {
	var clock fakeClock
	l := newFaucetLimiter(time.Minute, 3, clock.now)
	a, b, c, d := common.Address{1}, common.Address{2}, common.Address{3}, common.Address{4}
	steps := []struct {
		advance time.Duration
		wallet  common.Address
		ok      bool
	}{
		{0, a, true},
		{0, a, false}, // per wallet
		{30 * time.Second, a, false},
		{0, b, true},
		{0, c, true},
		{0, d, false},                // global: 3 per minute
		{30 * time.Second, a, true},  // a's first expired, freeing a slot
		{0, d, false},                // b, c and a again fill the window
		{30 * time.Second, d, true},  // b and c expired
		{0, b, true},                 // b's window is over
		{59 * time.Second, b, false}, // still within b's second window
	}
	for i, s := range steps {
		clock.advance(s.advance)
		_, err := l.reserve(s.wallet)
		if (err == nil) != s.ok {
			t.Fatalf("step %d (%x): %v, want ok=%v", i, s.wallet[0], err, s.ok)
		}
		if err != nil && !errors.Is(err, ErrFaucetLimited) {
			t.Fatalf("step %d: %v, want ErrFaucetLimited", i, err)
		}
	}

	// A released reservation (failed transfer) frees both limits.
	l = newFaucetLimiter(time.Minute, 1, clock.now)
	release, err := l.reserve(a)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if _, err := l.reserve(a); err != nil {
		t.Fatalf("after release: %v", err)
	}
}

func TestLoopbackRemote(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:5000": true, "[::1]:80": true, "127.9.9.9:1": true,
		"10.0.0.1:5000": false, "": false, "garbage": false, "[::ffff:10.0.0.1]:1": false,
	} {
		if got := loopbackRemote(addr); got != want {
			t.Errorf("loopbackRemote(%q) = %v, want %v", addr, got, want)
		}
	}
}
