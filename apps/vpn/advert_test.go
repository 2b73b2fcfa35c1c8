package vpn

import (
	"context"
	"crypto/ecdsa"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
)

func TestAdvertRoundTrip(t *testing.T) {
	a := Advert{Region: "eu west", Price: "0.002eth/GB", Policy: Policy{Ports: []PortRange{{80, 80}, {443, 443}}}.Summary()}
	s := a.String()
	if s != "v=1 region=eu_west price=0.002eth/GB policy=open;ports=80,443" {
		t.Fatalf("advert = %q", s)
	}
	got, err := ParseAdvert(s + " later=x")
	if err != nil || got.Region != "eu_west" || got.Price != a.Price || got.Policy != a.Policy {
		t.Fatalf("parse: %+v, %v", got, err)
	}
	if _, err := ParseAdvert("region=x"); err == nil {
		t.Fatal("an advert without v=1 parsed")
	}
}

// TestFindOnChain: exits publish adverts in their DID documents on the
// embedded chain; a client finds them (a node without one is not
// listed), ranks them by round trip ("auto") and reaches the web
// through the best, the nodes found through the chain.
func TestFindOnChain(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	ch := apptest.NewChain(t)
	emb, chainID := ch.Emb, ch.ChainID
	node := func() (*stack.Node, *ecdsa.PrivateKey) { return ch.Node(t, ctx) }
	client, _ := node()
	plain, _ := node()
	var exits []*stack.Node
	for _, region := range []string{"eu", "us"} {
		n, key := node()
		startExit(t, n, loopbackPolicy())
		ad := Advert{Region: region, Price: "free", Policy: loopbackPolicy().Summary()}
		if err := ad.Publish(ctx, emb.Client, naming.Transactor(key, chainID)); err != nil {
			t.Fatal(err)
		}
		exits = append(exits, n)
	}
	found, err := Find(ctx, emb.Client)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 {
		t.Fatalf("found %+v; want the two exits", found)
	}
	var names []string
	for _, f := range found {
		if f.Wallet == plain.Addr() || f.Wallet == client.Addr() {
			t.Fatalf("found %s, which advertises nothing", f.Wallet)
		}
		if f.Advert.Price != "free" || f.Advert.Policy != "open;ports=all-but-25" {
			t.Errorf("advert %+v", f.Advert)
		}
		names = append(names, f.Wallet.Hex())
	}
	c := &Client{Host: client, Exits: names}
	rtts := c.Rank(ctx)
	t.Logf("ranked %v: %v", c.Exits, rtts)
	if rtts[1] >= time.Hour {
		t.Fatalf("an exit did not answer its probe: %v", rtts)
	}
	proxy, _ := startProxy(t, c)
	port := startWeb(t)
	if out, code := curl(t, "--socks5-hostname", proxy, "http://localhost:"+port+"/found"); code != 0 || out != "hello from /found" {
		t.Fatalf("curl: exit %d, %q", code, out)
	}
}
