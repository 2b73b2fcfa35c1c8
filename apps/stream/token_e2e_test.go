//go:build !nochain

package stream

import (
	"context"
	"fmt"
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
	"github.com/anynet/anynet/internal/testwait"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/naming/contracts/bindings"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// holderAgeE2E is HolderMaxAge in the token tests: how long a balance
// read stays good.
const holderAgeE2E = 3 * time.Second

// tokenWorld is an embedded chain with a TestToken (the project's
// ERC-20, deployed by pay.Deploy) and its minter.
type tokenWorld struct {
	ch     *apptest.Chain
	chain  *pay.Chain
	token  common.Address
	minter *pay.KeyWallet
}

func newTokenWorld(t *testing.T, ctx context.Context) *tokenWorld {
	t.Helper()
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
	return &tokenWorld{ch: ch, chain: pay.NewChain(ch.Emb.Chain.Client(), ch.ChainID, dep.Channels), token: dep.Token, minter: minter}
}

func tokens(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

// mint gives m's wallet n tokens.
func (tw *tokenWorld) mint(t *testing.T, ctx context.Context, m *member, n int64) {
	t.Helper()
	if err := tw.chain.Mint(ctx, tw.minter, tw.token, m.node.Addr(), tokens(n)); err != nil {
		t.Fatal(err)
	}
}

// give has from transfer n tokens to `to` (from paying the gas) and
// checks both balances after it: from none, to n.
func (tw *tokenWorld) give(t *testing.T, ctx context.Context, from, to *member, n int64) {
	t.Helper()
	if err := tw.ch.Emb.Fund(ctx, from.node.Addr()); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.chain.Transact(ctx, pay.NewKeyWallet(from.key), &tw.token, nil, bindings.NewTestToken().PackTransfer(to.node.Addr(), tokens(n))); err != nil {
		t.Fatal(err)
	}
	for m, want := range map[*member]int64{from: 0, to: n} {
		b, err := tw.chain.Balance(ctx, tw.token, m.node.Addr())
		if err != nil || b.Cmp(tokens(want)) != 0 {
			t.Fatalf("balance %v %v; want %d tokens", b, err, want)
		}
	}
}

// TestTokenGate gates a stream to the holders of a real ERC-20 (the
// project's TestToken) on the embedded chain, on real nodes (gVisor,
// Noise): alice's node reads balanceOf of each joiner's Noise-verified
// wallet. Bob, who holds 3 tokens, plays through his gateway; carol,
// who holds none, gets 403 with the reason. Bob transfers his tokens to
// carol on chain: once alice's reads are HolderMaxAge old the roles
// swap — bob is cut off (403), carol plays.
func TestTokenGate(t *testing.T) {
	t.Parallel()
	ctx := apptest.Ctx(t)
	tw := newTokenWorld(t, ctx)
	n := apptest.NewNet(t, mem.Config{})
	cfg := Config{Holds: TokenHolds(tw.chain.Balance), Core: CoreConfig{HolderMaxAge: holderAgeE2E}}
	alice, bob, carol := upMember(t, ctx, n, cfg), upMember(t, ctx, n, cfg), upMember(t, ctx, n, cfg)
	tw.mint(t, ctx, bob, 3)
	if _, err := alice.svc.PublishWith(ctx, PublishCmd{Name: "club", Access: Access{Token: tw.token}}); err != nil {
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
	tw.give(t, ctx, bob, carol, 3)
	moved := time.Now()
	var bobOut, carolIn time.Duration
	testwait.Until(t, ctx, "the roles swap", func() bool {
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
		bobOut.Round(10*time.Millisecond), carolIn.Round(10*time.Millisecond), holderAgeE2E, st.Stats.Denied)
}

// TestTokenGateWebRTC: the same gate over WebRTC. A pion encoder
// publishes by WHIP to alice's ingest, the stream gated to a TestToken's
// holders (Ingest.Access). Bob, a holder, plays by WHEP through his
// gateway; carol's WHEP offer gets 403 with the reason. Bob transfers
// his tokens to carol: bob's new offer gets 403 and his session gets
// no more media (alice ends his pull on RTCPort), carol plays.
func TestTokenGateWebRTC(t *testing.T) {
	t.Parallel()
	ffmpeg := needTool(t, "ffmpeg")
	ctx := apptest.Ctx(t)
	m := makeMedia(t, ctx, ffmpeg)
	tw := newTokenWorld(t, ctx)
	n := apptest.NewNet(t, mem.Config{})
	cfg := Config{Holds: TokenHolds(tw.chain.Balance), Core: CoreConfig{HolderMaxAge: holderAgeE2E}, WebRTC: loopbackICE()}
	alice, bob, carol := upMember(t, ctx, n, cfg), upMember(t, ctx, n, cfg), upMember(t, ctx, n, cfg)
	tw.mint(t, ctx, bob, 3)
	api := clientAPI(t)

	ingest := serveLoopback(t, &Ingest{Stream: alice.svc, Access: Access{Token: tw.token}})
	pctx, stopPublishing := context.WithCancel(ctx)
	defer stopPublishing()
	publishWHIP(t, pctx, api, ingest, alice.svc.IngestKey(), "cam", m)
	if v, err := alice.svc.Playlist(ctx, Key{Owner: alice.node.Addr(), Name: "cam"}); err != nil || v.Playlist.Access.Token != tw.token {
		t.Fatalf("the WHIP stream's rule: %+v %v; want gated to the token", v.Playlist, err)
	}
	target := "http://" + strings.ToLower(alice.node.Addr().Hex()) + ".anynet/live/cam/whep"
	bobGW, carolGW := serveLoopback(t, &Gateway{Stream: bob.svc}), serveLoopback(t, &Gateway{Stream: carol.svc})
	// offer POSTs a bare offer: a refused viewer is answered before any SDP is read.
	offer := func(gw string) (int, string) {
		pu, _ := neturl.Parse("http://" + gw)
		c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader("v=0\r\n"))
		req.Header.Set("Content-Type", "application/sdp")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	refused := func(gw string) bool {
		code, body := offer(gw)
		return code == http.StatusForbidden && strings.Contains(body, "holds none of the stream's token")
	}

	bv := watchWHEP(t, ctx, api, bobGW, target)
	testwait.Until(t, ctx, "frames at bob, a holder", func() bool { return bv.count() >= 25 })
	if code, body := offer(carolGW); code != http.StatusForbidden || !strings.Contains(body, "holds none of the stream's token") {
		t.Fatalf("carol's offer: %d %s; want 403 with the reason", code, body)
	}

	// A cut-off node that would ignore its refusal and keep pulling: a
	// second connection from bob's node to alice's RTCPort.
	ended := stubbornPull(t, ctx, bob, alice, Key{Owner: alice.node.Addr(), Name: "cam"})

	tw.give(t, ctx, bob, carol, 3)
	moved := time.Now()
	testwait.Until(t, ctx, "bob refused", func() bool { return refused(bobGW) })

	bobOut := time.Since(moved)
	var cv *viewer
	testwait.Until(t, ctx, "carol admitted", func() bool {
		code, _ := offer(carolGW)
		return code != http.StatusForbidden // the bare offer now fails as SDP: 400
	})
	cv = watchWHEP(t, ctx, api, carolGW, target)
	testwait.Until(t, ctx, "frames at carol, the new holder", func() bool { return cv.count() >= 25 })
	carolIn := time.Since(moved)
	b1 := bv.count()
	testwait.Until(t, ctx, "75 more frames at carol", func() bool { return cv.count() >= 100 })
	if b2 := bv.count(); b2 != b1 {
		t.Fatalf("bob, cut off, got %d frames more while carol got 75", b2-b1)
	}
	select {
	case reason := <-ended:
		if reason != "not a child here" {
			t.Fatalf("alice ended bob's pull: %q", reason)
		}
	default:
		t.Fatal("alice went on sending media to bob's node, cut off, while carol got 75 frames")
	}
	t.Logf("after the transfer: bob refused in %v (%d frames in all), carol playing in %v; HolderMaxAge %v",
		bobOut.Round(10*time.Millisecond), b1, carolIn.Round(10*time.Millisecond), holderAgeE2E)
}

// stubbornPull pulls k's media from `from` on RTCPort as m's node would,
// but never lets go: it returns a channel that gets the reason of the
// End frame that ends the pull ("" for another end).
func stubbornPull(t *testing.T, ctx context.Context, m, from *member, k Key) <-chan string {
	t.Helper()
	c, err := m.node.Dial(ctx, "tcp", fmt.Sprintf("%s:%d", from.node.Addr().Hex(), RTCPort))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := writeRTC(c, nil, encWant(k)); err != nil {
		t.Fatal(err)
	}
	ended := make(chan string, 1)
	media := make(chan struct{})
	go func() {
		got := false
		for {
			f, err := readRTC(c)
			if err != nil {
				ended <- ""
				return
			}
			msg, err := decodeRTC(f)
			if err == nil && msg.typ == rtcEnd {
				ended <- msg.reason
				return
			}
			if err == nil && msg.typ == rtcRTP && !got {
				got = true
				close(media)
			}
		}
	}()
	select {
	case <-media:
	case r := <-ended:
		t.Fatalf("bob's second pull ended before any media: %q", r)
	case <-ctx.Done():
		t.Fatal("no media on bob's second pull")
	}
	return ended
}
