//go:build !nochain

package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/crypto"
)

// startAt starts a daemon with a fresh key in dir/name on chain.
func startAt(t *testing.T, dir, name, chainURL, serve string) *Daemon {
	t.Helper()
	key, _ := crypto.GenerateKey()
	mdir := filepath.Join(dir, name)
	if err := os.MkdirAll(mdir, 0o700); err != nil {
		t.Fatal(err)
	}
	d, err := Start(context.Background(), Options{
		Config: config.Config{Dir: mdir, Name: name, Listen: "127.0.0.1:0", Chain: chainURL, ServeChain: serve},
		Key:    key,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestRemoteChainFaucet: alice serves her embedded chain; bob joins by URL
// with an empty wallet, funds it from alice's faucet by himself, publishes
// and registers his name, and the two resolve each other.
func TestRemoteChainFaucet(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	ctx := context.Background()
	dir := t.TempDir()
	alice := startAt(t, dir, "alice", "embedded", "127.0.0.1:0")
	url := alice.emb.RPCURL()
	if url == "" {
		t.Fatal("alice serves no chain")
	}
	bob := startAt(t, dir, "bob", url, "")
	waitReady(t, alice)
	waitReady(t, bob)

	bal, err := bob.remote.RPC.BalanceAt(ctx, bob.Wallet(), nil)
	if err != nil || bal.Sign() == 0 || bal.Cmp(naming.DefaultFunding()) > 0 {
		t.Fatalf("bob's balance %v (%v), want funded by the faucet, at most DefaultFunding", bal, err)
	}
	if r, err := alice.Resolve(ctx, "bob"); err != nil || r.Wallet != bob.Wallet().Hex() {
		t.Fatalf("alice resolves bob = %+v, %v", r, err)
	}
	if r, err := bob.Resolve(ctx, "alice"); err != nil || r.Wallet != alice.Wallet().Hex() {
		t.Fatalf("bob resolves alice = %+v, %v", r, err)
	}
}

// TestRemoteChainNoFaucet: through an endpoint that hides anynet_fund (as
// any chain but a served anynet one), bob's empty wallet cannot publish and
// Ready says why (naming.ErrNoFaucet); funded by hand, bob publishes.
func TestRemoteChainNoFaucet(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	ctx := context.Background()
	dir := t.TempDir()
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{DataDir: dir, HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	proxy := httptest.NewServer(hideFaucet(emb.Chain.RPCURL()))
	t.Cleanup(proxy.Close)

	bob := startAt(t, dir, "bob", proxy.URL, "")
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		ok, last := bob.Ready()
		if ok {
			t.Fatal("bob published with an empty wallet")
		}
		if errors.Is(last, naming.ErrNoFaucet) {
			t.Logf("bob: %v", last)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("bob's publish error %v, want naming.ErrNoFaucet", last)
		}
	}
	if err := emb.Fund(ctx, bob.Wallet()); err != nil {
		t.Fatal(err)
	}
	waitReady(t, bob)
}

// hideFaucet forwards JSON-RPC requests to url, except anynet_fund, which
// it answers as an unknown method.
func hideFaucet(url string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if json.Unmarshal(body, &req) == nil && req.Method == "anynet_fund" {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{
				"jsonrpc": "2.0", "id": req.ID,
				"error": map[string]any{"code": -32601, "message": "the method anynet_fund does not exist/is not available"},
			})
			return
		}
		resp, err := http.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	})
}

// TestUnpublishedPing: bob cannot publish (no faucet, empty wallet); his
// ping to alice fails saying that his key is not on chain yet, not a bare
// "no reply", and alice, who refuses his handshakes, says so in her
// drop summary (issue 13, item 5).
func TestUnpublishedPing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	ctx := context.Background()
	dir := t.TempDir()
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{DataDir: dir, HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	logs := &lockedBuffer{}
	key, _ := crypto.GenerateKey()
	adir := filepath.Join(dir, "alice")
	os.MkdirAll(adir, 0o700)
	alice, err := Start(ctx, Options{
		Config:   config.Config{Dir: adir, Name: "alice", Listen: "127.0.0.1:0", Chain: "embedded"},
		Key:      key,
		Embedded: emb,
		Logger:   slog.New(slog.NewTextHandler(logs, nil)),
		// one summary line every 100 ms rather than a minute
		DropLogEvery: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { alice.Close() })
	waitReady(t, alice)
	proxy := httptest.NewServer(hideFaucet(emb.Chain.RPCURL()))
	t.Cleanup(proxy.Close)
	bob := startAt(t, dir, "bob", proxy.URL, "")

	_, err = bob.Ping(ctx, alice.Wallet().Hex(), 1)
	if err == nil || !strings.Contains(err.Error(), "not in its DID document yet") {
		t.Fatalf("ping from an unpublished node: %v", err)
	}
	for deadline := time.Now().Add(time.Minute); !strings.Contains(logs.String(), "binding="); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("alice's log does not say she refused bob's binding:\n%s", logs.String())
		}
	}
}
