//go:build !nochain

package stack_test

import (
	"math/big"
	"net/netip"
	"testing"

	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
)

// A static peer's endpoint wins over the one its DID document
// publishes, also when it is dialed by name: `--peer 0xW@IP:PORT` is
// where the traffic goes.
func TestStaticPeerWinsOverChain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain")
	}
	ctx := testCtx(t)
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	chainID := big.NewInt(int64(emb.Chain.ChainID()))
	node := func(publish netip.AddrPort, peers ...stack.Peer) *stack.Node {
		key, _ := crypto.GenerateKey()
		if err := emb.Fund(ctx, crypto.PubkeyToAddress(key.PublicKey)); err != nil {
			t.Fatal(err)
		}
		n := &stack.Node{ListenAddr: "127.0.0.1:0", Wallet: transport.NewKeySigner(key), Names: emb.Client,
			PublishAddr: publish, Peers: peers}
		if err := n.Publish(ctx, naming.Transactor(key, chainID)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
		if publish.IsValid() {
			if _, err := emb.Client.ClaimName(ctx, naming.Transactor(key, chainID), "carol"); err != nil {
				t.Fatal(err)
			}
		}
		return n
	}
	// carol's document names a port nobody listens on.
	carol := node(netip.MustParseAddrPort("127.0.0.1:1"))
	alice := node(netip.AddrPort{}, carol.Self())
	l, err := carol.Listen("tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	serveEcho(t, l)
	echoOnce(t, ctx, alice, "carol:7", []byte("by name, to the static endpoint"))
}
