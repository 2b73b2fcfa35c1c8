package mq

import (
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/service"
)

// TestCoreOutbox: a publish without an id gets one from the core; it
// stays in the outbox, with its id, across a restart over the same
// store, and a publish after the restart gets a new request and id; a
// Down sends the outbox again after DownRetry, not at once; an answer
// empties it.
func TestCoreOutbox(t *testing.T) {
	self, host := common.Address{0xb0}, common.Address{0xa1}
	st := &service.Memory{}
	now := time.Unix(1e9, 0)
	handle := func(c *Core, in service.Input) service.Effects {
		t.Helper()
		var out service.Effects
		c.Handle(now, in, &out)
		if err := st.Apply(out.Writes); err != nil {
			t.Fatal(err)
		}
		return out
	}
	outbox := func(c *Core) []Outgoing {
		out := handle(c, service.Input{Kind: service.Command, Cmd: CoreOutbox{}})
		return out.Result.([]Outgoing)
	}
	c := NewCore(CoreConfig{Self: self, Store: st})
	handle(c, service.Input{Kind: service.Start})
	out := handle(c, service.Input{Kind: service.Command, Cmd: CorePublish{Host: host, Msg: Message{Subject: "orders.new", Data: []byte("x")}}})
	if len(out.Send) != 1 || out.Result.(uint64) != 1 {
		t.Fatalf("publish: %+v", out)
	}
	first := outbox(c)
	if len(first) != 1 || first[0].Msg.ID == "" {
		t.Fatalf("outbox: %+v", first)
	}

	c = NewCore(CoreConfig{Self: self, Store: st}) // a restart
	if out := handle(c, service.Input{Kind: service.Start}); len(out.Send) != 1 {
		t.Fatalf("a restart sent %d frames, want the outbox's one", len(out.Send))
	}
	if again := outbox(c); len(again) != 1 || again[0].Req != first[0].Req || again[0].Msg.ID != first[0].Msg.ID {
		t.Fatalf("outbox after a restart: %+v, want %+v", again, first)
	}
	out = handle(c, service.Input{Kind: service.Command, Cmd: CorePublish{Host: host, Msg: Message{Subject: "orders.new", Data: []byte("y")}}})
	if out.Result.(uint64) != 2 {
		t.Fatalf("a publish after the restart is request %v, want 2", out.Result)
	}
	ob := outbox(c)
	if len(ob) != 2 || ob[1].Msg.ID == ob[0].Msg.ID {
		t.Fatalf("outbox: %+v", ob)
	}

	now = now.Add(time.Second)
	if out := handle(c, service.Input{Kind: service.Down, Peer: host}); len(out.Send) != 0 || out.Deadline.IsZero() {
		t.Fatalf("Down: sent %d frames at once, deadline %v", len(out.Send), out.Deadline)
	}
	now = now.Add(DownRetry)
	if out := handle(c, service.Input{Kind: service.Timer}); len(out.Send) != 2 {
		t.Fatalf("DownRetry after a Down: sent %d frames, want 2", len(out.Send))
	}
	for _, o := range ob {
		handle(c, service.Input{Kind: service.Frame, Peer: host, Frame: AppendFrame(nil, Frame{Kind: FramePubAck, Req: o.Req, Stream: "ORDERS", Seq: o.Req})})
	}
	if ob := outbox(c); len(ob) != 0 {
		t.Fatalf("outbox after the answers: %+v", ob)
	}
}
