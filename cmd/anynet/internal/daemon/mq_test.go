//go:build !nochain

package daemon

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
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

// TestMQCluster: three daemons started with mq-cluster naming each
// other form one replicated cluster: a stream made with three replicas
// on one is written through a second and read through the third, and
// each one's status lists the two others.
func TestMQCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("three daemons and a cluster election: not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	emb, dir := testChain(t)
	keys := make([]*ecdsa.PrivateKey, 3)
	wallets := make([]common.Address, 3)
	for i := range keys {
		keys[i], _ = crypto.GenerateKey()
		wallets[i] = crypto.PubkeyToAddress(keys[i].PublicKey)
	}
	ds := make([]*Daemon, 3)
	for i := range ds {
		var others []string
		for j, w := range wallets {
			if j != i {
				others = append(others, w.Hex())
			}
		}
		cfg := config.Config{Dir: filepath.Join(dir, wallets[i].Hex()), Listen: "127.0.0.1:0", Chain: "embedded",
			MQGateway: "127.0.0.1:0", MQCluster: others}
		os.MkdirAll(cfg.Dir, 0o700)
		d, err := Start(ctx, Options{Config: cfg, Key: keys[i], Embedded: emb})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		if d.mq.q.Running() == nil || d.mq.cl == nil {
			t.Fatalf("daemon %d, a cluster member, did not start its engine and cluster port at boot", i)
		}
		ds[i] = d
	}
	for i, d := range ds {
		for ok, last := d.Ready(); !ok; ok, last = d.Ready() {
			if ctx.Err() != nil {
				t.Fatalf("daemon %d not on chain: %v", i, last)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	var st control.MQStream
	for {
		try, c := context.WithTimeout(ctx, 10*time.Second)
		var err error
		st, err = ds[0].MQStreamAdd(try, control.MQStreamSpec{Name: "JOBS", Subjects: []string{"jobs.>"}, Replicas: 3})
		c()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no cluster: %v", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if st.Replicas != 3 || st.Leader == "" {
		t.Fatalf("stream %+v: want 3 replicas and a leader", st)
	}
	ack, err := ds[1].MQPublish(ctx, control.MQPublish{Subject: "jobs.new", Data: "through the second", ID: "j-1"})
	if err != nil || ack.Stream != "JOBS" || ack.Seq != 1 {
		t.Fatalf("publish through the second daemon: %+v, %v", ack, err)
	}
	ms, err := ds[2].MQFetch(ctx, control.MQFetch{Stream: "JOBS", Consumer: "third", Wait: 10 * time.Second})
	if err != nil || len(ms) != 1 || ms[0].Data != "through the second" {
		t.Fatalf("fetch through the third daemon: %+v, %v", ms, err)
	}
	for i, d := range ds {
		s, err := d.MQStatus(ctx)
		if err != nil || len(s.Cluster) != 2 || s.Password == "" {
			t.Fatalf("daemon %d status: cluster %v, password set %v, %v", i, s.Cluster, s.Password != "", err)
		}
	}
}
