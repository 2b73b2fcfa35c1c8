//go:build !nochain

package naming

import (
	"context"
	"errors"
	"math/big"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	embedded "github.com/anynet/anynet/naming/chain"
)

// testCtx bounds a test's blocking calls; it never asserts on time.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestEmbeddedLifecycle: OpenEmbedded deploys on the first start; a
// second process joins by URL alone (Connect discovers the contracts);
// names claimed and DID documents published survive a restart; Fund and
// ClaimName do nothing the second time.
func TestEmbeddedLifecycle(t *testing.T) {
	ctx := testCtx(t)
	dir := t.TempDir()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	wallet := crypto.PubkeyToAddress(key.PublicKey)
	e, err := OpenEmbedded(ctx, EmbeddedConfig{DataDir: dir, HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { e.Close() }()
	cfg := e.Client.Config()
	if cfg.Registry == (common.Address{}) || cfg.DIDRegistry == (common.Address{}) || cfg.TLD != DefaultTLD {
		t.Fatalf("embedded config %+v", cfg)
	}

	// A fresh wallet is funded, once.
	if err := e.Fund(ctx, wallet); err != nil {
		t.Fatal(err)
	}
	head := blockNumber(t, e)
	if err := e.Fund(ctx, wallet); err != nil {
		t.Fatal(err)
	}
	if got := blockNumber(t, e); got != head {
		t.Fatalf("second Fund moved the head %d → %d", head, got)
	}
	auth := Transactor(key, big.NewInt(int64(e.Chain.ChainID())))
	name, err := e.Client.ClaimName(ctx, auth, "Alice")
	if err != nil {
		t.Fatal(err)
	}
	if name != "alice.anynet" {
		t.Fatalf("ClaimName = %q", name)
	}
	head = blockNumber(t, e)
	if again, err := e.Client.ClaimName(ctx, auth, "alice"); err != nil || again != name {
		t.Fatalf("second ClaimName = %q, %v", again, err)
	}
	if got := blockNumber(t, e); got != head {
		t.Fatalf("second ClaimName moved the head %d → %d", head, got)
	}
	var nodeKey [32]byte
	nodeKey[0] = 7
	under := Underlay{Addr: netip.MustParseAddrPort("127.0.0.1:4000"), NodeKey: nodeKey}
	if _, err := e.Client.Publish(ctx, auth, PublishRequest{NodeKey: nodeKey, Underlays: []Underlay{under}}); err != nil {
		t.Fatal(err)
	}

	// Another process: only the URL.
	r, err := Connect(ctx, e.Chain.RPCURL(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := r.Client.Config()
	if got.Registry != cfg.Registry || got.Resolver != cfg.Resolver || got.Registrar != cfg.Registrar ||
		got.ReverseRegistrar != cfg.ReverseRegistrar || got.DIDRegistry != cfg.DIDRegistry || got.Passes != cfg.Passes {
		t.Fatalf("discovered %+v, deployed %+v", got, cfg)
	}
	if w, err := r.Client.Resolve(ctx, name); err != nil || w != wallet {
		t.Fatalf("remote Resolve = %s, %v; want %s", w, err, wallet)
	}
	if n, err := r.Client.Reverse(ctx, wallet); err != nil || n != name {
		t.Fatalf("remote Reverse = %q, %v", n, err)
	}
	if _, err := Connect(ctx, e.Chain.RPCURL(), Config{TLD: "other"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Connect looking for another TLD = %v, want ErrNotFound", err)
	}
	r.Close()

	// A fresh wallet claims a name in one call.
	fresh, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	freshAuth := Transactor(fresh, big.NewInt(int64(e.Chain.ChainID())))
	if n, err := e.Claim(ctx, freshAuth, "fresh"); err != nil || n != "fresh.anynet" {
		t.Fatalf("Claim = %q, %v", n, err)
	}
	if n, err := e.Client.Reverse(ctx, freshAuth.From); err != nil || n != "fresh.anynet" {
		t.Fatalf("Reverse after Claim = %q, %v", n, err)
	}

	// Restart on the same directory.
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = OpenEmbedded(ctx, EmbeddedConfig{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if again := e.Client.Config(); again.Registry != cfg.Registry || again.DIDRegistry != cfg.DIDRegistry {
		t.Fatalf("after restart %+v, before %+v", again, cfg)
	}
	if w, err := e.Client.Resolve(ctx, name); err != nil || w != wallet {
		t.Fatalf("Resolve after restart = %s, %v; want %s", w, err, wallet)
	}
	doc, err := e.Client.DIDDocument(ctx, wallet)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Underlays) != 1 || doc.Underlays[0] != under || doc.KeyStatus(nodeKey) != KeyValid {
		t.Fatalf("document after restart: underlays %v, key %v", doc.Underlays, doc.KeyStatus(nodeKey))
	}
	if until, ok := doc.ValidUntil(AttrUnderlay, []byte(under.String())); !ok || !until.After(doc.Time) {
		t.Fatalf("ValidUntil = %v, %v", until, ok)
	}
}

func blockNumber(t *testing.T, e *Embedded) uint64 {
	t.Helper()
	n, err := e.Chain.Client().BlockNumber(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConnectErrors: no chain at the URL, and a chain without anynet's
// contracts.
func TestConnectErrors(t *testing.T) {
	ctx := testCtx(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	if _, err := Connect(ctx, url, Config{}); !errors.Is(err, ErrChainUnavailable) {
		t.Fatalf("Connect(%s) discovering = %v, want ErrChainUnavailable", url, err)
	}

	bare, err := embedded.Start(ctx, embedded.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	if err := bare.Faucet(ctx, common.Address{1}, big.NewInt(1)); err != nil { // a block with no creation
		t.Fatal(err)
	}
	if _, err := Connect(ctx, bare.RPCURL(), Config{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Connect to a chain without the contracts = %v, want ErrNotFound", err)
	}
	if _, err := ParseDeployment(bare.Deployment()); !errors.Is(err, ErrNoContract) {
		t.Fatalf("ParseDeployment(nothing) = %v", err)
	}
}
