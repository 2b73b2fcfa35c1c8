package vpn_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/vpn"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/crypto"
)

// twoNodes starts two nodes on one in-memory network, peers of each
// other (a real network would find them on chain).
func twoNodes(ctx context.Context) (client, exit *stack.Node, stop func()) {
	client, exit, _, stop = twoNodesKey(ctx)
	return client, exit, stop
}

// twoNodesKey is twoNodes, with the exit's wallet key.
func twoNodesKey(ctx context.Context) (client, exit *stack.Node, exitKey *ecdsa.PrivateKey, stop func()) {
	nw := mem.NewNetwork(mem.Config{})
	var nodes []*stack.Node
	for range 2 {
		k, _ := crypto.GenerateKey()
		exitKey = k
		nk, _ := transport.GenerateNodeKey(rand.Reader)
		u, _ := nw.Attach()
		n := &stack.Node{Underlay: u, Wallet: transport.NewKeySigner(k), NodeKey: &nk}
		if err := n.Up(ctx); err != nil {
			panic(err)
		}
		nodes = append(nodes, n)
	}
	nodes[0].AddPeer(ctx, nodes[1].Self())
	nodes[1].AddPeer(ctx, nodes[0].Self())
	return nodes[0], nodes[1], exitKey, func() { nodes[0].Close(); nodes[1].Close(); nw.Close() }
}

// An exit and a client: the client's connection is dialed by the exit
// with an ordinary socket. The destination is on loopback, which the
// default policy refuses, so this exit allows it.
func Example() {
	ctx := context.Background()
	clientNode, exitNode, stop := twoNodes(ctx)
	defer stop()

	exit, err := vpn.StartExit(vpn.ExitConfig{
		Host:   exitNode,
		Policy: vpn.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}},
	})
	if err != nil {
		panic(err)
	}
	defer exit.Close()

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hello") }))
	defer ln.Close()

	c := &vpn.Client{Host: clientNode, Exits: []string{exitNode.Addr().Hex()}}
	hc := &http.Client{Transport: &http.Transport{DialContext: c.Dial}}
	resp, err := hc.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(string(body))

	// The default policy refuses loopback, with a reason.
	strict, _ := vpn.StartExit(vpn.ExitConfig{Host: clientNode})
	defer strict.Close()
	back := &vpn.Client{Host: exitNode, Exits: []string{clientNode.Addr().Hex()}}
	_, err = back.Dial(ctx, "tcp", ln.Addr().String())
	var refused *vpn.RefusedError
	if errors.As(err, &refused) && errors.Is(err, vpn.ErrDestination) {
		fmt.Println(refused.Msg)
	}
	// Output:
	// hello
	// vpn: destination refused by exit policy: 127.0.0.1 is loopback (127.0.0.0/8)
}

// An exit that signs usage: the client fetches the record of a session
// it ran and checks it against the exit's wallet; a record altered on
// the way is refused.
func ExampleClient_Usage() {
	ctx := context.Background()
	client, exit, exitKey, stop := twoNodesKey(ctx)
	defer stop()
	web, _ := net.Listen("tcp", "127.0.0.1:0")
	defer web.Close()
	go http.Serve(web, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }))

	// The exit's Signer is its node's wallet key.
	e, err := vpn.StartExit(vpn.ExitConfig{Host: exit, Signer: pay.NewKeyWallet(exitKey),
		Policy: vpn.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}})
	if err != nil {
		panic(err)
	}
	defer e.Close()
	c := &vpn.Client{Host: client, Exits: []string{exit.Addr().Hex()}}
	conn, err := c.Dial(ctx, "tcp", web.Addr().String())
	if err != nil {
		panic(err)
	}
	io.WriteString(conn, "GET / HTTP/1.0\r\n\r\n")
	io.Copy(io.Discard, conn)
	conn.Close()

	_, session, _ := vpn.SessionOf(conn)
	rec, err := c.Usage(ctx, exit.Addr().Hex(), session)
	fmt.Println("signed by the exit:", err == nil, "bytes up:", rec.Up == 18)
	rec.Down++
	fmt.Println("altered:", errors.Is(rec.Verify(exit.Addr()), vpn.ErrForged))
	// Output:
	// signed by the exit: true bytes up: true
	// altered: true
}
