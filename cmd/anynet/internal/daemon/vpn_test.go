//go:build !nochain

package daemon

import (
	"context"
	"crypto/ecdsa"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestVPN: a daemon started with exit keys (serving one wallet, with
// a byte allowance and a session rate) advertises itself on chain; one started with proxy
// keys and proxy-exits auto finds it and serves HTTP through it on its
// loopback port, except a domain its proxy-rules send direct; the
// control API shows both. A session over the rate, and a wallet the
// exit does not list, are refused.
func TestVPN(t *testing.T) {
	ctx := context.Background()
	emb, dir := testChain(t)
	keys := map[string]*ecdsa.PrivateKey{}
	for _, n := range []string{"exit", "client", "stranger"} {
		keys[n], _ = crypto.GenerateKey()
	}
	start := func(name string, cfg config.Config) *Daemon {
		t.Helper()
		return startNode(t, emb, dir, name, Options{Config: cfg, Key: keys[name]})
	}
	clientWallet := crypto.PubkeyToAddress(keys["client"].PublicKey)
	exit := start("exit", config.Config{Exit: true, ExitAllow: []string{"127.0.0.0/8"}, ExitRegion: "lab", ExitPrice: "free",
		ExitWallets: []string{clientWallet.Hex()}, ExitBytes: "1MiB/1h", ExitRate: 1.0 / 3600, ExitRateBurst: 1})
	found, err := exit.VPNExits(ctx)
	if err != nil || len(found) != 1 || found[0].Wallet != exit.wallet.Hex() || found[0].Region != "lab" ||
		found[0].Price != "free" || found[0].Policy != "list;ports=all-but-25;bytes=1048576/1h0m0s" {
		t.Fatalf("exits on chain: %+v, %v", found, err)
	}
	client := start("client", config.Config{Proxy: "127.0.0.1:0", ProxyExits: []string{"auto"}, ProxyRules: []string{"localhost=direct"}})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "via exit") })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	st, err := control.VPNBackend(client).VPNStatus(ctx)
	if err != nil || st.Proxy == nil || st.Exit != nil {
		t.Fatalf("client status %+v, %v", st, err)
	}
	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: st.Proxy.Addr})}}
	resp, err := hc.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "via exit" {
		t.Fatalf("through the proxy: %s %q", resp.Status, body)
	}
	st, _ = client.VPNStatus(ctx)
	if !strings.EqualFold(st.Proxy.InUse, exit.wallet.Hex()) || st.Proxy.Sessions != 1 {
		t.Errorf("proxy status %+v", st.Proxy)
	}
	es, _ := exit.VPNStatus(ctx)
	if es.Exit == nil || !es.Exit.Published || es.Exit.Sessions != 1 || es.Exit.Down == 0 {
		t.Errorf("exit status %+v", es.Exit)
	}

	// localhost goes direct (proxy-rules): the exit sees no session.
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	if resp, err = hc.Get("http://localhost:" + port + "/"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("direct through the rule: %v, %v", resp, err)
	}
	resp.Body.Close()
	if es, _ := exit.VPNStatus(ctx); es.Exit.Sessions != 1 {
		t.Errorf("the exit served a domain the rules send direct: %+v", es.Exit)
	}

	// exit-rate (one session an hour, a burst of one): the client's
	// second session is refused, with the reason.
	hc2 := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: st.Proxy.Addr})}}
	if resp, err = hc2.Get("http://" + ln.Addr().String() + "/again"); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(resp.Header.Get("X-Anynet-Error"), "rate") {
		t.Errorf("a second session over exit-rate: %s, %q", resp.Status, resp.Header.Get("X-Anynet-Error"))
	}

	// A wallet the exit does not list is refused, with the reason.
	stranger := start("stranger", config.Config{Proxy: "127.0.0.1:0", ProxyExits: []string{exit.wallet.Hex()}})
	ss, _ := stranger.VPNStatus(ctx)
	sc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: ss.Proxy.Addr})}}
	resp, err = sc.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(resp.Header.Get("X-Anynet-Error"), "wallet not allowed") {
		t.Errorf("stranger through the exit: %s, %q", resp.Status, resp.Header.Get("X-Anynet-Error"))
	}
}
