//go:build !nochain

package daemon

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/internal/testwait"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestRouted: a router daemon (route-prefix) and two hosts whose only
// routing configuration is `routers: 0xR@ip:port`, the router's node
// key and subnet read from its DID document. alice pings bob by name and
// the router forwards the frames, then has them punch a direct path,
// which carol, started with punch: false, never takes; Routes reports
// both roles. A router that published nothing is a one-line error
// naming it.
func TestRouted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and three nodes")
	}
	ctx := context.Background()
	emb, dir := testChain(t)
	start := func(name string, c config.Config) (*Daemon, error) {
		return launch(t, emb, dir, name, Options{Config: c})
	}
	ready := func(d *Daemon) {
		testwait.Within(t, time.Minute, "publish", func() bool { ok, _ := d.Ready(); return ok })
	}

	// A router not on chain yet: unknown to the DID registry.
	nobody, _ := crypto.GenerateKey()
	bad := crypto.PubkeyToAddress(nobody.PublicKey).Hex() + "@127.0.0.1:9"
	if _, err := start("early", config.Config{Routers: []string{bad}}); !errors.Is(err, ErrRouter) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), bad) {
		t.Fatalf("attach to an unpublished router: %v", err)
	}

	router, err := start("r1", config.Config{RoutePrefix: "2a.1/128"})
	if err != nil {
		t.Fatal(err)
	}
	ready(router)
	info, ok := router.RouterInfo()
	if !ok {
		t.Fatal("r1 is not a router")
	}
	at := []string{info.Wallet.Hex() + "@" + info.Addr.String()}
	alice, err := start("alice", config.Config{Name: "alice", Routers: at})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := start("bob", config.Config{Name: "bob", Routers: at})
	if err != nil {
		t.Fatal(err)
	}
	carol, err := start("carol", config.Config{Name: "carol", Routers: at, DisablePunch: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*Daemon{alice, bob, carol} {
		ready(d)
		testwait.Within(t, time.Minute, "attachment", d.Attached)
	}
	p, err := alice.Ping(ctx, "bob", 2)
	if err != nil || len(p.RTTs) == 0 {
		t.Fatalf("ping bob = %+v, %v", p, err)
	}
	if n := router.LinkStats().FramesForwarded; n == 0 {
		t.Error("r1 forwarded no frame: the ping went direct")
	}
	// Hole punching: r1 pairs alice and bob, who go direct, while carol
	// (punch: false) never asks nor answers and stays relayed.
	testwait.Within(t, time.Minute, "alice and bob punch a direct path", func() bool {
		for _, to := range []string{"bob", "carol"} {
			if _, err := alice.Ping(ctx, to, 1); err != nil {
				t.Fatalf("ping %s: %v", to, err)
			}
		}
		_, ok := alice.node.DirectPath(bob.Wallet())
		return ok
	})
	// alice asks for carol too; r1 then asks carol on alice's behalf,
	// which a punching host answers at once (and goes direct within a few
	// ticks). carol must not: give it ample time.
	testwait.Within(t, time.Minute, "alice asks r1 about carol as well", func() bool {
		alice.Ping(ctx, "carol", 1)
		return alice.LinkStats().PunchAsks >= 2
	})
	for range 20 {
		alice.Ping(ctx, "carol", 1)
		time.Sleep(50 * time.Millisecond)
	}
	if ap, ok := alice.node.DirectPath(carol.Wallet()); ok || carol.LinkStats().PunchAsks != 0 {
		t.Errorf("carol, with punch: false, went direct (%v at %s) or asked (%d asks)", ok, ap, carol.LinkStats().PunchAsks)
	}
	hr, _ := alice.Routes(ctx)
	if !hr.Available || hr.Role != "host" || !hr.Attached || hr.Locator != alice.node.Routing.Locator.String() {
		t.Errorf("alice's routes = %+v", hr)
	}
	if evs, _, _ := alice.Events(ctx, 0); !hasService(evs, "attached") {
		t.Errorf("alice's events lack the attachment: %s", kinds(evs))
	}
	if ps, _ := alice.Peers(ctx); !hasPath(ps, bob.Wallet().Hex(), "direct") || !hasPath(ps, carol.Wallet().Hex(), "relayed") {
		t.Errorf("alice's peers = %+v, want bob direct and carol relayed", ps)
	}
	rr, _ := router.Routes(ctx)
	if rr.Role != "router" || len(rr.Table) == 0 || rr.Table[0].Prefix != "2a.1/128" || !rr.Table[0].Self {
		t.Errorf("r1's routes = %+v", rr)
	}
}

func hasService(evs []control.Event, what string) bool {
	for _, e := range evs {
		if e.Kind == control.EventService && e.Service.What == what {
			return true
		}
	}
	return false
}

func hasPath(ps []control.Peer, wallet, path string) bool {
	for _, p := range ps {
		if p.Wallet == wallet {
			return p.Path == path
		}
	}
	return false
}
