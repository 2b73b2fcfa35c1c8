//go:build !nochain

package mq

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
)

// world is an embedded chain and two published nodes on a memory
// underlay: alice (named alice.anynet) hosts queues on her overlay Port;
// bob runs a loopback gateway.
type world struct {
	*apptest.Chain
	alice  *stack.Node
	bob    *stack.Node
	srv    *Server // alice's
	bobSrv *Server // bob's own (for the gateway's local target)
	gwAddr string  // bob's gateway, 127.0.0.1:port
	gw     *Gateway
}

func newWorld(t testing.TB) *world {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	w := &world{Chain: apptest.NewChain(t)}
	var aliceKey *ecdsa.PrivateKey
	w.alice, aliceKey = w.Node(t, ctx)
	w.bob, _ = w.Node(t, ctx)
	if _, err := w.Emb.Client.ClaimName(ctx, naming.Transactor(aliceKey, w.ChainID), "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := Publish(ctx, w.Emb.Client, naming.Transactor(aliceKey, w.ChainID), w.alice.Addr()); err != nil {
		t.Fatal(err)
	}
	w.srv = w.serve(t, w.alice, t.TempDir())
	w.bobSrv = w.serve(t, w.bob, t.TempDir())

	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gw := &Gateway{Host: w.bob, Local: w.bobSrv, Password: testGatewayPassword}
	done := make(chan struct{})
	go func() { defer close(done); gw.Serve(gl) }()
	t.Cleanup(func() { gl.Close(); <-done; gw.Close() })
	w.gwAddr, w.gw = gl.Addr().String(), gw
	return w
}

// serve starts a Server on n, with its streams in dir, serving n's Port
// until the test ends.
func (w *world) serve(t testing.TB, n *stack.Node, dir string) *Server {
	t.Helper()
	s, err := Start(t.Context(), Config{Host: n, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	l, err := n.Listen("tcp", ":4222")
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; err != nil && !errors.Is(err, ErrClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return s
}

// bobClient connects a standard NATS client to bob's gateway, asking
// for host (a name, a 0x wallet, or "" for bob's own node).
func (w *world) bobClient(t testing.TB, host string) *nats.Conn {
	t.Helper()
	url := GatewayURL(w.gwAddr, host, testGatewayPassword)
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// testGatewayPassword is bob's gateway password in the tests.
const testGatewayPassword = "test-gateway-password"
