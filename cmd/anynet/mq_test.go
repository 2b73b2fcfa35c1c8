package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// TestMQTwoProcesses drives the message queues through the built binary:
// alice makes a stream and grants bob; bob's CLI publishes to alice's
// stream by name (with an id, then the same id again: a duplicate; then
// a delayed message) and fetches with a durable consumer; a real NATS
// client (nats.go) on bob's loopback gateway publishes and consumes on
// alice's stream; alice's status counts it all.
func TestMQTwoProcesses(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs two nodes")
	}
	bin := binary(t)
	root := sockDir(t)
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	c := newCLI(t, bin, root)
	c.must("--dir", a, "init", "--scrypt", "light", "--name", "alice")
	c.must("--dir", b, "init", "--scrypt", "light", "--name", "bob")
	c.start("alice", "--dir", a, "up", "--headless", "--listen", "127.0.0.1:0", "--serve-chain", "127.0.0.1:0", "--mq-gateway", "127.0.0.1:0")
	chain := c.chain(a)
	c.start("bob", "--dir", b, "up", "--headless", "--listen", "127.0.0.1:0", "--chain", chain.URL, "--mq-gateway", "127.0.0.1:0")
	var bs control.MQStatus
	eventually(t, "bob's queues", func() error { return c.json(&bs, "--dir", b, "mq", "status") })

	c.must("--dir", a, "mq", "stream", "add", "ORDERS", "orders.>", "--delayed", "--dedup-window", "10m")
	// Before alice grants anything, bob is refused (once alice's entry
	// and bob's name are published).
	eventually(t, "bob reaches alice's queues", func() error {
		out, err := c.run("--dir", b, "mq", "pub", "--host", "alice", "orders.new", "hi")
		if err == nil {
			return fmt.Errorf("bob published with no grant: %s", out)
		}
		if !strings.Contains(out, "refuses this wallet") {
			return fmt.Errorf("%s", out)
		}
		return nil
	})
	c.must("--dir", a, "mq", "grant", "bob", "--publish", "orders.>", "--consume", "ORDERS")

	if out := c.must("--dir", b, "mq", "pub", "--host", "alice", "--id", "o-1", "orders.new", "hello"); !strings.Contains(out, "ORDERS #1") {
		t.Fatalf("pub: %s", out)
	}
	var ack control.MQPubAck
	if err := c.json(&ack, "--dir", b, "mq", "pub", "--host", "alice", "--id", "o-1", "orders.new", "hello"); err != nil || !ack.Duplicate {
		t.Fatalf("repeated id: %+v %v", ack, err)
	}
	c.must("--dir", b, "mq", "pub", "--host", "alice", "--in", "2s", "orders.new", "later")
	var got []string
	eventually(t, "bob fetches hello and the delayed message", func() error {
		var ms []control.MQMessage
		if err := c.json(&ms, "--dir", b, "mq", "fetch", "--host", "alice", "ORDERS", "bob", "-n", "5", "--wait", "3s"); err != nil {
			return err
		}
		for _, m := range ms {
			got = append(got, m.Data)
		}
		if len(got) < 2 {
			return fmt.Errorf("so far %q", got)
		}
		return nil
	})
	if got[0] != "hello" || got[1] != "later" || len(got) != 2 {
		t.Fatalf("fetched %q", got)
	}

	// A standard client on bob's gateway, against alice's stream.
	if err := c.json(&bs, "--dir", b, "mq", "status"); err != nil || bs.Gateway == "" {
		t.Fatalf("bob's gateway: %+v %v", bs, err)
	}
	// The gateway refuses a client without its password.
	if nc, err := nats.Connect("nats://alice.anynet@"+bs.Gateway, nats.NoReconnect()); err == nil || !errors.Is(err, nats.ErrAuthorization) {
		if nc != nil {
			nc.Close()
		}
		t.Fatalf("a client without the gateway password: %v", err)
	}
	url := strings.TrimSpace(c.must("--dir", b, "mq", "url", "alice.anynet"))
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if _, err := js.Publish(ctx, "orders.nats", []byte("from nats.go"), jetstream.WithMsgID("o-2")); err != nil {
		t.Fatal(err)
	}
	cons, err := js.Consumer(ctx, "ORDERS", "bob")
	if err != nil {
		t.Fatal(err)
	}
	m, err := cons.Next(jetstream.FetchMaxWait(30 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Data()) != "from nats.go" {
		t.Fatalf("nats.go consumed %q", m.Data())
	}
	if err := m.DoubleAck(ctx); err != nil {
		t.Fatal(err)
	}

	var as control.MQStatus
	if err := c.json(&as, "--dir", a, "mq", "status"); err != nil {
		t.Fatal(err)
	}
	var orders *control.MQStream
	for i := range as.Streams {
		if as.Streams[i].Name == "ORDERS" {
			orders = &as.Streams[i]
		}
	}
	// hello, the schedule and what it published, from nats.go: 4.
	if orders == nil || orders.Messages < 3 || orders.Consumers != 1 || len(as.Policy.Grants) != 1 {
		t.Fatalf("alice's status: %+v", as)
	}
	if out := c.must("--dir", a, "mq", "status"); !strings.Contains(out, "ORDERS") || !strings.Contains(out, "DLQ") {
		t.Fatalf("status:\n%s", out)
	}
}
