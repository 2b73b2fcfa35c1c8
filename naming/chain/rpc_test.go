package chain

import (
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

func TestServeHTTPAndWS(t *testing.T) {
	key, _ := crypto.GenerateKey()
	auth := bind.NewKeyedTransactor(key, big.NewInt(DefaultChainID))
	c := startT(t, Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", Funded: []common.Address{auth.From}})
	url := c.RPCURL()
	t.Logf("serving %s and %s", url, c.WSURL())
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("RPCURL() = %q", url)
	}
	ctx := t.Context()

	// Another process would do exactly this.
	remote, err := ethclient.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	id, err := remote.ChainID(ctx)
	if err != nil || id.Uint64() != c.ChainID() {
		t.Fatalf("remote chain ID %v (%v), want %d", id, err, c.ChainID())
	}
	store, err := deployStore(ctx, remote, auth)
	if err != nil {
		t.Fatal(err)
	}
	setStored(t, ctx, remote, auth, store, 99)
	if got := getStored(t, ctx, c.Client(), store); got != 99 {
		t.Fatalf("in-process read of a remote write: %d, want 99", got)
	}

	// WebSocket on the same port: subscriptions work.
	ws, err := ethclient.Dial(c.WSURL())
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	heads := make(chan *types.Header, 4)
	sub, err := ws.SubscribeNewHead(ctx, heads)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	want, err := c.Commit()
	if err != nil {
		t.Fatal(err)
	}
	select {
	case h := <-heads:
		if h.Hash() != want {
			t.Fatalf("ws head %s, want %s", h.Hash(), want)
		}
	case err := <-sub.Err():
		t.Fatal(err)
	}

	// Only eth, net and web3 are served.
	raw, err := rpc.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var version string
	if err := raw.CallContext(ctx, &version, "web3_clientVersion"); err != nil || !strings.HasPrefix(version, "anynet-chain/") {
		t.Fatalf("web3_clientVersion = %q, %v", version, err)
	}
	for _, method := range []string{"admin_nodeInfo", "debug_gcStats", "miner_setGasPrice", "dev_setFeeRecipient"} {
		var out any
		if err := raw.CallContext(ctx, &out, method); err == nil {
			t.Errorf("%s served over HTTP", method)
		}
	}
}

func TestRejectsForeignHost(t *testing.T) {
	c := startT(t, Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"})
	for _, tc := range []struct {
		host string
		want int
	}{
		{"attacker.example", http.StatusForbidden},
		{"attacker.example:8545", http.StatusForbidden},
		{"10.0.0.1", http.StatusForbidden},
		{"localhost", http.StatusOK},
		{strings.TrimPrefix(c.RPCURL(), "http://"), http.StatusOK},
	} {
		body := strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}`)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.RPCURL(), body)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tc.host
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("Host %q: status %d, want %d", tc.host, resp.StatusCode, tc.want)
		}
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestAddrInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	_, err = Start(t.Context(), Config{DataDir: dir, HTTPAddr: ln.Addr().String()})
	if !errors.Is(err, ErrAddrInUse) {
		t.Fatalf("Start on a busy port: %v, want ErrAddrInUse", err)
	}
	startT(t, Config{DataDir: dir}) // the directory was released
}

func TestPortFreedOnClose(t *testing.T) {
	c, err := Start(t.Context(), Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(c.RPCURL(), "http://")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("port still bound after Close: %v", err)
	}
	ln.Close()
}

// FuzzLoopbackHost checks the Host-header filter: it never panics, and what
// it accepts is localhost or a loopback IP, with or without a port.
func FuzzLoopbackHost(f *testing.F) {
	for _, s := range []string{"localhost", "127.0.0.1:8545", "[::1]:1", "::1", "evil.example", "10.0.0.1", "", "[", "127.0.0.1:x:y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		if !loopbackHost(host) {
			return
		}
		h := host
		if hh, _, err := net.SplitHostPort(host); err == nil {
			h = hh
		}
		h = strings.Trim(h, "[]")
		if strings.EqualFold(h, "localhost") {
			return
		}
		ip, err := netip.ParseAddr(h)
		if err != nil || !ip.IsLoopback() {
			t.Fatalf("accepted %q", host)
		}
	})
}
