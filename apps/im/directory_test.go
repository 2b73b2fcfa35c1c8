//go:build !nochain

package im

import (
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// TestOfflineDeliveryThroughChain: with nothing but the embedded chain
// in common — no static peers, no fake directory — alice sends to "bob"
// while bob is down: bob's mailbox and sealing key come from his DID
// document, the mailbox node is found by name, and bob, back up, reads
// the message once.
func TestOfflineDeliveryThroughChain(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob", "mbox")
	alice, bob, mbox := tn.get("alice"), tn.get("bob"), tn.get("mbox")
	var funded []common.Address
	for _, m := range tn.members {
		funded = append(funded, m.Wallet)
	}
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{DataDir: t.TempDir(), Funded: funded})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	auth := func(m *member) *bind.TransactOpts { return naming.Transactor(m.Key, big.NewInt(1337)) }

	start := func(m *member, cfg Config) {
		t.Helper()
		u, err := tn.nw.Attach()
		if err != nil {
			t.Fatal(err)
		}
		nk := m.NodeKey
		m.node = &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(m.Key), NodeKey: &nk, Names: emb.Client}
		if err := m.node.Publish(ctx, auth(m)); err != nil {
			t.Fatal(err)
		}
		cfg.Node, cfg.Dir = m.node, m.dir // documents from the node's Names
		cfg.DialTimeout, cfg.AckTimeout, cfg.FetchInterval = 2*time.Second, 3*time.Second, -1
		if m.svc, err = Open(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	bob.dir = t.TempDir()
	start(mbox, Config{Mailbox: true})
	if _, err := emb.Claim(ctx, auth(mbox), "mbox"); err != nil {
		t.Fatal(err)
	}
	start(bob, Config{})
	if _, err := emb.Claim(ctx, auth(bob), "bob"); err != nil {
		t.Fatal(err)
	}
	if err := bob.svc.Publish(ctx, emb.Client, auth(bob), "mbox"); err != nil {
		t.Fatal(err)
	}
	if err := bob.svc.Allow(ctx, alice.Wallet); err != nil {
		t.Fatal(err)
	}
	tn.stop(bob)

	if doc, err := emb.Client.DIDDocument(ctx, alice.Wallet); err != nil || slices.ContainsFunc(doc.Services, func(s naming.Service) bool { return s.Type == ServiceSealKey }) {
		t.Fatalf("document of a wallet that published no sealing key: %+v, %v", doc, err)
	}
	start(alice, Config{})
	// Bob checks who sealed what his mailbox kept: alice's key is on
	// chain too.
	if err := alice.svc.Publish(ctx, emb.Client, auth(alice), ""); err != nil {
		t.Fatal(err)
	}
	m, err := alice.svc.Send(ctx, "bob", "while you were out")
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != Sent {
		t.Fatalf("status %v, want Sent (kept by bob's mailbox)", m.Status)
	}
	start(bob, Config{}) // Open fetches from the mailbox named on chain
	h, err := bob.svc.History(ctx, alice.Wallet, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || h[0].ID != m.ID || h[0].Text != m.Text {
		t.Fatalf("bob's history %+v, want exactly the one message", h)
	}
}
