package main

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/mq"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// TestMQOutbox: `anynet mq pub/fetch --host` on real nodes go through
// the queue core (mq.Core on port 4223, the core the simulator runs)
// over alice's embedded engine: alice's status counts bob's publishes
// stored by her core. Then alice is killed with SIGKILL; bob's publish
// (no id: the core gives it one) waits in his outbox; bob is killed
// too and both come back, alice first without bob: the message is
// delivered once, and bob's outbox is empty. carol serves the chain.
func TestMQOutbox(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs three nodes")
	}
	bin := binary(t)
	root := sockDir(t)
	a, b, cd := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")
	c := newCLI(t, bin, root)
	c.must("--dir", a, "init", "--scrypt", "light", "--name", "alice")
	c.must("--dir", b, "init", "--scrypt", "light", "--name", "bob")
	c.must("--dir", cd, "init", "--scrypt", "light", "--name", "carol")
	c.start("carol", "--dir", cd, "up", "--headless", "--listen", "127.0.0.1:0", "--serve-chain", "127.0.0.1:0", "--mq-gateway", "off")
	chain := c.chain(cd)
	port := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().String()
	}
	aListen, bListen := port(), port()
	up := func(name, dir, listen string) func() {
		cmd := c.start(name, "--dir", dir, "up", "--headless", "--listen", listen, "--chain", chain.URL, "--mq-gateway", "off")
		var s control.MQStatus
		eventually(t, name+"'s queues", func() error { return c.json(&s, "--dir", dir, "mq", "status") })
		return func() { cmd.Process.Signal(syscall.SIGKILL); cmd.Wait() }
	}
	killAlice := up("alice-1", a, aListen)
	killBob := up("bob-1", b, bListen)
	status := func(dir string) control.MQStatus {
		t.Helper()
		var s control.MQStatus
		if err := c.json(&s, "--dir", dir, "mq", "status"); err != nil {
			t.Fatal(err)
		}
		return s
	}
	orders := func() uint64 {
		t.Helper()
		for _, st := range status(a).Streams {
			if st.Name == "ORDERS" {
				return st.Messages
			}
		}
		t.Fatal("alice has no stream ORDERS")
		return 0
	}

	c.must("--dir", a, "mq", "stream", "add", "ORDERS", "orders.>", "--dedup-window", "30m")
	c.must("--dir", a, "mq", "grant", "bob", "--publish", "orders.>", "--consume", "ORDERS")
	eventually(t, "bob publishes to alice through the core", func() error {
		out, err := c.run("--dir", b, "mq", "pub", "--host", "alice", "--id", "o-1", "--wait", "5s", "orders.new", "hello")
		if err != nil || !strings.Contains(out, "ORDERS #1") {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	})
	if s := status(a); s.CoreStored != 1 {
		t.Fatalf("alice's core stored %d publishes, want 1 (bob's went another way?)", s.CoreStored)
	}
	var ms []control.MQMessage
	if err := c.json(&ms, "--dir", b, "mq", "fetch", "--host", "alice", "ORDERS", "bob", "-n", "5", "--wait", "5s"); err != nil || len(ms) != 1 || ms[0].Data != "hello" {
		t.Fatalf("bob's fetch through the core: %+v %v", ms, err)
	}

	// alice is killed; bob's publish waits in his outbox.
	killAlice()
	var ack control.MQPubAck
	if err := c.json(&ack, "--dir", b, "mq", "pub", "--host", "alice", "--wait", "3s", "orders.new", "while alice was down"); err != nil || !ack.Queued {
		t.Fatalf("publish while alice is down: %+v %v, want queued", ack, err)
	}
	if s := status(b); len(s.Outbox) != 1 || !strings.HasPrefix(s.Outbox[0].ID, "0x") {
		t.Fatalf("bob's outbox: %+v", s.Outbox)
	}
	killBob()
	killAlice = up("alice-2", a, aListen)
	defer killAlice()
	if n := orders(); n != 1 {
		t.Fatalf("ORDERS holds %d messages with bob down, want 1", n)
	}
	killBob = up("bob-2", b, bListen)
	defer killBob()
	eventually(t, "bob's outbox delivered", func() error {
		if s := status(b); len(s.Outbox) != 0 {
			return fmt.Errorf("outbox %+v", s.Outbox)
		}
		return nil
	})
	time.Sleep(2 * mq.RetryAfter) // a resend after the answer would be a second copy
	if n := orders(); n != 2 {
		t.Fatalf("ORDERS holds %d messages, want 2 (the queued one once)", n)
	}
	if err := c.json(&ms, "--dir", a, "mq", "fetch", "ORDERS", "alice", "-n", "5", "--wait", "2s"); err != nil || len(ms) != 2 || ms[1].Data != "while alice was down" {
		t.Fatalf("alice's stream: %+v %v", ms, err)
	}
}
