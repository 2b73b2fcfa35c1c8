//go:build !nochain

package pay

import (
	"context"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/internal/apptest"
)

// sameNonce makes the first two callers of PendingNonceAt wait for each
// other, so two senders of one wallet take the same nonce.
type sameNonce struct {
	Backend
	mu    sync.Mutex
	first []uint64
	both  chan struct{}
}

func (s *sameNonce) PendingNonceAt(ctx context.Context, a common.Address) (uint64, error) {
	nonce, err := s.Backend.PendingNonceAt(ctx, a)
	s.mu.Lock()
	waiting := len(s.first) < 2
	if waiting {
		if s.first = append(s.first, nonce); len(s.first) == 2 {
			close(s.both)
		}
	}
	s.mu.Unlock()
	if waiting {
		select {
		case <-s.both:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	return nonce, err
}

// TestSameWalletTwoSenders: two Chains of one wallet (the CLI next to
// its daemon, each with its own lock) send at once and take the same
// nonce; both transactions land, the later one with a fresh nonce.
func TestSameWalletTwoSenders(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	ch := apptest.NewChain(t)
	k, _ := crypto.GenerateKey()
	w := NewKeyWallet(k)
	if err := ch.Emb.Fund(ctx, w.Address()); err != nil {
		t.Fatal(err)
	}
	b := &sameNonce{Backend: ch.Emb.Chain.Client(), both: make(chan struct{})}
	to := []common.Address{common.HexToAddress("0x1111"), common.HexToAddress("0x2222")}
	errs := make(chan error, len(to))
	for _, a := range to {
		c := NewChain(b, ch.ChainID, common.Address{})
		go func() {
			_, err := c.Transact(ctx, w, &a, big.NewInt(1000), nil)
			errs <- err
		}()
	}
	for range to {
		if err := <-errs; err != nil {
			t.Fatalf("a sender of the same wallet: %v", err)
		}
	}
	if b.first[0] != b.first[1] {
		t.Fatalf("the senders took nonces %v: the test proves nothing", b.first)
	}
	c := NewChain(b, ch.ChainID, common.Address{})
	for _, a := range to {
		if got, err := c.Balance(ctx, common.Address{}, a); err != nil || got.Cmp(big.NewInt(1000)) != 0 {
			t.Fatalf("%s holds %v, %v; want 1000 wei", a, got, err)
		}
	}
}
