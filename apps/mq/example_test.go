package mq_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/anynet/anynet/apps/mq"
	"github.com/anynet/anynet/stack"
)

// A node serves its queues to verified wallets on its overlay port, and
// lets local NATS clients reach any wallet's queues through its
// loopback gateway (here, and with Gateway.Connect, in process).
func Example() {
	var node *stack.Node // up, and published (mq.Publish writes the DID entry)
	ctx := context.Background()

	srv, err := mq.Start(ctx, mq.Config{Host: node})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	l, _ := node.Listen("tcp", fmt.Sprintf(":%d", mq.Port))
	go srv.Serve(l)
	// bob may publish orders and consume the ORDERS stream.
	srv.SetPolicy(mq.Policy{Anyone: &mq.Grant{Publish: []string{"orders.>"}, Consume: []string{"ORDERS"}}})
	srv.AddStream(ctx, mq.StreamSpec{Name: "ORDERS", Subjects: []string{"orders.>"}, Delayed: true})

	pw, _ := mq.GatewayPassword("/var/lib/anynet/mq") // made once, mode 0600
	gw := &mq.Gateway{Host: node, Local: srv, Password: pw}
	gl, _ := net.Listen("tcp", mq.DefaultGatewayAddr)
	go gw.Serve(gl) // nats pub --server nats://alice.anynet:PASSWORD@127.0.0.1:4222 orders.new hi

	nc, _ := gw.Connect("alice.anynet") // alice's queues, wherever she runs
	js, _ := jetstream.New(nc)
	js.Publish(ctx, "orders.new", []byte("hi"), jetstream.WithMsgID("order-1"))
	js.Publish(ctx, "orders.later", []byte("in an hour"),
		jetstream.WithScheduleAt(time.Now().Add(time.Hour)), jetstream.WithScheduleTarget("orders.new"))
}
