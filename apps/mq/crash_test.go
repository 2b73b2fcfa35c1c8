package mq

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/anynet/anynet/apps/mq/mqtest"
	"github.com/anynet/anynet/naming"
)

// The crash test's children: a host serving queues on loopback from a
// store directory, and a consumer that records what it processed.
const (
	crashHostEnv     = "MQ_CRASH_HOST"     // store directory
	crashConsumerEnv = "MQ_CRASH_CONSUMER" // processed-ids file
	crashAddrEnv     = "MQ_CRASH_ADDR"     // the host's loopback address
)

func TestMain(m *testing.M) {
	switch {
	case os.Getenv(crashHostEnv) != "":
		crashHost(os.Getenv(crashHostEnv), os.Getenv(crashAddrEnv))
	case os.Getenv(crashConsumerEnv) != "":
		mqtest.Consume(os.Getenv(crashConsumerEnv), "nats://"+os.Getenv(crashAddrEnv))
	default:
		os.Exit(m.Run())
	}
}

// localHost is a Host with no overlay: the crash child serves loopback
// TCP as the owner (the overlay's part is TestBobConsumesAliceStream's).
type localHost struct {
	addr common.Address
	dir  string
}

func (h localHost) Dial(context.Context, string, string) (net.Conn, error) {
	return nil, errors.New("no overlay")
}
func (h localHost) Listen(string, string) (net.Listener, error) { return nil, errors.New("no overlay") }
func (h localHost) ListenPacket(string, string) (net.PacketConn, error) {
	return nil, errors.New("no overlay")
}
func (h localHost) PeerOf(net.Conn) (common.Address, error)                { return h.addr, nil }
func (h localHost) Lookup(context.Context, string) (common.Address, error) { return h.addr, nil }
func (h localHost) Document(context.Context, common.Address) (*naming.Document, error) {
	return nil, errors.New("no chain")
}
func (h localHost) Addr() common.Address { return h.addr }
func (h localHost) Time() time.Time      { return time.Now() }
func (h localHost) Dir() string          { return h.dir }

func crashHost(dir, addr string) {
	h := localHost{addr: common.Address{0xa1}, dir: dir}
	s, err := Start(context.Background(), Config{Host: h})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	var l net.Listener
	for range 100 { // the killed incarnation's port may linger a moment
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	for {
		c, err := l.Accept()
		if err != nil {
			os.Exit(1)
		}
		go s.ServeConn(c, h.addr)
	}
}

// child is a restartable child process of the test binary.
type child struct {
	t   *testing.T
	env []string
	mu  sync.Mutex
	cmd *exec.Cmd
}

func (c *child) start() {
	c.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), c.env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		c.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		c.t.Fatalf("child: %q %v", line, err)
	}
	go func() { // keep draining stdout
		var sink [512]byte
		for {
			if _, err := out.Read(sink[:]); err != nil {
				return
			}
		}
	}()
	c.mu.Lock()
	c.cmd = cmd
	c.mu.Unlock()
}

func (c *child) kill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd != nil {
		c.cmd.Process.Signal(syscall.SIGKILL)
		c.cmd.Wait()
		c.cmd = nil
	}
}

// TestCrashKill9 is the crash test: 100,000 messages (10,000
// with -short) are published with ids, four subjects in order, while
// the hosting node and the consumer are killed with SIGKILL at random
// moments and restarted. Every publish the engine acknowledged is
// processed by the consumer; none is processed twice (the consumer
// skips ids it processed: redeliveries of messages whose ack a kill
// lost do happen, and are counted); per subject, the stream holds the
// ids in publish order.
func TestCrashKill9(t *testing.T) {
	t.Parallel()
	total := 100_000
	if testing.Short() {
		total = 10_000
	}
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	processed := filepath.Join(dir, "processed")
	host := &child{t: t, env: []string{crashHostEnv + "=" + filepath.Join(dir, "host"), crashAddrEnv + "=" + addr}}
	cons := &child{t: t, env: []string{crashConsumerEnv + "=" + processed, crashAddrEnv + "=" + addr}}
	host.start()
	t.Cleanup(host.kill)

	nc, err := nats.Connect("nats://"+addr, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "JOBS", Subjects: []string{"jobs.>"},
		Storage: jetstream.FileStorage, Duplicates: 10 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, "JOBS", jetstream.ConsumerConfig{Durable: "work",
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: 2 * time.Second, MaxAckPending: 2000}); err != nil {
		t.Fatal(err)
	}
	cons.start()
	t.Cleanup(cons.kill)

	// Publishers: four subjects, each in order, retrying a publish with
	// the same id until it is acknowledged.
	const subjects = 4
	var (
		mu    sync.Mutex
		acked = map[string]bool{}
		wg    sync.WaitGroup
	)
	for k := range subjects {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < total; i += subjects {
				id := fmt.Sprintf("m-%d", i)
				for ctx.Err() == nil {
					pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
					_, err := js.Publish(pctx, fmt.Sprintf("jobs.%d", k), []byte(id), jetstream.WithMsgID(id))
					pcancel()
					if err == nil {
						mu.Lock()
						acked[id] = true
						mu.Unlock()
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	published := make(chan struct{})
	go func() { wg.Wait(); close(published) }()

	// The killer: until publishing ends, SIGKILL the host and the
	// consumer in turn, each at a random moment, and start it again.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	kills := map[string]int{}
killing:
	for {
		select {
		case <-published:
			break killing
		case <-time.After(time.Duration(200+rng.IntN(1500)) * time.Millisecond):
		}
		if (kills["host"]+kills["consumer"])%2 == 0 {
			host.kill()
			host.start()
			kills["host"]++
		} else {
			cons.kill()
			cons.start()
			kills["consumer"]++
		}
	}
	if ctx.Err() != nil {
		t.Fatal("publishing did not finish")
	}
	// Wait for the consumer to have processed every acknowledged id.
	var order []string
	var seen map[string]bool
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
		t.Fatalf("stream: %v, want %d messages (%v)", info, total, err)
	}
	last := map[string]int{}
	oc, err := js.OrderedConsumer(ctx, "JOBS", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
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
	t.Logf("%d published and acknowledged, %d processed once each; kills: %v; redeliveries skipped by id: %d",
		len(acked), len(order), kills, bytes.Count(dupBytes, []byte("\n")))
}
