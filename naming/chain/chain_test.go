package chain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir) // never returns
	}
	os.Exit(runTests(m))
}

func TestStartTxRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	var calls int
	c, err := Start(ctx, Config{DataDir: dir, Deploy: deployFunc(&calls)})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Fatalf("Deploy called %d times on the first start, want 1", calls)
	}
	if c.ChainID() != DefaultChainID {
		t.Fatalf("ChainID = %d, want %d", c.ChainID(), DefaultChainID)
	}
	var d deployment
	if err := json.Unmarshal(c.Deployment(), &d); err != nil || d.Store == (common.Address{}) {
		t.Fatalf("Deployment() = %s: %v", c.Deployment(), err)
	}
	setStored(t, ctx, c.Client(), c.DeployerAuth(), d.Store, 42)
	if got := getStored(t, ctx, c.Client(), d.Store); got != 42 {
		t.Fatalf("stored %d, want 42", got)
	}
	height, err := c.Client().BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dev, firstDeployment := c.DevAddress(), c.Deployment()
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// The same directory again: nothing is deployed, everything is there.
	c2 := startT(t, Config{DataDir: dir, Deploy: func(context.Context, *ethclient.Client, *bind.TransactOpts) (json.RawMessage, error) {
		t.Error("Deploy called on a restart")
		return nil, errors.New("unexpected")
	}})
	if c2.ChainID() != DefaultChainID || c2.DevAddress() != dev {
		t.Fatalf("restart: chain %d dev %s, want %d %s", c2.ChainID(), c2.DevAddress(), DefaultChainID, dev)
	}
	if !bytes.Equal(c2.Deployment(), firstDeployment) {
		t.Fatalf("restart: Deployment() = %s, want %s", c2.Deployment(), firstDeployment)
	}
	h2, err := c2.Client().BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h2 < height {
		t.Fatalf("restart: height %d, was %d", h2, height)
	}
	code, err := c2.Client().CodeAt(ctx, d.Store, nil)
	if err != nil || !bytes.Equal(code, storeRuntime) {
		t.Fatalf("restart: code %x (%v), want %x", code, err, storeRuntime)
	}
	if got := getStored(t, ctx, c2.Client(), d.Store); got != 42 {
		t.Fatalf("restart: stored %d, want 42", got)
	}
	// And the chain still takes transactions.
	setStored(t, ctx, c2.Client(), c2.DeployerAuth(), d.Store, 43)
	if got := getStored(t, ctx, c2.Client(), d.Store); got != 43 {
		t.Fatalf("restart: stored %d, want 43", got)
	}
	if got := storedLogs(t, ctx, c2.Client(), d.Store); !slices.Equal(got, []uint64{42, 43}) {
		t.Fatalf("restart: logged %v, want [42 43]", got)
	}
}

func TestFilesLayout(t *testing.T) {
	dir := t.TempDir()
	c := startT(t, Config{DataDir: dir})
	for _, f := range []struct {
		name string
		perm os.FileMode
	}{{devKeyFile, 0o600}, {genesisFile, 0o644}} {
		st, err := os.Stat(filepath.Join(c.Dir(), f.name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != f.perm {
			t.Errorf("%s mode %v, want %v", f.name, st.Mode().Perm(), f.perm)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "chain", "geth", "chaindata")); err != nil {
		t.Errorf("no pebble database: %v", err)
	}
	if c.Deployment() != nil {
		t.Errorf("Deployment() = %s without Deploy", c.Deployment())
	}
	if _, err := os.Stat(filepath.Join(c.Dir(), deploymentFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s written without Deploy: %v", deploymentFile, err)
	}
}

func TestLocked(t *testing.T) {
	dir := t.TempDir()
	c := startT(t, Config{DataDir: dir})
	_, err := Start(t.Context(), Config{DataDir: dir})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Start: %v, want ErrLocked", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	startT(t, Config{DataDir: dir}) // released by Close
}

func TestChainIDMismatch(t *testing.T) {
	dir := t.TempDir()
	c := startT(t, Config{DataDir: dir, ChainID: 31337})
	if c.ChainID() != 31337 {
		t.Fatalf("ChainID = %d", c.ChainID())
	}
	id, err := c.Client().ChainID(t.Context())
	if err != nil || id.Uint64() != 31337 {
		t.Fatalf("eth_chainId = %v, %v", id, err)
	}
	c.Close()
	if _, err := Start(t.Context(), Config{DataDir: dir, ChainID: 1337}); !errors.Is(err, ErrChainIDMismatch) {
		t.Fatalf("Start with another chain ID: %v, want ErrChainIDMismatch", err)
	}
	c2 := startT(t, Config{DataDir: dir}) // 0 accepts the stored one
	if c2.ChainID() != 31337 {
		t.Fatalf("restart ChainID = %d", c2.ChainID())
	}
}

func TestDeployFailureRetried(t *testing.T) {
	dir := t.TempDir()
	boom := errors.New("boom")
	_, err := Start(t.Context(), Config{DataDir: dir, Deploy: func(context.Context, *ethclient.Client, *bind.TransactOpts) (json.RawMessage, error) {
		return nil, boom
	}})
	if !errors.Is(err, boom) {
		t.Fatalf("Start: %v, want the Deploy error", err)
	}
	var calls int
	c := startT(t, Config{DataDir: dir, Deploy: deployFunc(&calls)}) // the lock was released
	if calls != 1 || c.Deployment() == nil {
		t.Fatalf("Deploy retried %d times, deployment %s", calls, c.Deployment())
	}
}

func TestFundedAndFaucet(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	a := common.Address{0xaa}
	c := startT(t, Config{DataDir: dir, Funded: []common.Address{a}})
	bal, err := c.Client().BalanceAt(ctx, a, nil)
	if err != nil || bal.Cmp(FundedBalance()) != 0 {
		t.Fatalf("genesis-funded balance %v (%v), want %v", bal, err, FundedBalance())
	}
	b := common.Address{0xbb}
	if err := c.Faucet(ctx, b, big.NewInt(12345)); err != nil {
		t.Fatal(err)
	}
	if bal, _ := c.Client().BalanceAt(ctx, b, nil); bal.Int64() != 12345 {
		t.Fatalf("faucet balance %v, want 12345", bal)
	}
	if err := c.Faucet(ctx, b, big.NewInt(0)); err == nil {
		t.Fatal("Faucet of 0 wei accepted")
	}
	c.Close()

	// An account added to Funded after the first start is funded at start.
	late := common.Address{0xcc}
	c2 := startT(t, Config{DataDir: dir, Funded: []common.Address{a, late}})
	if bal, _ := c2.Client().BalanceAt(ctx, late, nil); bal.Cmp(FundedBalance()) != 0 {
		t.Fatalf("late-funded balance %v, want %v", bal, FundedBalance())
	}
}

func TestFundedKeyTransacts(t *testing.T) {
	key, _ := crypto.GenerateKey()
	auth := bind.NewKeyedTransactor(key, big.NewInt(DefaultChainID))
	c := startT(t, Config{DataDir: t.TempDir(), Funded: []common.Address{auth.From}})
	ctx := t.Context()
	store, err := deployStore(ctx, c.Client(), auth)
	if err != nil {
		t.Fatal(err)
	}
	setStored(t, ctx, c.Client(), auth, store, 7)
	if got := getStored(t, ctx, c.Client(), store); got != 7 {
		t.Fatalf("stored %d, want 7", got)
	}
}

func TestCommitAndAdjustTime(t *testing.T) {
	c := startT(t, Config{DataDir: t.TempDir()})
	ctx := t.Context()
	before, err := c.Client().HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := c.Commit()
	if err != nil {
		t.Fatal(err)
	}
	head, err := c.Client().HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if head.Hash() != h || head.Number.Uint64() != before.Number.Uint64()+1 {
		t.Fatalf("Commit: head %d %s, want %d %s", head.Number, head.Hash(), before.Number.Uint64()+1, h)
	}
	if err := c.AdjustTime(time.Hour); err != nil {
		t.Fatal(err)
	}
	later, err := c.Client().HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if later.Time != head.Time+3600 {
		t.Fatalf("AdjustTime(1h): time %d, want %d", later.Time, head.Time+3600)
	}
	if err := c.AdjustTime(time.Millisecond); err == nil {
		t.Fatal("AdjustTime below a second accepted")
	}
}

func TestPeriod(t *testing.T) {
	c := startT(t, Config{DataDir: t.TempDir(), Period: time.Second})
	ctx := t.Context()
	tx, err := sendTx(ctx, c.Client(), c.DeployerAuth(), &common.Address{1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rcpt, err := c.WaitMined(ctx, tx.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if rcpt.BlockNumber.Sign() <= 0 {
		t.Fatalf("mined in block %v", rcpt.BlockNumber)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want error
	}{
		{"no datadir", Config{}, nil},
		{"sub-second period", Config{DataDir: "x", Period: time.Millisecond}, nil},
		{"negative period", Config{DataDir: "x", Period: -time.Second}, nil},
		{"all interfaces", Config{DataDir: "x", HTTPAddr: ":8545"}, ErrNotLoopback},
		{"unspecified", Config{DataDir: "x", HTTPAddr: "0.0.0.0:8545"}, ErrNotLoopback},
		{"private", Config{DataDir: "x", HTTPAddr: "10.0.0.1:8545"}, ErrNotLoopback},
		{"name", Config{DataDir: "x", HTTPAddr: "example.com:8545"}, ErrNotLoopback},
		{"no port", Config{DataDir: "x", HTTPAddr: "127.0.0.1"}, ErrNotLoopback},
		{"zero faucet target", Config{DataDir: "x", FaucetTarget: new(big.Int)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if err == nil {
				t.Fatal("accepted")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("%v, want %v", err, tc.want)
			}
		})
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:8545", "[::1]:0", "127.1.2.3:9"} {
		cfg := Config{DataDir: "x", HTTPAddr: addr}
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
	// Start refuses before touching the directory.
	dir := filepath.Join(t.TempDir(), "never")
	if _, err := Start(t.Context(), Config{DataDir: dir, HTTPAddr: "0.0.0.0:0"}); !errors.Is(err, ErrNotLoopback) {
		t.Fatalf("Start: %v, want ErrNotLoopback", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Start created %s: %v", dir, err)
	}
}

func TestCloseIdempotent(t *testing.T) {
	c, err := Start(t.Context(), Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := c.Commit(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Commit after Close: %v", err)
	}
	if err := c.AdjustTime(time.Hour); !errors.Is(err, ErrClosed) {
		t.Fatalf("AdjustTime after Close: %v", err)
	}
	if err := c.Faucet(t.Context(), common.Address{1}, big.NewInt(1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Faucet after Close: %v", err)
	}
	if _, err := c.Client().BlockNumber(t.Context()); err == nil {
		t.Fatal("client works after Close")
	}
	verifyNoLeaks(t)
}

func TestStartCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Start(ctx, Config{DataDir: t.TempDir()}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Start: %v, want context.Canceled", err)
	}
}
