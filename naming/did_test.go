package naming

import (
	"bytes"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

func key32(b byte) [32]byte {
	var k [32]byte
	for i := range k {
		k[i] = b
	}
	return k
}

func TestDIDDocumentLifecycle(t *testing.T) {
	tc := newTestChain(t, 3)
	// No cache: this test moves chain time, which a wall-clock cache
	// would not see.
	c := tc.client(t, func(cfg *Config) { cfg.CacheTTL = -1 })
	ctx := t.Context()
	alice := tc.addr(1)

	doc, err := c.DIDDocument(ctx, alice)
	if err != nil {
		t.Fatalf("empty DIDDocument: %v", err)
	}
	if doc.Owner != alice || len(doc.NodeKeys) != 0 || doc.KeyStatus(key32(1)) != KeyUnknown {
		t.Fatalf("fresh document: %+v", doc)
	}
	if doc.ID() != "did:ethr:0x539:"+bytesLowerHex(alice) { // chain 1337
		t.Fatalf("ID = %s", doc.ID())
	}

	k1, k2 := key32(1), key32(2)
	n, err := c.Publish(ctx, tc.auths[1], PublishRequest{
		NodeKey:  k1,
		Binding:  []byte{0xb1, 0x00, 0xff},
		Locators: []string{"fd00:1::1/256", "fd00:2::1/256"},
		Mailbox:  "mail.anynet",
		Routers:  []string{"udp://127.0.0.1:4000"},
		Validity: time.Hour,
	})
	if err != nil || n != 6 {
		t.Fatalf("Publish = %d, %v", n, err)
	}
	doc, err = c.DIDDocument(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.NodeKeys, [][32]byte{k1}) || doc.KeyStatus(k1) != KeyValid {
		t.Fatalf("node keys %x, status %v", doc.NodeKeys, doc.KeyStatus(k1))
	}
	if len(doc.Bindings) != 1 || !bytes.Equal(doc.Bindings[0], []byte{0xb1, 0x00, 0xff}) {
		t.Fatalf("bindings %x", doc.Bindings)
	}
	if !slices.Equal(doc.Locators, []string{"fd00:1::1/256", "fd00:2::1/256"}) ||
		doc.Mailbox != "mail.anynet" || !slices.Equal(doc.Routers, []string{"udp://127.0.0.1:4000"}) {
		t.Fatalf("services: %q %q %q", doc.Locators, doc.Mailbox, doc.Routers)
	}
	if len(doc.Services) != 4 { // 2 locators, mailbox, router; not the binding
		t.Fatalf("Services = %+v", doc.Services)
	}

	// Update: a second node key valid for 10 minutes, a new mailbox.
	if _, err := c.Publish(ctx, tc.auths[1], PublishRequest{NodeKey: k2, Mailbox: "box2.anynet", Validity: 10 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	doc, _ = c.DIDDocument(ctx, alice)
	if !slices.Equal(doc.NodeKeys, [][32]byte{k1, k2}) || doc.Mailbox != "box2.anynet" {
		t.Fatalf("after update: keys %x mailbox %q", doc.NodeKeys, doc.Mailbox)
	}

	// 20 minutes later k2 has expired, k1 (one hour) has not.
	if err := tc.sim.AdjustTime(20 * time.Minute); err != nil {
		t.Fatal(err)
	}
	doc, _ = c.DIDDocument(ctx, alice)
	if !slices.Equal(doc.NodeKeys, [][32]byte{k1}) || doc.KeyStatus(k2) != KeyExpired || !doc.NodeKeyRevoked(k2) {
		t.Fatalf("after expiry: keys %x, k2 %v", doc.NodeKeys, doc.KeyStatus(k2))
	}
	if doc.Mailbox != "mail.anynet" {
		t.Fatalf("mailbox after box2 expired = %q, want the older still-valid one", doc.Mailbox)
	}

	// Revocation.
	if err := c.RevokeNodeKey(ctx, tc.auths[1], k1); err != nil {
		t.Fatal(err)
	}
	doc, _ = c.DIDDocument(ctx, alice)
	if len(doc.NodeKeys) != 0 || doc.KeyStatus(k1) != KeyRevoked || !doc.NodeKeyRevoked(k1) {
		t.Fatalf("after revoke: keys %x, k1 %v", doc.NodeKeys, doc.KeyStatus(k1))
	}
	if doc.NodeKeyRevoked(key32(9)) {
		t.Fatal("a never-published key reported revoked")
	}
	// Publishing a revoked key again makes it valid again.
	if _, err := c.Publish(ctx, tc.auths[1], PublishRequest{NodeKey: k1}); err != nil {
		t.Fatal(err)
	}
	if doc, _ = c.DIDDocument(ctx, alice); doc.KeyStatus(k1) != KeyValid {
		t.Fatalf("republished k1: %v", doc.KeyStatus(k1))
	}

	// Only the identity's owner writes; after a change of owner, the new one.
	if _, err := c.Publish(ctx, tc.auths[2], PublishRequest{Identity: alice, NodeKey: key32(3)}); err == nil {
		t.Fatal("a stranger published into alice's document")
	}
	if err := c.ChangeDIDOwner(ctx, tc.auths[1], common.Address{}, tc.addr(2)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Publish(ctx, tc.auths[2], PublishRequest{Identity: alice, NodeKey: key32(3)}); err != nil {
		t.Fatalf("new owner publishing: %v", err)
	}
	doc, _ = c.DIDDocument(ctx, alice)
	if doc.Owner != tc.addr(2) || doc.KeyStatus(key32(3)) != KeyValid {
		t.Fatalf("after owner change: owner %s, key3 %v", doc.Owner, doc.KeyStatus(key32(3)))
	}
}

// TestDIDHistorySameBlock writes several changes in one block (so events
// carry previousChange equal to their own block) plus a malformed
// attribute and a delegate, then checks the walk finds all of them.
func TestDIDHistorySameBlock(t *testing.T) {
	tc := newTestChain(t, 2)
	c := tc.client(t, func(cfg *Config) { cfg.CacheTTL = -1 })
	ctx := t.Context()
	id := tc.addr(1)

	if _, err := c.Publish(ctx, tc.auths[1], PublishRequest{Locators: []string{"old"}}); err != nil {
		t.Fatal(err)
	}
	raw := tc.sim.Client() // no auto-commit: the next writes share a block
	inst := c.did.Instance(raw, tc.cfg.DIDRegistry)
	nonce, err := raw.PendingNonceAt(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	nodeKey, _ := AttributeName(AttrNodeKey)
	locator, _ := AttributeName(AttrLocator)
	hour := big.NewInt(3600)
	writes := [][]byte{
		c.did.PackSetAttribute(id, nodeKey, []byte{1, 2, 3}, hour), // malformed: not 32 bytes
		c.did.PackSetAttribute(id, nodeKey, bytes.Repeat([]byte{5}, 32), hour),
		c.did.PackSetAttribute(id, locator, []byte("new"), hour),
		c.did.PackAddDelegate(id, [32]byte{'s', 'i', 'g', 'A', 'u', 't', 'h'}, tc.addr(0), hour),
	}
	for i, data := range writes {
		opts := *tc.auths[1]
		opts.Nonce = new(big.Int).SetUint64(nonce + uint64(i))
		opts.GasLimit = 200_000
		if _, err := bind.Transact(inst, &opts, data); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	tc.sim.Commit()

	doc, err := c.DIDDocument(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.Locators, []string{"old", "new"}) {
		t.Fatalf("locators %q, want old and new (history across and within blocks)", doc.Locators)
	}
	if !slices.Equal(doc.NodeKeys, [][32]byte{key32(5)}) {
		t.Fatalf("node keys %x: the malformed one must be skipped", doc.NodeKeys)
	}
	if len(doc.Delegates) != 1 || doc.Delegates[0].Type != "sigAuth" || doc.Delegates[0].Address != tc.addr(0) {
		t.Fatalf("delegates %+v", doc.Delegates)
	}
}

func TestPublishRejectsBadInput(t *testing.T) {
	tc := newTestChain(t, 2)
	c := tc.client(t)
	n, err := c.Publish(t.Context(), tc.auths[1], PublishRequest{Locators: []string{"ok", "bad\nline"}})
	if err == nil || n != 0 {
		t.Fatalf("Publish of a control character = %d, %v; want an error before any write", n, err)
	}
}

func bytesLowerHex(a common.Address) string {
	const digits = "0123456789abcdef"
	out := []byte("0x")
	for _, b := range a {
		out = append(out, digits[b>>4], digits[b&15])
	}
	return string(out)
}

// TestPublishServices: entries are written once, left alone while fresh,
// and written again when one of them changes.
func TestPublishServices(t *testing.T) {
	tc := newTestChain(t, 2)
	c := tc.client(t, func(cfg *Config) { cfg.CacheTTL = -1 })
	ctx, alice := t.Context(), tc.addr(1)
	a, b := Service{Type: "AnynetA", Endpoint: "port:1"}, Service{Type: "AnynetB", Endpoint: "port:2"}
	for i, step := range []struct {
		services []Service
		wrote    bool
	}{
		{[]Service{a, b}, true},
		{[]Service{a, b}, false},
		{[]Service{b}, false},
		{[]Service{a, {Type: "AnynetB", Endpoint: "port:3"}}, true},
		{nil, false},
	} {
		wrote, err := c.PublishServices(ctx, tc.auths[1], alice, step.services...)
		if err != nil || wrote != step.wrote {
			t.Fatalf("step %d: wrote %v, %v; want %v", i, wrote, err, step.wrote)
		}
	}
}
