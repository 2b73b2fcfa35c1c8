package im

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"testing"
)

// TestLossyNetwork: six nodes exchange messages while the network drops
// 10 % of all frames; every message a sender saw accepted is in its
// recipient's history exactly once.
func TestLossyNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("slow under loss")
	}
	ctx := testCtx(t)
	names := []string{"n0", "n1", "n2", "n3", "n4", "n5"}
	tn := newTestNet(t, names...)
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	tn.nw.SetFilter(func(_, _ netip.AddrPort, _ []byte) bool {
		mu.Lock()
		defer mu.Unlock()
		return rng.Float64() >= 0.10
	})
	tn.startAll(Config{Directory: nilDirectory{}, DialTimeout: 20e9, Limits: Limits{AckTimeout: 20e9}})
	type sent struct {
		to *member
		id MessageID
	}
	var (
		wg       sync.WaitGroup
		accepted = make(chan sent, 100)
	)
	for i, from := range tn.members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 5 {
				to := tn.members[(i+1+k)%len(tn.members)]
				m, err := from.svc.Send(ctx, to.Wallet.Hex(), fmt.Sprintf("%s→%s #%d", from.name, to.name, k))
				for try := 0; err != nil && try < 3; try++ {
					m, err = from.svc.Resend(ctx, m.ID)
				}
				if err != nil {
					t.Errorf("%s → %s: %v", from.name, to.name, err)
					continue
				}
				accepted <- sent{to, m.ID}
			}
		}()
	}
	wg.Wait()
	close(accepted)
	n := 0
	for s := range accepted {
		n++
		var count int
		for _, from := range tn.members {
			h, _ := s.to.svc.History(ctx, from.Wallet, 0)
			for _, m := range h {
				if m.ID == s.id {
					count++
				}
			}
		}
		if count != 1 {
			t.Errorf("message %s held %d times by %s", s.id, count, s.to.name)
		}
	}
	if n != 30 {
		t.Fatalf("%d of 30 messages accepted", n)
	}
	if st := tn.nw.Stats(); st.Filtered == 0 {
		t.Fatalf("no frame dropped: %+v", st)
	}
}
