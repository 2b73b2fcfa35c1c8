package naming

import (
	"context"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// sameNonce makes the first two callers of PendingNonceAt wait for each
// other, so two clients of one wallet take the same nonce.
type sameNonce struct {
	*autoCommit
	mu    sync.Mutex
	first []uint64
	both  chan struct{}
}

func (s *sameNonce) PendingNonceAt(ctx context.Context, a common.Address) (uint64, error) {
	nonce, err := s.autoCommit.PendingNonceAt(ctx, a)
	s.mu.Lock()
	waiting := len(s.first) < 2
	if waiting {
		if s.first = append(s.first, nonce); len(s.first) == 2 {
			close(s.both)
		}
	}
	s.mu.Unlock()
	if waiting {
		<-s.both
	}
	return nonce, err
}

// TestSameWalletTwoSenders: two clients of one wallet (the CLI next to
// its daemon) send at once and take the same nonce; both transactions
// land, the later one with a fresh nonce.
func TestSameWalletTwoSenders(t *testing.T) {
	tc := newTestChain(t, 2)
	b := &sameNonce{autoCommit: tc.backend, both: make(chan struct{})}
	ctx := t.Context()
	errs := make(chan error, 2)
	for _, label := range []string{"alice", "bob"} {
		c, err := New(b, tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			_, err := c.Register(ctx, tc.auths[1], label, tc.addr(1))
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a sender of the same wallet: %v", err)
		}
	}
	if b.first[0] != b.first[1] {
		t.Fatalf("the senders took nonces %v: the test proves nothing", b.first)
	}
	r := tc.client(t)
	for _, label := range []string{"alice", "bob"} {
		if owner, err := r.Owner(ctx, label+"."+r.Config().TLD); err != nil || owner != tc.addr(1) {
			t.Fatalf("%s: owner %s, %v", label, owner, err)
		}
	}
}
