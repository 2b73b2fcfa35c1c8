//go:build !nochain

package mq

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/naming"
)

// TestLazy: alice's queues listen on her overlay Port with no engine
// running; bob's first connection, a standard client on bob's gateway,
// starts it and is served; a stream of alice's makes HasStreams true,
// where the streams the package makes for itself did not; Close ends
// Serve.
func TestLazy(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c := apptest.NewChain(t)
	alice, aliceKey := c.Node(t, ctx)
	bob, _ := c.Node(t, ctx)
	if _, err := c.Emb.Client.ClaimName(ctx, naming.Transactor(aliceKey, c.ChainID), "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := Publish(ctx, c.Emb.Client, naming.Transactor(aliceKey, c.ChainID), alice.Addr()); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	starts := 0
	q := NewLazy(alice.Addr(), func(ctx context.Context) (*Server, error) {
		starts++
		return Start(ctx, Config{Host: alice, Dir: dir})
	})
	ol, err := alice.Listen("tcp", ":4222")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- q.Serve(ol) }()
	if q.Running() != nil || starts != 0 {
		t.Fatal("the engine started before any use")
	}
	if q.Owner() != alice.Addr() {
		t.Fatalf("owner %s, want alice %s", q.Owner(), alice.Addr())
	}

	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gw := &Gateway{Host: bob, Password: testGatewayPassword}
	go gw.Serve(gl)
	t.Cleanup(func() { gl.Close(); gw.Close() })

	// Bob is refused by alice's policy, but only after her engine started
	// to answer him.
	if nc, err := nats.Connect(GatewayURL(gl.Addr().String(), "alice.anynet", testGatewayPassword), nats.NoReconnect()); err == nil {
		nc.Close()
		t.Fatal("bob connected with no grant")
	} else if !errors.Is(err, nats.ErrAuthorization) {
		t.Fatalf("bob: %v, want an authorization error from alice's engine", err)
	}
	srv := q.Running()
	if srv == nil || starts != 1 {
		t.Fatalf("after the first connection: running %v, %d starts; want the engine started once", srv != nil, starts)
	}
	if HasStreams(dir) {
		t.Fatal("HasStreams with only the dead-letter and advisory streams")
	}

	// The owner's stream, made through the same engine (Server starts
	// nothing new), is what HasStreams looks for.
	s2, err := q.Server(ctx)
	if err != nil || s2 != srv {
		t.Fatalf("Server: %v, same engine %v", err, s2 == srv)
	}
	nc, err := srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "ORDERS", Subjects: []string{"orders.>"}, Storage: jetstream.FileStorage}); err != nil {
		t.Fatal(err)
	}
	nc.Close()
	if !HasStreams(dir) {
		t.Fatal("HasStreams false with stream ORDERS")
	}

	q.Close()
	select {
	case err := <-served:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Serve after Close: %v, want ErrClosed", err)
		}
	case <-ctx.Done():
		t.Fatal("Serve did not return after Close")
	}
	if _, err := q.Server(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("Server after Close: %v, want ErrClosed", err)
	}
}

// TestLazyGatewayPassword: a node's own gateway in front of its lazy
// queues refuses a client without the password before the engine
// starts, and a client with it (the password alone, as a token) starts
// the engine and is served as the owner.
func TestLazyGatewayPassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c := apptest.NewChain(t)
	alice, _ := c.Node(t, ctx)
	dir := t.TempDir()
	q := NewLazy(alice.Addr(), func(ctx context.Context) (*Server, error) {
		return Start(ctx, Config{Host: alice, Dir: dir})
	})
	t.Cleanup(func() { q.Close() })
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gw := &Gateway{Host: alice, Local: q, Password: testGatewayPassword}
	go gw.Serve(gl)
	t.Cleanup(func() { gl.Close(); gw.Close() })

	for _, u := range []string{"nats://" + gl.Addr().String(), "nats://wrong@" + gl.Addr().String()} {
		if nc, err := nats.Connect(u, nats.NoReconnect()); err == nil {
			nc.Close()
			t.Fatalf("%s: connected without the password", u)
		} else if !errors.Is(err, nats.ErrAuthorization) {
			t.Fatalf("%s: %v, want an authorization error", u, err)
		}
	}
	if q.Running() != nil {
		t.Fatal("a client without the password started the engine")
	}

	nc, err := nats.Connect("nats://"+testGatewayPassword+"@"+gl.Addr().String(), nats.NoReconnect())
	if err != nil {
		t.Fatalf("with the password as a token: %v", err)
	}
	defer nc.Close()
	if q.Running() == nil {
		t.Fatal("the engine did not start for a client with the password")
	}
	js, _ := jetstream.New(nc)
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "OWN", Subjects: []string{"own.>"}, Storage: jetstream.FileStorage}); err != nil {
		t.Fatalf("the owner's stream through the gateway: %v", err)
	}
}

// TestLazyCloseUnused: queues never used close without starting the
// engine, and Serve returns.
func TestLazyCloseUnused(t *testing.T) {
	q := NewLazy([20]byte{1}, func(context.Context) (*Server, error) {
		t.Error("the engine started")
		return nil, errors.New("no")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- q.Serve(ln) }()
	q.Close() // before or after Serve took ln: either way Serve ends

	if err := <-served; !errors.Is(err, ErrClosed) {
		t.Fatalf("Serve: %v, want ErrClosed", err)
	}
}
