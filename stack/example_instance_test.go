//go:build !nochain

package stack_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/netip"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

// Two nodes serve one wallet. Dialing the wallet would stay on the
// dialer itself; each node's instance address reaches that node only.
func ExampleNode_LookupInstances() {
	ctx := context.Background()
	nw := mem.NewNetwork(mem.Config{MTU: link.MinUnderlayMTU})
	k, _ := crypto.GenerateKey()
	wallet := transport.NewKeySigner(k) // one wallet, two node keys
	ua, _ := nw.Attach()
	ub, _ := nw.Attach()
	a := &stack.Node{Underlay: ua, Wallet: wallet}
	if err := a.Up(ctx); err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	b := &stack.Node{Underlay: ub, Wallet: wallet, Peers: []stack.Peer{a.Self()}}
	if err := b.Up(ctx); err != nil {
		log.Fatal(err)
	}
	defer b.Close()

	l, _ := a.Listen("tcp", ":80")
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		from := c.RemoteAddr().(*stack.Addr)
		fmt.Fprintf(c, "a here; from my own wallet: %t, at b's instance address: %t",
			from.Wallet == a.Addr(), from.Instance == b.InstanceAddr())
	}()

	// b's static peers (or, with Names, the wallet's DID document) list
	// the wallet's nodes.
	ins, err := b.LookupInstances(ctx, b.Addr().Hex())
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range ins {
		if in.Addr == b.InstanceAddr() {
			continue
		}
		c, err := b.Dial(ctx, "tcp", netip.AddrPortFrom(in.Addr, 80).String())
		if err != nil {
			log.Fatal(err)
		}
		msg, _ := io.ReadAll(c)
		c.Close()
		fmt.Println(len(ins), "instances;", string(msg))
	}
	// Output: 2 instances; a here; from my own wallet: true, at b's instance address: true
}
