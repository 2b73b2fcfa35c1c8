package daemon

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// TestMQLazy: a daemon's queues engine does not run until it is used;
// the first `mq` call starts it; a daemon whose directory holds a stream
// starts it at once. The default gateway address taken by another
// process is reported in the status, not fatal; an address the user
// chose taken is ErrInUse.
func TestMQLazy(t *testing.T) {
	ctx := context.Background()
	emb, root := testChain(t)
	key, _ := crypto.GenerateKey()
	dir := filepath.Join(root, "alice")
	os.MkdirAll(dir, 0o700)

	// Hold the default gateway address (or find it held already, as by
	// another node on this machine).
	held := true
	if l, err := net.Listen("tcp", config.DefaultMQGateway); err == nil {
		t.Cleanup(func() { l.Close() })
	} else if !errors.Is(err, syscall.EADDRINUSE) {
		held = false
		t.Logf("cannot hold %s (%v): the taken-default case is not checked", config.DefaultMQGateway, err)
	}
	start := func(gateway string) (*Daemon, error) {
		return Start(ctx, Options{
			Config:   config.Config{Dir: dir, Name: "alice", Listen: "127.0.0.1:0", Chain: "embedded", MQGateway: gateway},
			Key:      key,
			Embedded: emb,
		})
	}

	d, err := start(config.DefaultMQGateway)
	if err != nil {
		t.Fatalf("start with the default gateway address taken: %v", err)
	}
	if d.mq.q.Running() != nil {
		t.Fatal("the queues' engine runs before any use")
	}
	st, err := d.MQStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.mq.q.Running() == nil {
		t.Fatal("MQStatus did not start the engine")
	}
	if held && (st.Gateway != "" || !strings.Contains(st.GatewayOff, "taken")) {
		t.Fatalf("status with the default gateway address taken: gateway %q, gatewayOff %q", st.Gateway, st.GatewayOff)
	}
	if _, err := d.MQStreamAdd(ctx, control.MQStreamSpec{Name: "ORDERS", Subjects: []string{"orders.>"}}); err != nil {
		t.Fatal(err)
	}
	d.Close()

	// Streams on disk: the engine starts with the daemon.
	d, err = start("off")
	if err != nil {
		t.Fatal(err)
	}
	if d.mq.q.Running() == nil {
		t.Fatal("a daemon with a stream on disk did not start its engine")
	}
	d.Close()

	// A gateway address the user chose, taken.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if d, err := start(l.Addr().String()); !errors.Is(err, ErrInUse) {
		if err == nil {
			d.Close()
		}
		t.Fatalf("start with --mq-gateway taken: %v, want ErrInUse", err)
	}
}
