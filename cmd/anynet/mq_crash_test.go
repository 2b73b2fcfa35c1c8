package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/anynet/anynet/apps/mq/mqtest"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// mqCrashTotal is how many messages TestMQCrashKill9Node publishes: the
// issue's 100,000 with -mq.crash-total 100000, 5,000 by default. At
// 100,000 on two cores at load ~30: 1m48s of publishing with 7 kills
// of the node and 7 of the consumer, 12 min for the whole test with
// the build.
var mqCrashTotal = flag.Int("mq.crash-total", 5000, "messages TestMQCrashKill9Node publishes (the issue's crash test: 100000)")

// The crash consumer child (the test binary re-executed) runs
// mqtest.Consume on the file MQ_CRASH_CONSUMER through MQ_CRASH_URL.
const (
	mqCrashConsumerEnv = "MQ_CRASH_CONSUMER"
	mqCrashURLEnv      = "MQ_CRASH_URL"
)

// startMQConsumer starts the consumer child and waits for its "ready".
func startMQConsumer(t *testing.T, file, url string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mqCrashConsumerEnv+"="+file, mqCrashURLEnv+"="+url)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var line [6]byte
	if n, err := out.Read(line[:]); string(line[:n]) != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("consumer child: %q %v", line[:n], err)
	}
	go func() { // keep draining stdout
		var sink [512]byte
		for {
			if _, err := out.Read(sink[:]); err != nil {
				return
			}
		}
	}()
	return cmd
}

// TestMQCrashKill9Node is the crash test on full nodes: alice's
// `anynet up` process hosts the stream JOBS; publishers (in the test)
// and a consumer (a child process) reach it through bob's loopback
// gateway, so every message crosses the overlay. While they run, alice's
// process and the consumer's are killed with SIGKILL in turn at random
// moments (at random counts of acknowledged publishes) and started
// again. Every publish the engine acknowledged is processed, none twice (the consumer skips ids it processed; the
// redeliveries of messages whose ack a kill lost are counted), and the
// stream holds each id once, per subject in publish order.
// -mq.crash-total 100000 runs the 100,000 messages.
func TestMQCrashKill9Node(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs two nodes")
	}
	total := *mqCrashTotal
	bin := binary(t)
	root := sockDir(t)
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	c := newCLI(t, bin, root)
	c.must("--dir", a, "init", "--scrypt", "light", "--name", "alice")
	c.must("--dir", b, "init", "--scrypt", "light", "--name", "bob")
	// bob serves the chain and the gateway and is never killed.
	c.start("bob", "--dir", b, "up", "--headless", "--listen", "127.0.0.1:0", "--serve-chain", "127.0.0.1:0", "--mq-gateway", "127.0.0.1:0")
	chain := c.chain(b)
	// alice keeps her overlay address across restarts.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := l.Addr().String()
	l.Close()
	upAlice := func(n int) *exec.Cmd {
		return c.start("alice-"+strconv.Itoa(n), "--dir", a, "up", "--headless", "--listen", listen, "--chain", chain.URL, "--mq-gateway", "off")
	}
	alice := upAlice(0)
	aliceUp := func() error {
		var s control.MQStatus
		return c.json(&s, "--dir", a, "mq", "status")
	}
	eventually(t, "alice's queues", aliceUp)
	c.must("--dir", a, "mq", "stream", "add", "JOBS", "jobs.>", "--dedup-window", "30m")
	c.must("--dir", a, "mq", "grant", "bob", "--publish", "jobs.>", "--consume", "JOBS")
	url := strings.TrimSpace(c.must("--dir", b, "mq", "url", "alice.anynet"))

	ctx, cancel := context.WithTimeout(t.Context(), 40*time.Minute)
	defer cancel()
	var js jetstream.JetStream
	eventually(t, "bob reaches alice's stream", func() error {
		nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
		if err != nil {
			return err
		}
		js, _ = jetstream.New(nc)
		try, c := context.WithTimeout(ctx, 10*time.Second)
		defer c()
		if _, err := js.CreateOrUpdateConsumer(try, "JOBS", jetstream.ConsumerConfig{Durable: "work",
			AckPolicy: jetstream.AckExplicitPolicy, AckWait: 3 * time.Second, MaxAckPending: 2000}); err != nil {
			nc.Close()
			return err
		}
		t.Cleanup(nc.Close)
		return nil
	})
	processed := filepath.Join(root, "processed")
	cons := startMQConsumer(t, processed, url)
	var killMu sync.Mutex // guards alice, cons
	t.Cleanup(func() {
		killMu.Lock()
		cons.Process.Kill()
		cons.Wait()
		killMu.Unlock()
	})

	// Publishers: four subjects, each in order, retrying a publish with
	// the same id until it is acknowledged.
	const subjects = 4
	var (
		mu    sync.Mutex
		acked = map[string]bool{}
		wg    sync.WaitGroup
	)
	start := time.Now()
	for k := range subjects {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < total; i += subjects {
				id := fmt.Sprintf("m-%d", i)
				for ctx.Err() == nil {
					pctx, pcancel := context.WithTimeout(ctx, 3*time.Second)
					_, err := js.Publish(pctx, fmt.Sprintf("jobs.%d", k), []byte(id), jetstream.WithMsgID(id))
					pcancel()
					if err == nil {
						mu.Lock()
						acked[id] = true
						mu.Unlock()
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	published := make(chan struct{})
	go func() { wg.Wait(); close(published) }()

	// The killer: at acknowledged-publish counts drawn at random (one
	// kill per 7,000 messages, at least four), SIGKILL alice's node and
	// the consumer in turn and start it again; after a node's restart the
	// next kill waits for the node to answer.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	points := make([]int, max(4, total/7000))
	for i := range points {
		points[i] = total/20 + rng.IntN(total*9/10)
	}
	slices.Sort(points)
	kills := map[string]int{}
	ackedNow := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
killing:
	for k := 0; k < len(points); {
		select {
		case <-published:
			break killing
		case <-time.After(20 * time.Millisecond):
		}
		if ackedNow() < points[k] {
			continue
		}
		killMu.Lock()
		if k%2 == 0 {
			alice.Process.Signal(syscall.SIGKILL)
			alice.Wait()
			kills["node"]++
			t.Logf("SIGKILLed alice's node after %d acknowledged publishes", ackedNow())
			alice = upAlice(kills["node"])
			killMu.Unlock()
			eventually(t, "alice's node restarted", aliceUp)
		} else {
			cons.Process.Signal(syscall.SIGKILL)
			cons.Wait()
			kills["consumer"]++
			cons = startMQConsumer(t, processed, url)
			killMu.Unlock()
		}
		k++
	}
	<-published
	if kills["node"] == 0 || kills["consumer"] == 0 {
		t.Fatalf("kills: %v: publishing ended before the killer's points", kills)
	}
	if ctx.Err() != nil {
		t.Fatal("publishing did not finish")
	}
	pubTime := time.Since(start)
	// Wait for the consumer to have processed every acknowledged id.
	var (
		order []string
		seen  map[string]bool
	)
	for {
		seen, order, err = mqtest.LoadProcessed(processed)
		if err != nil {
			t.Fatal(err)
		}
		missing := 0
		for id := range acked {
			if !seen[id] {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d acknowledged messages never processed", missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(acked) != total {
		t.Fatalf("%d of %d publishes acknowledged", len(acked), total)
	}
	if len(order) != len(seen) {
		t.Fatalf("processed %d times for %d ids: some twice", len(order), len(seen))
	}
	for _, id := range order {
		var i int
		if _, err := fmt.Sscanf(id, "m-%d", &i); err != nil || i < 0 || i >= total {
			t.Fatalf("processed %q, never published", id)
		}
	}
	dupBytes, _ := os.ReadFile(processed + ".dups")
	// The stream holds each id once, and per subject in publish order.
	st, err := js.Stream(ctx, "JOBS")
	if err != nil {
		t.Fatal(err)
	}
	if info, err := st.Info(ctx); err != nil || info.State.Msgs != uint64(total) {
		t.Fatalf("stream: %+v, want %d messages (%v)", info, total, err)
	}
	oc, err := js.OrderedConsumer(ctx, "JOBS", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]int{}
	for n := 0; n < total; n++ {
		m, err := oc.Next(jetstream.FetchMaxWait(30 * time.Second))
		if err != nil {
			t.Fatalf("reading the stream back at %d: %v", n, err)
		}
		var i int
		fmt.Sscanf(string(m.Data()), "m-%d", &i)
		if p, ok := last[m.Subject()]; ok && i <= p {
			t.Fatalf("%s: m-%d stored after m-%d", m.Subject(), i, p)
		}
		last[m.Subject()] = i
	}
	t.Logf("%d published and acknowledged in %s, %d processed once each; kills: %v; redeliveries skipped by id: %d",
		len(acked), pubTime.Round(time.Second), len(order), kills, bytes.Count(dupBytes, []byte("\n")))
}
