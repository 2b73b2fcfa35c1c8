//go:build !nochain

package vpn

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
)

// TestAdvertVectors: the AnynetExit entry's value (doc.go,
// "Advertisement") for a free exit, a priced one in ether and one in a
// token, both ways.
func TestAdvertVectors(t *testing.T) {
	token := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	for _, v := range []struct {
		a    Advert
		want string
	}{
		{Advert{Region: "eu west", Policy: Policy{Ports: []PortRange{{80, 80}, {443, 443}}}.Summary()},
			"v=1 region=eu_west price=free policy=open;ports=80,443"},
		{Advert{Region: "lab", Rate: Rate{Price: big.NewInt(1000), Unit: 1 << 20, Credit: 4}, Policy: "open;ports=all-but-25"},
			"v=1 region=lab price=1000/1048576 credit=4 policy=open;ports=all-but-25"},
		{Advert{Rate: Rate{Price: big.NewInt(3), Unit: 1024, Credit: 512, Token: token}, Policy: "list"},
			"v=1 region=- price=3/1024 credit=512 token=0x00000000000000000000000000000000000000AA policy=list"},
	} {
		if got := v.a.String(); got != v.want {
			t.Errorf("String() = %q\nwant       %q", got, v.want)
		}
		got, err := ParseAdvert(v.want + " later=x")
		if err != nil {
			t.Fatalf("parse %q: %v", v.want, err)
		}
		if got.String() != v.want || got.Rate.Exceeds(v.a.Rate) || v.a.Rate.Exceeds(got.Rate) || got.Rate.Credit != v.a.Rate.Credit {
			t.Errorf("parse %q = %+v", v.want, got)
		}
	}
	for _, bad := range []string{
		"region=x",                          // no version
		"v=1 price=0.002eth/GB",             // not wei per bytes
		"v=1 price=10/MiB",                  // a price without credit
		"v=1 price=10/MiB credit=0",         // no credit
		"v=1 price=-1/MiB credit=1",         // negative
		"v=1 price=10/0 credit=1",           // no unit
		"v=1 price=10/MiB credit=1 token=x", // not an address
	} {
		if a, err := ParseAdvert(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseAdvert(%q) = %+v, %v; want ErrMalformed", bad, a, err)
		}
	}
}

// TestRate: prices as the configuration writes them, compared per byte.
func TestRate(t *testing.T) {
	for in, want := range map[string]string{
		"free": "free", "": "free", "0/MiB": "free",
		"1000/MiB": "1000 wei/MiB", "1000/1048576": "1000 wei/MiB", "5/64KiB": "5 wei/64 KiB", "7/1GB": "7 wei/954 MiB",
	} {
		r, err := ParsePrice(in)
		if err != nil || r.String() != want {
			t.Errorf("ParsePrice(%q) = %v, %v; want %s", in, r, err, want)
		}
	}
	for _, bad := range []string{"10", "x/MiB", "10/", "10/x", "1.5/MiB"} {
		if _, err := ParsePrice(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParsePrice(%q): %v; want ErrMalformed", bad, err)
		}
	}
	p := func(s string) Rate {
		r, err := ParsePrice(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		r, max string
		over   bool
	}{
		{"1000/MiB", "1000/MiB", false},
		{"1000/MiB", "1/KiB", false},
		{"1025/MiB", "1/KiB", true},
		{"1/KiB", "2000/MiB", false},
		{"1/B", "1000000/MiB", true},
		{"free", "free", false},
		{"1/GiB", "free", true},
	} {
		if got := p(c.r).Exceeds(p(c.max)); got != c.over {
			t.Errorf("%s exceeds %s: %v", c.r, c.max, got)
		}
	}
	tok := Rate{Price: big.NewInt(1), Unit: 1, Token: common.Address{1}}
	if !tok.Exceeds(p("100/B")) {
		t.Error("a rate in a token does not exceed a maximum in ether")
	}
}

// FuzzParseAdvert: DID entries are anyone's bytes. Whatever parses
// prints as a value that parses to the same advert.
func FuzzParseAdvert(f *testing.F) {
	f.Add("v=1 region=lab price=1000/1048576 credit=4 policy=open")
	f.Add("v=1 region=- price=3/1024 credit=512 token=0x00000000000000000000000000000000000000AA policy=list")
	f.Add("v=1 price=free")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAdvert(s)
		if err != nil {
			return
		}
		b, err := ParseAdvert(a.String())
		if err != nil || b.String() != a.String() {
			t.Fatalf("%q parsed to %q, which parsed to %q, %v", s, a.String(), b.String(), err)
		}
	})
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
		ad := Advert{Region: region, Policy: loopbackPolicy().Summary()}
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
		if !f.Advert.Rate.Free() || f.Advert.Policy != "open;ports=all-but-25" {
			t.Errorf("advert %+v", f.Advert)
		}
		names = append(names, f.Wallet.Hex())
	}
	c := &Client{Host: client, Exits: names}
	ms := c.Rank(ctx)
	t.Logf("ranked %v: %+v", c.ExitList(), ms)
	if len(ms) != 2 || ms[0].Failed || ms[1].Failed || ms[0].RTT <= 0 {
		t.Fatalf("an exit did not answer its probe: %+v", ms)
	}
	proxy, _ := startProxy(t, c)
	port := startWeb(t)
	if out, code := curl(t, "--socks5-hostname", proxy, "http://localhost:"+port+"/found"); code != 0 || out != "hello from /found" {
		t.Fatalf("curl: exit %d, %q", code, out)
	}
}
