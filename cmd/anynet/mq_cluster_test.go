package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// TestMQClusterKill9: three `anynet up` processes of ONE wallet (the
// same key imported into three data directories, each with its node
// key) form a replicated queue cluster (--mq-cluster naming their own
// wallet: they find each other in the wallet's DID document and route
// to each other's instance addresses). A stream with three replicas;
// a real NATS client (nats.go on node 0's loopback gateway) publishes
// with ids and consumes with a durable consumer while the process
// leading the stream is killed with SIGKILL. Every acknowledged publish
// is consumed, the stream holds each id once, and the killed member,
// restarted, rejoins: its replica catches up and it counts as current.
func TestMQClusterKill9(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs three nodes")
	}
	bin := binary(t)
	root := sockDir(t)
	c := newCLI(t, bin, root)
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(root, "wallet.hex")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(crypto.FromECDSA(key))), 0o600); err != nil {
		t.Fatal(err)
	}
	wallet := crypto.PubkeyToAddress(key.PublicKey).Hex()
	var dirs [3]string
	for i := range dirs {
		dirs[i] = filepath.Join(root, "n"+strconv.Itoa(i))
		c.must("--dir", dirs[i], "init", "--scrypt", "light", "--import", keyFile)
	}
	var chain control.ChainInfo
	up := func(i int) []string {
		a := []string{"--dir", dirs[i], "up", "--headless", "--listen", "127.0.0.1:0", "--mq-gateway", "127.0.0.1:0", "--mq-cluster", wallet}
		if i == 0 { // node 0 serves the chain and is never killed
			return append(a, "--serve-chain", "127.0.0.1:0")
		}
		return append(a, "--chain", chain.URL)
	}
	procs := make([]*os.Process, 3)
	procs[0] = c.start("n0", up(0)...).Process
	chain = c.chain(dirs[0])
	for i := 1; i < 3; i++ {
		procs[i] = c.start("n"+strconv.Itoa(i), up(i)...).Process
	}
	servers := make([]string, 3)
	for i := range dirs {
		eventually(t, "node "+strconv.Itoa(i)+"'s queues", func() error {
			var s control.MQStatus
			if err := c.json(&s, "--dir", dirs[i], "mq", "status"); err != nil {
				return err
			}
			servers[i] = s.Server
			return nil
		})
	}
	eventually(t, "the cluster forms and takes a stream with three replicas", func() error {
		_, err := c.run("--dir", dirs[0], "mq", "stream", "add", "JOBS", "jobs.>", "--replicas", "3")
		return err
	})

	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	defer cancel()
	url := strings.TrimSpace(c.must("--dir", dirs[0], "mq", "url"))
	connect := func() (*nats.Conn, jetstream.JetStream) {
		nc, err := nats.Connect(url, nats.MaxReconnects(-1))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		js, _ := jetstream.New(nc)
		return nc, js
	}
	nc, js := connect()
	_, cjs := connect()
	info := func() (*jetstream.StreamInfo, error) {
		try, c := context.WithTimeout(ctx, 10*time.Second)
		defer c()
		st, err := js.Stream(try, "JOBS")
		if err != nil {
			return nil, err
		}
		return st.Info(try)
	}
	// The leader must not be node 0 (the chain, and the client's entry):
	// ask it to step down until another node leads.
	victim := -1
	eventually(t, "a leader other than node 0", func() error {
		si, err := info()
		if err != nil {
			return err
		}
		if si.Cluster == nil || len(si.Cluster.Replicas) != 2 {
			return fmt.Errorf("cluster %+v", si.Cluster)
		}
		for i, s := range servers {
			if i > 0 && s == si.Cluster.Leader {
				victim = i
				return nil
			}
		}
		nc.Request("$JS.API.STREAM.LEADER.STEPDOWN.JOBS", nil, 10*time.Second)
		return fmt.Errorf("leader %q", si.Cluster.Leader)
	})

	cons, err := cjs.CreateOrUpdateConsumer(ctx, "JOBS", jetstream.ConsumerConfig{
		Durable: "workers", AckPolicy: jetstream.AckExplicitPolicy, AckWait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu         sync.Mutex
		done       = map[string]bool{}
		redelivers int
	)
	consumed := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(done)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			b, err := cons.Fetch(50, jetstream.FetchMaxWait(2*time.Second))
			if err != nil {
				continue
			}
			for m := range b.Messages() {
				// A worker processes a message, then acknowledges it. The
				// acknowledgement may land in the engine and still report
				// an error (the reply lost in the failover): the message
				// then does not come again, so it counts as consumed when
				// it is received, and a redelivery is seen by its id.
				mu.Lock()
				if done[string(m.Data())] {
					redelivers++ // processed once: the id says so
				}
				done[string(m.Data())] = true
				mu.Unlock()
				try, c := context.WithTimeout(ctx, 10*time.Second)
				m.DoubleAck(try) // not acknowledged: it comes again
				c()
			}
		}
	}()

	const total = 1000
	acked := 0
	for i := range total {
		if i == total/2 {
			procs[victim].Kill() // SIGKILL, mid-stream
			procs[victim].Wait()
			t.Logf("killed node %d (%s), the stream's leader, after %d acknowledged publishes", victim, servers[victim], acked)
		}
		id := "job-" + strconv.Itoa(i)
		for { // the same id again after an error: at most one copy
			try, c := context.WithTimeout(ctx, 10*time.Second)
			_, err := js.Publish(try, "jobs.new", []byte(id), jetstream.WithMsgID(id))
			c()
			if err == nil {
				acked++
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("publish %s: %v", id, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	eventually(t, "every acknowledged publish consumed", func() error {
		if n := consumed(); n < total {
			return fmt.Errorf("consumed %d of %d", n, total)
		}
		return nil
	})
	mu.Lock()
	for i := range total {
		if !done["job-"+strconv.Itoa(i)] {
			t.Errorf("acknowledged job-%d never consumed", i)
		}
	}
	t.Logf("%d published and acknowledged, %d consumed, %d redelivered after an ack that did not reach the engine", acked, len(done), redelivers)
	mu.Unlock()
	si, err := info()
	if err != nil {
		t.Fatal(err)
	}
	if si.State.Msgs != total {
		t.Fatalf("the stream holds %d messages, want %d (one per id)", si.State.Msgs, total)
	}
	if si.Cluster.Leader == servers[victim] {
		t.Fatalf("the killed node still leads")
	}

	// The killed member comes back and rejoins: its replica catches up.
	c.start("n"+strconv.Itoa(victim)+"-again", up(victim)...)
	eventually(t, "the restarted member is current", func() error {
		si, err := info()
		if err != nil {
			return err
		}
		for _, r := range append(si.Cluster.Replicas, &jetstream.PeerInfo{Name: si.Cluster.Leader, Current: true}) {
			if !r.Current || r.Offline {
				return fmt.Errorf("replica %+v", r)
			}
		}
		var s control.MQStatus
		if err := c.json(&s, "--dir", dirs[victim], "mq", "status"); err != nil {
			return err
		}
		for _, st := range s.Streams {
			if st.Name == "JOBS" && st.Messages == total {
				return nil
			}
		}
		return fmt.Errorf("the restarted member's streams: %+v", s.Streams)
	})
	// Consumers go on.
	if _, err := js.Publish(ctx, "jobs.new", []byte("after"), jetstream.WithMsgID("after")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a message after the rejoin consumed", func() error {
		mu.Lock()
		defer mu.Unlock()
		if !done["after"] {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	close(stop)
	wg.Wait()
}
