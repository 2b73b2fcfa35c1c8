package stack_test

import (
	"context"
	"fmt"
	"io"
	"log"

	"github.com/anynet/anynet/link"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
)

// Two nodes on an in-memory underlay: one listens by port, the other
// dials it by wallet, and each sees the other's verified wallet.
func Example() {
	ctx := context.Background()
	nw := mem.NewNetwork(mem.Config{MTU: link.MinUnderlayMTU})
	ua, _ := nw.Attach()
	ub, _ := nw.Attach()

	server := &stack.Node{Underlay: ua}
	if err := server.Up(ctx); err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client := &stack.Node{Underlay: ub, Peers: []stack.Peer{server.Self()}}
	defer client.Close()

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
		who, _ := server.PeerOf(c)
		fmt.Fprintf(c, "hello, client is verified: %t", who == client.Addr())
	}()

	c, err := client.Dial(ctx, "tcp", server.Addr().Hex()+":80")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	msg, _ := io.ReadAll(c)
	fmt.Println(string(msg))
	fmt.Println("server is", c.RemoteAddr().(*stack.Addr).Wallet == server.Addr())
	// Output:
	// hello, client is verified: true
	// server is true
}

// A UDP exchange: ListenPacket reports each sender as an *Addr with its
// verified wallet, and WriteTo answers it.
func ExampleNode_ListenPacket() {
	ctx := context.Background()
	nw := mem.NewNetwork(mem.Config{MTU: link.MinUnderlayMTU})
	ua, _ := nw.Attach()
	ub, _ := nw.Attach()
	server := &stack.Node{Underlay: ua}
	server.Up(ctx)
	defer server.Close()
	client := &stack.Node{Underlay: ub, Peers: []stack.Peer{server.Self()}}
	defer client.Close()

	pc, err := server.ListenPacket("udp", ":53")
	if err != nil {
		log.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 512)
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		pc.WriteTo([]byte(fmt.Sprintf("%s from a verified sender: %t", buf[:n], from.(*stack.Addr).Wallet == client.Addr())), from)
	}()

	c, err := client.Dial(ctx, "udp", server.Addr().Hex()+":53")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("query"))
	buf := make([]byte, 512)
	n, _ := c.Read(buf)
	fmt.Println(string(buf[:n]))
	// Output: query from a verified sender: true
}
