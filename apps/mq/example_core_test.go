package mq_test

import (
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/mq"
	"github.com/anynet/anynet/apps/service"
)

// The overlay core as the simulator drives it: alice hosts a stream on
// a MemEngine, bob publishes and consumes; the frames each core sends
// are handed to the other by hand here (the driver carries them over
// the overlay).
func ExampleCore() {
	alice, bob := common.Address{0xa1}, common.Address{0xb0}
	aliceStore := &service.Memory{}
	eng, _ := mq.NewMemEngine(aliceStore)
	cores := map[common.Address]*mq.Core{
		alice: mq.NewCore(mq.CoreConfig{Self: alice, Store: aliceStore, Engine: eng}),
		bob:   mq.NewCore(mq.CoreConfig{Self: bob, Store: &service.Memory{}}),
	}
	stores := map[common.Address]service.Store{alice: aliceStore, bob: &service.Memory{}}
	now := time.Unix(1e9, 0)
	// run hands in to w's core, applies its writes and carries its
	// frames until none is left; it prints the events.
	var run func(w common.Address, in service.Input)
	run = func(w common.Address, in service.Input) {
		var out service.Effects
		cores[w].Handle(now, in, &out)
		stores[w].Apply(out.Writes)
		for _, e := range out.Events {
			switch e := e.(type) {
			case mq.Published:
				if e.Err != "" {
					fmt.Printf("bob: %s refused: %s\n", e.Msg.ID, e.Err)
					break
				}
				fmt.Printf("bob: %s acked as %s #%d (duplicate %v)\n", e.Msg.ID, e.Ack.Stream, e.Ack.Seq, e.Ack.Duplicate)
			case mq.Received:
				fmt.Printf("bob: received #%d %s, delivery %d\n", e.Seq, e.Data, e.Deliveries)
			}
		}
		for _, s := range out.Send {
			run(s.To, service.Input{Kind: service.Frame, Peer: w, Frame: s.Frame})
		}
	}
	run(alice, service.Input{Kind: service.Start})
	run(bob, service.Input{Kind: service.Start})
	for _, cmd := range []any{
		mq.AddStream{Spec: mq.StreamSpec{Name: "ORDERS", Subjects: []string{"orders.>"}}},
		mq.AddConsumer{Stream: "ORDERS", Spec: mq.ConsumerSpec{Name: "bob", AckWait: 30 * time.Second}},
		mq.SetPolicy{Policy: mq.Policy{Wallets: map[common.Address]mq.Grant{bob: {Publish: []string{"orders.>"}, Consume: []string{"ORDERS"}}}}},
	} {
		run(alice, service.Input{Kind: service.Command, Cmd: cmd})
	}
	pub := mq.CorePublish{Host: alice, Msg: mq.Message{Subject: "orders.new", ID: "o-1", Data: []byte("hello")}}
	run(bob, service.Input{Kind: service.Command, Cmd: pub})
	run(bob, service.Input{Kind: service.Command, Cmd: pub}) // the same id again
	run(bob, service.Input{Kind: service.Command, Cmd: mq.CorePublish{Host: alice, Msg: mq.Message{Subject: "secret.x", ID: "s"}}})
	run(bob, service.Input{Kind: service.Command, Cmd: mq.CoreFetch{Host: alice, Stream: "ORDERS", Consumer: "bob", N: 10}})
	run(bob, service.Input{Kind: service.Command, Cmd: mq.CoreSettle{Host: alice, Stream: "ORDERS", Consumer: "bob", Seq: 1, How: mq.Ack}})
	now = now.Add(time.Minute) // acked: not delivered again
	run(bob, service.Input{Kind: service.Command, Cmd: mq.CoreFetch{Host: alice, Stream: "ORDERS", Consumer: "bob", N: 10}})
	// Output:
	// bob: o-1 acked as ORDERS #1 (duplicate false)
	// bob: o-1 acked as ORDERS #1 (duplicate true)
	// bob: s refused: mq: refused by the owner's policy
	// bob: received #1 hello, delivery 1
}
