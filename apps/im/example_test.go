package im_test

import (
	"context"
	"fmt"
	"log"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
)

// Two nodes on an in-memory network: alice sends, bob reads and marks
// read, and alice sees the read receipt.
func Example() {
	ctx := context.Background()
	nw := mem.NewNetwork(mem.Config{})
	ua, _ := nw.Attach()
	ub, _ := nw.Attach()
	an, bn := &stack.Node{Underlay: ua}, &stack.Node{Underlay: ub}
	for _, n := range []*stack.Node{an, bn} {
		if err := n.Up(ctx); err != nil {
			log.Fatal(err)
		}
		defer n.Close()
	}
	an.AddPeer(ctx, bn.Self())
	bn.AddPeer(ctx, an.Self())

	alice, err := im.Open(ctx, im.Config{Node: an})
	if err != nil {
		log.Fatal(err)
	}
	defer alice.Close()
	bob, err := im.Open(ctx, im.Config{Node: bn})
	if err != nil {
		log.Fatal(err)
	}
	defer bob.Close()

	events := alice.Subscribe(ctx)
	m, err := alice.Send(ctx, bn.Addr().Hex(), "hello bob")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("sent:", m.Status)

	// Alice is a stranger to bob: her message waits in his requests.
	reqs, _ := bob.Requests(ctx)
	fmt.Println("bob's requests:", len(reqs), reqs[0].Last.Text)
	bob.Allow(ctx, an.Addr())
	bob.MarkRead(ctx, an.Addr())
	for e := range events {
		if e.Kind == im.EventReceipt && e.Message.Status == im.Read {
			fmt.Println("alice sees:", e.Message.Status)
			break
		}
	}
	// Output:
	// sent: delivered
	// bob's requests: 1 hello bob
	// alice sees: read
}
