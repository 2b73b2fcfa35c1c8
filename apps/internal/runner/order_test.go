package runner

import (
	"context"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
	"go.uber.org/goleak"
)

// upCore sends "A" and "B" to the wallet its command names, before any
// connection to it is up, and "C" when it hears Up for it; it reports
// every frame it receives.
type upCore struct{ to common.Address }

func (u *upCore) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Command:
		u.to = in.Cmd.(common.Address)
		out.To(u.to, []byte("A"))
		out.To(u.to, []byte("B"))
	case service.Up:
		if in.Peer == u.to {
			out.To(u.to, []byte("C"))
		}
	case service.Frame:
		out.Emit(string(in.Frame))
	}
}

// TestRunnerOrderOnConnect: frames a core sends to a wallet while its
// dial is under way reach the peer before those it sends on Up.
func TestRunnerOrderOnConnect(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	nodes := apptest.Nodes(t, 2)
	a, b := nodes[0], nodes[1]
	defer a.Close()
	defer b.Close()
	got := make(chan any, 10)
	rb, err := Start(Config{Host: b, Core: &upCore{}, Store: &service.Memory{}, Port: 7000, OnEvent: func(e any) { got <- e }})
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Close()
	ra, err := Start(Config{Host: a, Core: &upCore{}, Store: &service.Memory{}, Port: 7000, DialTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer ra.Close()
	if _, err := ra.Do(ctx, b.Addr()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"A", "B", "C"} {
		select {
		case e := <-got:
			if e != want {
				t.Fatalf("peer received %v, want %s", e, want)
			}
		case <-ctx.Done():
			t.Fatalf("peer received no %s", want)
		}
	}
}
