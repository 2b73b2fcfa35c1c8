package stream

import (
	"io"
	"math/big"
	"net/http"
	neturl "net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/naming/contracts/bindings"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestTokenGate gates a stream to the holders of a real ERC-20 (the
// project's TestToken) on the embedded chain, on real nodes (gVisor,
// Noise): alice's node reads balanceOf of each joiner's Noise-verified
// wallet. Bob, who holds 3 tokens, plays through his gateway; carol,
// who holds none, gets 403 with the reason. Bob transfers his tokens to
// carol on chain: once alice's reads are HolderMaxAge old the roles
// swap — bob is cut off (403), carol plays.
func TestTokenGate(t *testing.T) {
	ctx := apptest.Ctx(t)
	ch := apptest.NewChain(t)
	mk, _ := crypto.GenerateKey()
	minter := pay.NewKeyWallet(mk)
	if err := ch.Emb.Fund(ctx, minter.Address()); err != nil {
		t.Fatal(err)
	}
	dep, err := pay.Deploy(ctx, ch.Emb.Chain.Client(), ch.ChainID, minter, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	chain := pay.NewChain(ch.Emb.Chain.Client(), ch.ChainID, dep.Channels)

	const maxAge = 3 * time.Second
	n := apptest.NewNet(t, mem.Config{})
	cfg := Config{Holds: TokenHolds(chain.Balance), Core: CoreConfig{HolderMaxAge: maxAge}}
	alice, bob, carol := upMember(t, ctx, n, cfg), upMember(t, ctx, n, cfg), upMember(t, ctx, n, cfg)
	three := new(big.Int).Mul(big.NewInt(3), big.NewInt(1e18))
	if err := chain.Mint(ctx, minter, dep.Token, bob.node.Addr(), three); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.svc.PublishWith(ctx, PublishCmd{Name: "club", Access: Access{Token: dep.Token}}); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	pushed := make(chan struct{})
	go func() { // the stream goes on: a segment every 0.5 s
		defer close(pushed)
		for i := 0; !stop.Load(); i++ {
			if _, err := alice.svc.Push(ctx, "club", []byte(strings.Repeat("x", 188*(1+i%4))), 500*time.Millisecond); err != nil {
				return
			}
			time.Sleep(500 * time.Millisecond)
		}
	}()
	defer func() { stop.Store(true); <-pushed }()

	url := "http://" + strings.ToLower(alice.node.Addr().Hex()) + ".anynet/live/club/index.m3u8"
	client := func(m *member) *http.Client {
		pu, _ := neturl.Parse("http://" + serveLoopback(t, &Gateway{Stream: m.svc, Wait: 20 * time.Second}))
		return &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
	}
	bobC, carolC := client(bob), client(carol)
	get := func(c *http.Client) (int, string) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	plays := func(c *http.Client) bool {
		code, body := get(c)
		return code == http.StatusOK && strings.Contains(body, "#EXTINF")
	}
	refused := func(c *http.Client) bool {
		code, body := get(c)
		return code == http.StatusForbidden && strings.Contains(body, "holds none of the stream's token")
	}
	if !plays(bobC) {
		code, body := get(bobC)
		t.Fatalf("bob, holding 3 tokens: %d %s", code, body)
	}
	if code, body := get(carolC); code != http.StatusForbidden || !strings.Contains(body, "holds none of the stream's token") {
		t.Fatalf("carol, holding none: %d %s; want 403 with the reason", code, body)
	}

	// Bob gives carol his tokens (a real transfer, bob paying the gas).
	if err := ch.Emb.Fund(ctx, bob.node.Addr()); err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Transact(ctx, pay.NewKeyWallet(bob.key), &dep.Token, nil, bindings.NewTestToken().PackTransfer(carol.node.Addr(), three)); err != nil {
		t.Fatal(err)
	}
	moved := time.Now()
	for w, want := range map[*member]int64{bob: 0, carol: 3} {
		b, err := chain.Balance(ctx, dep.Token, w.node.Addr())
		if err != nil || b.Cmp(new(big.Int).Mul(big.NewInt(want), big.NewInt(1e18))) != 0 {
			t.Fatalf("balance %v %v; want %d tokens", b, err, want)
		}
	}
	var bobOut, carolIn time.Duration
	waitFor(t, ctx, "the roles swap", func() bool {
		if bobOut == 0 && refused(bobC) {
			bobOut = time.Since(moved)
		}
		if carolIn == 0 && plays(carolC) {
			carolIn = time.Since(moved)
		}
		return bobOut > 0 && carolIn > 0
	})
	st, err := alice.svc.Status(ctx)
	if err != nil || st.Stats.Denied < 2 {
		t.Fatalf("alice refused %d (%v); want carol, then bob", st.Stats.Denied, err)
	}
	t.Logf("after the transfer: bob cut off in %v, carol playing in %v (HolderMaxAge %v); alice refused %d Subs",
		bobOut.Round(10*time.Millisecond), carolIn.Round(10*time.Millisecond), maxAge, st.Stats.Denied)
}
