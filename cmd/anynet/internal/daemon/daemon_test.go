//go:build !nochain

package daemon

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/crypto"
)

// pair starts two daemons, alice and bob, on one shared embedded chain.
func pair(t *testing.T) (alice, bob *Daemon) {
	t.Helper()
	emb, dir := testChain(t)
	alice = startNode(t, emb, dir, "alice", Options{Config: config.Config{Name: "alice"}})
	bob = startNode(t, emb, dir, "bob", Options{Config: config.Config{Name: "bob"}})
	return alice, bob
}

func TestBackend(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	alice, bob := pair(t)
	ctx := context.Background()

	r, err := alice.Resolve(ctx, "bob")
	if err != nil || r.Wallet != bob.Wallet().Hex() || r.Name != "bob.anynet" || len(r.Underlay) != 1 {
		t.Fatalf("resolve bob = %+v, %v", r, err)
	}
	if _, err := alice.Resolve(ctx, "nobody"); !errors.Is(err, control.ErrNotFound) {
		t.Errorf("resolve nobody: %v, want ErrNotFound", err)
	}
	if _, err := alice.Resolve(ctx, "xn--bob"); !errors.Is(err, control.ErrBadRequest) || !strings.Contains(err.Error(), "label extension") {
		t.Errorf("resolve xn--bob: %v, want ErrBadRequest saying why", err)
	}
	p, err := alice.Ping(ctx, "bob", 2)
	if err != nil || len(p.RTTs) == 0 || p.Wallet != bob.Wallet().Hex() {
		t.Fatalf("ping bob = %+v, %v", p, err)
	}
	peers, _ := alice.Peers(ctx)
	if len(peers) != 1 || peers[0].Wallet != bob.Wallet().Hex() || peers[0].RTT <= 0 {
		t.Errorf("peers = %+v", peers)
	}
	routes, _ := alice.Routes(ctx)
	if routes.Available || routes.Role != "" || !strings.Contains(routes.Note, "no routers") {
		t.Errorf("routes = %+v", routes)
	}
	if _, err := bob.Register(ctx, "alice", false); err == nil || !strings.Contains(err.Error(), "taken") {
		t.Errorf("bob registers alice: %v", err)
	}
	if _, err := bob.Register(ctx, "a.b", false); !errors.Is(err, control.ErrBadRequest) {
		t.Errorf("register a.b: %v", err)
	}
	// A 300-character name is too long, said in a line that does not
	// repeat it, and not "a single label" (issue 13, item 6).
	if _, err := bob.Register(ctx, strings.Repeat("a", 300), false); !errors.Is(err, control.ErrBadRequest) ||
		!strings.Contains(err.Error(), "too long") || !strings.Contains(err.Error(), "(300 characters)") ||
		strings.Contains(err.Error(), "single label") || len(err.Error()) > 200 {
		t.Errorf("register 300 characters: %v", err)
	}
	// A second name leaves the primary (reverse) name alone, unless asked.
	if reg, err := bob.Register(ctx, "Robert", false); err != nil || reg.Name != "robert.anynet" || reg.Primary || reg.PrimaryName != "bob.anynet" {
		t.Errorf("register robert: %+v, %v", reg, err)
	}
	if r, err := alice.Resolve(ctx, bob.Wallet().Hex()); err != nil || r.Name != "bob.anynet" {
		t.Errorf("bob's primary name after registering robert: %+v, %v", r, err)
	}
	if reg, err := bob.Register(ctx, "bobby", true); err != nil || !reg.Primary || reg.PrimaryName != "bobby.anynet" {
		t.Errorf("register bobby --primary: %+v, %v", reg, err)
	}
	if r, err := alice.Resolve(ctx, bob.Wallet().Hex()); err != nil || r.Name != "bobby.anynet" {
		t.Errorf("bob's primary name after registering bobby --primary: %+v, %v", r, err)
	}
	// The whole document: DID on chain 1337, keys with validity, endpoints
	// with their keys; a DID is accepted as input; a text record.
	r, err = alice.Resolve(ctx, "BOB.anynet")
	if err != nil || r.Name != "bob.anynet" || r.DID != "did:ethr:0x539:"+strings.ToLower(bob.Wallet().Hex()) ||
		len(r.Keys) != 1 || r.Keys[0].Status != "valid" || r.Keys[0].ValidUntil.IsZero() || len(r.Endpoints) != 1 || r.Endpoints[0].NodeKey == "" {
		t.Errorf("resolve BOB.anynet = %+v, %v", r, err)
	}
	if r2, err := alice.Resolve(ctx, r.DID); err != nil || r2.Wallet != bob.Wallet().Hex() {
		t.Errorf("resolve %s = %+v, %v", r.DID, r2, err)
	}
	if _, err := alice.Resolve(ctx, "did:ethr:"+strings.ToLower(bob.Wallet().Hex())); !errors.Is(err, control.ErrBadRequest) {
		t.Errorf("resolve a mainnet DID on chain 1337: %v, want ErrBadRequest", err)
	}
	if err := alice.Fund(ctx, "not a wallet"); !errors.Is(err, control.ErrBadRequest) {
		t.Errorf("fund: %v", err)
	}
	m, err := alice.ChatSend(ctx, "bob", "hi")
	if err != nil || m.Status != "delivered" {
		t.Fatalf("chat send = %+v, %v", m, err)
	}
	h, err := bob.ChatRead(ctx, "alice", 0, false)
	if err != nil || len(h) != 1 || h[0].Text != "hi" {
		t.Fatalf("bob reads = %+v, %v", h, err)
	}
	if _, err := alice.ChatSend(ctx, "nobody", "hi"); !errors.Is(err, control.ErrNotFound) {
		t.Errorf("chat to nobody: %v", err)
	}
	s, err := alice.Status(ctx)
	if err != nil || s.Name != "alice.anynet" || s.Published == "" || s.Link.Handshakes == 0 {
		t.Errorf("status = %+v, %v", s, err)
	}
}

func TestStartErrors(t *testing.T) {
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "missing")
	_, err := Start(ctx, Options{Config: config.Config{Dir: missing, Listen: "127.0.0.1:0", Chain: "embedded"}})
	if !errors.Is(err, ErrNoDataDir) || !strings.Contains(err.Error(), "init") {
		t.Errorf("missing dir: %v", err)
	}
	empty := t.TempDir()
	_, err = Start(ctx, Options{Config: config.Config{Dir: empty, Listen: "127.0.0.1:0", Chain: "embedded"}, Passphrase: "x"})
	if !errors.Is(err, ErrNoWallet) || !strings.Contains(err.Error(), "init") {
		t.Errorf("no wallet: %v", err)
	}
	if ents, _ := os.ReadDir(empty); len(ents) != 0 {
		t.Errorf("Start wrote into a directory it refused: %v", ents)
	}
}

// TestOfflineChat: bob names carol's node as his mailbox (mail-at); bob
// stops, alice chats him by name, and bob, started again on the same
// directory, reads the message. Nothing but the chain links the three.
func TestOfflineChat(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and three nodes")
	}
	ctx := context.Background()
	emb, dir := testChain(t)
	start := func(cfg config.Config, key *ecdsa.PrivateKey) *Daemon {
		t.Helper()
		return startNode(t, emb, dir, cfg.Name, Options{Config: cfg, Key: key})
	}
	keys := map[string]*ecdsa.PrivateKey{}
	for _, n := range []string{"alice", "bob", "carol"} {
		keys[n], _ = crypto.GenerateKey()
	}
	start(config.Config{Name: "carol", Mailbox: true}, keys["carol"])
	bobCfg := config.Config{Name: "bob", MailAt: "carol"}
	bob := start(bobCfg, keys["bob"])
	alice := start(config.Config{Name: "alice"}, keys["alice"])
	if _, err := alice.ChatSend(ctx, "bob", "online"); err != nil {
		t.Fatal(err)
	}
	bob.Close()

	m, err := alice.ChatSend(ctx, "bob", "while you were out")
	if err != nil || m.Status != "sent" {
		t.Fatalf("send to a stopped bob = %+v, %v; want kept by his mailbox (sent)", m, err)
	}
	bob = start(bobCfg, keys["bob"])
	h, err := bob.ChatRead(ctx, "alice", 0, false)
	if err != nil || len(h) != 2 || h[1].Text != "while you were out" {
		t.Fatalf("bob reads %+v, %v", h, err)
	}
}

// testChain opens an embedded chain in a directory of the test's, which
// the daemons of the test put their data directories in, and closes it
// when the test ends.
func testChain(t *testing.T) (*naming.Embedded, string) {
	t.Helper()
	dir := t.TempDir()
	emb, err := naming.OpenEmbedded(context.Background(), naming.EmbeddedConfig{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	return emb, dir
}

// TestChatAfterRestartOnNewPort: bob stops and comes back on another
// UDP port; alice's next chat send reaches him on its first attempt (no
// ping, no retry timer): her dial reads bob's DID document again.
func TestChatAfterRestartOnNewPort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes, one twice")
	}
	ctx := context.Background()
	emb, dir := testChain(t)
	start := func(name string, key *ecdsa.PrivateKey) *Daemon {
		t.Helper()
		return startNode(t, emb, dir, name, Options{Config: config.Config{Name: name}, Key: key})
	}
	aKey, _ := crypto.GenerateKey()
	bKey, _ := crypto.GenerateKey()
	alice, bob := start("alice", aKey), start("bob", bKey)
	if m, err := alice.ChatSend(ctx, "bob", "before"); err != nil || m.Status != "delivered" {
		t.Fatalf("first send: %+v, %v", m, err)
	}
	old := bob.node.Self().Addr
	bob.Close()
	bob = start("bob", bKey)
	if bob.node.Self().Addr == old {
		t.Fatalf("bob came back on the same port %s: the test shows nothing", old)
	}
	m, err := alice.ChatSend(ctx, "bob", "after the restart")
	if err != nil || m.Status != "delivered" {
		t.Fatalf("send after bob moved: %+v, %v; want delivered at once", m, err)
	}
	h, err := bob.ChatRead(ctx, "alice", 0, false)
	if err != nil || len(h) == 0 || h[len(h)-1].Text != "after the restart" {
		t.Fatalf("bob reads %+v, %v", h, err)
	}
	// alice's peers show bob where he is now.
	ps, _ := alice.Peers(ctx)
	found := false
	for _, p := range ps {
		if p.Wallet == bob.wallet.Hex() {
			found = true
			if p.Addr != bob.node.Self().Addr.String() {
				t.Errorf("alice's peers show bob at %s, he is at %s", p.Addr, bob.node.Self().Addr)
			}
		}
	}
	if !found {
		t.Errorf("bob is not among alice's peers: %+v", ps)
	}
}
