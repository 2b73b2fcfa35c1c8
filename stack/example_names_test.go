//go:build !nochain

package stack_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"io"
	"log"
	"math/big"
	"os"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
)

// Two nodes that share nothing but a chain: the server publishes itself
// in its wallet's DID document and claims a name; the client, which
// publishes itself too (every peer's node key is checked on chain),
// dials the name.
func ExampleNode_Publish() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "anynet-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{DataDir: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer emb.Close()
	chainID := big.NewInt(int64(emb.Chain.ChainID()))

	nw := mem.NewNetwork(mem.Config{MTU: link.MinUnderlayMTU})
	start := func() (*stack.Node, *ecdsa.PrivateKey) {
		key, _ := crypto.GenerateKey()
		if err := emb.Fund(ctx, crypto.PubkeyToAddress(key.PublicKey)); err != nil {
			log.Fatal(err)
		}
		u, _ := nw.Attach()
		n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(key), Names: emb.Client}
		if err := n.Publish(ctx, naming.Transactor(key, chainID)); err != nil {
			log.Fatal(err)
		}
		return n, key
	}
	server, serverKey := start()
	defer server.Close()
	client, _ := start()
	defer client.Close()
	name, err := emb.Client.ClaimName(ctx, naming.Transactor(serverKey, chainID), "server")
	if err != nil {
		log.Fatal(err)
	}

	l, err := server.Listen("tcp", ":80")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.WriteString(c, "hello from "+name)
	}()

	c, err := client.Dial(ctx, "tcp", name+":80")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	msg, _ := io.ReadAll(c)
	peer, _ := client.PeerOf(c)
	fmt.Println(string(msg))
	fmt.Println(peer == server.Addr())
	// Output:
	// hello from server.anynet
	// true
}
