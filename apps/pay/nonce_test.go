//go:build !nochain

package pay

import (
	"context"
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/internal/apptest"
)

// staleNonce answers the first PendingNonceAt with the nonce before the
// wallet's pending one: the nonce another sender of the wallet (the CLI
// next to its daemon) has just used. Two senders racing for one nonce
// are naming's TestSameWalletTwoSenders (naming.RetryTakenNonce).
type staleNonce struct {
	Backend
	calls atomic.Int32
}

func (s *staleNonce) PendingNonceAt(ctx context.Context, a common.Address) (uint64, error) {
	nonce, err := s.Backend.PendingNonceAt(ctx, a)
	if s.calls.Add(1) == 1 && nonce > 0 {
		nonce--
	}
	return nonce, err
}

// TestTakenNonceSentAgain: a Chain that signs with a nonce another
// sender of its wallet took first (the pool answers "nonce too low")
// signs again with a fresh one, and the transaction lands.
func TestTakenNonceSentAgain(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	ch := apptest.NewChain(t)
	k, _ := crypto.GenerateKey()
	w := NewKeyWallet(k)
	if err := ch.Emb.Fund(ctx, w.Address()); err != nil {
		t.Fatal(err)
	}
	other := NewChain(ch.Emb.Chain.Client(), ch.ChainID, common.Address{})
	first, second := common.HexToAddress("0x1111"), common.HexToAddress("0x2222")
	if _, err := other.Transact(ctx, w, &first, big.NewInt(1000), nil); err != nil {
		t.Fatalf("the other sender: %v", err)
	}
	b := &staleNonce{Backend: ch.Emb.Chain.Client()}
	if _, err := NewChain(b, ch.ChainID, common.Address{}).Transact(ctx, w, &second, big.NewInt(1000), nil); err != nil {
		t.Fatalf("a sender of the same wallet with a taken nonce: %v", err)
	}
	if n := b.calls.Load(); n < 2 {
		t.Fatalf("PendingNonceAt asked %d times: the taken nonce was never tried, the test proves nothing", n)
	}
	for _, a := range []common.Address{first, second} {
		if got, err := other.Balance(ctx, common.Address{}, a); err != nil || got.Cmp(big.NewInt(1000)) != 0 {
			t.Fatalf("%s holds %v, %v; want 1000 wei", a, got, err)
		}
	}
}
