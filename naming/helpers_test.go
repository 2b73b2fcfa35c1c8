package naming

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"
)

// autoCommit seals a block after every transaction, so receipts are there
// at once (the simulated backend only mines on Commit).
type autoCommit struct {
	simulated.Client
	sim *simulated.Backend

	mu sync.Mutex // serializes send+commit
}

var (
	_ Backend = (*autoCommit)(nil)
	_ Backend = simulated.Client(nil)
)

func (a *autoCommit) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	a.sim.Commit()
	return nil
}

// testChain is a simulated chain with funded accounts and the contracts
// deployed by accounts[0].
type testChain struct {
	sim     *simulated.Backend
	backend *autoCommit
	keys    []*ecdsa.PrivateKey
	auths   []*bind.TransactOpts
	cfg     Config
}

func newTestChain(t testing.TB, accounts int) *testChain {
	t.Helper()
	tc := &testChain{}
	alloc := types.GenesisAlloc{}
	for range accounts {
		key, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		tc.keys = append(tc.keys, key)
		addr := crypto.PubkeyToAddress(key.PublicKey)
		alloc[addr] = types.Account{Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))}
		tc.auths = append(tc.auths, bind.NewKeyedTransactor(key, big.NewInt(1337)))
	}
	tc.sim = simulated.NewBackend(alloc)
	t.Cleanup(func() { tc.sim.Close() })
	tc.backend = &autoCommit{Client: tc.sim.Client(), sim: tc.sim}
	cfg, err := Deploy(t.Context(), tc.backend, tc.auths[0])
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	tc.cfg = cfg
	return tc
}

func (tc *testChain) addr(i int) common.Address { return tc.auths[i].From }

// client returns a fresh client of the test chain; edit adjusts its config.
func (tc *testChain) client(t testing.TB, edit ...func(*Config)) *Client {
	t.Helper()
	cfg := tc.cfg
	for _, e := range edit {
		e(&cfg)
	}
	c, err := New(tc.backend, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}
