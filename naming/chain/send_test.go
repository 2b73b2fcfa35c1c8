package chain

import (
	"crypto/ecdsa"
	"math/big"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/txpool"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// transfer signs a 1-wei transfer with an explicit nonce.
func transfer(c *Chain, key *ecdsa.PrivateKey, nonce uint64) *types.Transaction {
	return types.MustSignNewTx(key, types.LatestSignerForChainID(c.chainID), &types.DynamicFeeTx{
		ChainID: c.chainID, Nonce: nonce, Gas: 21000, To: &common.Address{0x42}, Value: big.NewInt(1),
		GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(100e9),
	})
}

func TestSendReturnsMined(t *testing.T) {
	c := startT(t, Config{DataDir: t.TempDir()})
	ctx := t.Context()
	tx := transfer(c, c.key, 0)
	if err := c.Client().SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}
	// No waiting: the receipt is there when the send returns.
	rcpt, err := c.Client().TransactionReceipt(ctx, tx.Hash())
	if err != nil {
		t.Fatalf("receipt right after send: %v", err)
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		t.Fatal("transfer failed")
	}
}

func TestSendWithNonceGap(t *testing.T) {
	c := startT(t, Config{DataDir: t.TempDir()})
	ctx := t.Context()
	gap := transfer(c, c.key, 1)
	if err := c.Client().SendTransaction(ctx, gap); err != nil {
		t.Fatal(err)
	}
	if st := c.eth.TxPool().Status(gap.Hash()); st != txpool.TxStatusQueued {
		t.Fatalf("gapped transaction status %v, want queued", st)
	}
	first := transfer(c, c.key, 0)
	if err := c.Client().SendTransaction(ctx, first); err != nil {
		t.Fatal(err)
	}
	for _, tx := range []*types.Transaction{first, gap} {
		if _, err := c.WaitMined(ctx, tx.Hash()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConcurrentSendersAndCommits(t *testing.T) {
	const senders, each = 4, 5
	keys := make([]*ecdsa.PrivateKey, senders)
	var funded []common.Address
	for i := range keys {
		keys[i], _ = crypto.GenerateKey()
		funded = append(funded, crypto.PubkeyToAddress(keys[i].PublicKey))
	}
	c := startT(t, Config{DataDir: t.TempDir(), Funded: funded})
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, senders*each+senders)
	for _, key := range keys {
		wg.Go(func() {
			auth := bind.NewKeyedTransactor(key, c.chainID)
			for range each {
				tx, err := sendTx(ctx, c.Client(), auth, &common.Address{0x42}, nil)
				if err != nil {
					errs <- err
					return
				}
				if _, err := c.WaitMined(ctx, tx.Hash()); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 10 {
			if _, err := c.Commit(); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, a := range funded {
		n, err := c.Client().NonceAt(ctx, a, nil)
		if err != nil || n != each {
			t.Errorf("%s nonce %d (%v), want %d", a, n, err, each)
		}
	}
}
