package naming

import (
	"errors"
	"math/big"
	"net/netip"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
)

// TestCallsInOneBlock sends RegisterCall's and PublishCalls' writes as
// raw transactions signed by the wallet itself and seals them in one
// block: the name resolves to the wallet and the DID document holds the
// node key and the endpoint, as after Register and Publish.
func TestCallsInOneBlock(t *testing.T) {
	tc := newTestChain(t, 2)
	c := tc.client(t)
	wallet := tc.addr(1)
	key := [32]byte{1, 2, 3}
	under := Underlay{Addr: netip.MustParseAddrPort("192.0.2.7:4000"), NodeKey: key}
	name, reg, err := c.RegisterCall("batched", wallet)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := c.PublishCalls(wallet, PublishRequest{NodeKey: key, Underlays: []Underlay{under}})
	if err != nil {
		t.Fatal(err)
	}
	if name != "batched.anynet" || len(pub) != 2 || reg.To != tc.cfg.Registrar || pub[0].To != tc.cfg.DIDRegistry {
		t.Fatalf("name %q, %d publish calls, register to %s, publish to %s", name, len(pub), reg.To, pub[0].To)
	}
	ctx := t.Context()
	raw := tc.sim.Client() // no commit per transaction: one block for all
	head, err := raw.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	nonce, err := raw.PendingNonceAt(ctx, wallet)
	if err != nil {
		t.Fatal(err)
	}
	signer := types.LatestSignerForChainID(big.NewInt(1337))
	tip := big.NewInt(1e9)
	for i, call := range append([]Call{reg}, pub...) {
		tx, err := types.SignTx(types.NewTx(&types.DynamicFeeTx{
			ChainID: big.NewInt(1337), Nonce: nonce + uint64(i), GasTipCap: tip,
			GasFeeCap: new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip),
			Gas:       1_000_000, To: &call.To, Data: call.Data,
		}), signer, tc.keys[1])
		if err != nil {
			t.Fatal(err)
		}
		if err := raw.SendTransaction(ctx, tx); err != nil {
			t.Fatalf("%s: %v", call.What, err)
		}
	}
	tc.sim.Commit()
	got, err := c.Resolve(ctx, name)
	if err != nil || got != wallet {
		t.Fatalf("Resolve(%s) = %s, %v; want %s", name, got, err, wallet)
	}
	doc, err := c.DIDDocument(ctx, wallet)
	if err != nil {
		t.Fatal(err)
	}
	if doc.KeyStatus(key) != KeyValid || len(doc.Underlays) != 1 || doc.Underlays[0] != under || doc.Block != head.Number.Uint64()+1 {
		t.Fatalf("document at block %d (want %d): key %s, underlays %v", doc.Block, head.Number.Uint64()+1, doc.KeyStatus(key), doc.Underlays)
	}
}

func TestCallsRefuseBadInput(t *testing.T) {
	tc := newTestChain(t, 1)
	c := tc.client(t)
	if _, err := c.PublishCalls(tc.addr(0), PublishRequest{NodeKey: [32]byte{1}, Mailbox: "bad\x00box"}); !errors.Is(err, ErrBadAttribute) {
		t.Errorf("control character in a mailbox: %v, want ErrBadAttribute", err)
	}
	if _, err := c.PublishCalls([20]byte{}, PublishRequest{NodeKey: [32]byte{1}}); err == nil {
		t.Error("no identity: no error")
	}
	if _, _, err := c.RegisterCall("not a label", tc.addr(0)); !errors.Is(err, ErrInvalidName) {
		t.Errorf("RegisterCall(\"not a label\"): %v, want ErrInvalidName", err)
	}
}

// TestConfigNow: the cache runs on Config.Now. A not-found answer stays
// cached while that clock stands still, though the name was registered
// meanwhile, and expires once it has moved CacheTTL on.
func TestConfigNow(t *testing.T) {
	tc := newTestChain(t, 2)
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := tc.client(t, func(cfg *Config) { cfg.Now = func() time.Time { return now } })
	ctx := t.Context()
	if _, err := c.Resolve(ctx, "later.anynet"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("before registering: %v, want ErrNotFound", err)
	}
	if _, err := tc.client(t).Register(ctx, tc.auths[1], "later", tc.addr(1)); err != nil {
		t.Fatal(err)
	}
	now = now.Add(DefaultCacheTTL - time.Second)
	if _, err := c.Resolve(ctx, "later.anynet"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("within the TTL by Config.Now: %v, want the cached ErrNotFound", err)
	}
	now = now.Add(time.Second)
	if got, err := c.Resolve(ctx, "later.anynet"); err != nil || got != tc.addr(1) {
		t.Fatalf("after the TTL by Config.Now: %s, %v; want %s", got, err, tc.addr(1))
	}
}
