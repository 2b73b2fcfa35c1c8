package mq

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/service"
)

// CorePort is the overlay port of Core's frames, on nodes and in the
// simulator.
const CorePort = 4223

// RetryAfter is how long a Core waits for a publish's answer before it
// sends it again (with the same id: the engine keeps one copy).
const RetryAfter = 3 * time.Second

// DownRetry is how soon after a Down a Core sends its host's unanswered
// publishes again (at most; RetryAfter from their last send if that is
// sooner): a connection that failed at once (the host is off) is not
// dialed again in a busy loop.
const DownRetry = time.Second

// Core is the overlay layer of the queues as a sans-I/O state machine
// (service.Core): who a client is (the wallet the overlay verified,
// Input.Peer), what the owner's Policy lets it do (the same Grant as
// the engine's permissions for NATS clients: publish to matching
// subjects, consume named streams), and the engine behind it (an
// Engine: NATSEngine on a node, MemEngine in the simulator). As a
// client, it sends a wallet's publishes, fetches and settlements to the
// host wallet's core, keeps each publish in its store (the outbox)
// until the host acknowledged it, and sends it again with the same id
// after a Down (DownRetry), a restart or RetryAfter: at least once, one
// copy within the engine's window. A publish without an id gets one
// (the wallet, the store's epoch and the request number), so that its
// resends are one message too.
//
// A node runs it with Service (the shared runner, CorePort) over its
// embedded engine; the simulator runs it over MemEngine (sim/mq.go).
type Core struct {
	self  common.Address
	st    service.Store
	eng   Engine
	pol   Policy
	epoch uint64    // when this store's core first started (unix ns): part of ids it makes
	next  uint64    // the last request id given
	pubs  []*outPub // by request id
	fetch []fetched // fetches sent and not answered, oldest first (at most maxFetches)
}

// maxFetches bounds the unanswered fetches a core remembers; the
// messages of a forgotten one's answer come again after AckWait.
const maxFetches = 64

type outPub struct {
	Req  uint64         `json:"req"`
	Host common.Address `json:"host"`
	Msg  Message        `json:"msg"`
	sent time.Time
}

type fetched struct {
	req              uint64
	host             common.Address
	stream, consumer string
}

// Store keys of a Core (besides its MemEngine's, and policyKey).
const (
	corePubKey   = "mq/o/" // + %016x request id: the outbox
	coreNextKey  = "mq/n"  // the last publish's request id (u64)
	coreEpochKey = "mq/ep" // the first start's time (u64 unix ns)
)

// CoreConfig configures a Core.
type CoreConfig struct {
	Self  common.Address
	Store service.Store
	// Engine hosts the wallet's queues; nil hosts none. If it has
	// TakeWrites (MemEngine), its writes go into the effects, applied
	// before any answer leaves.
	Engine Engine
}

// NewCore makes a core; it loads its state at Start.
func NewCore(cfg CoreConfig) *Core {
	return &Core{self: cfg.Self, st: cfg.Store, eng: cfg.Engine}
}

// Commands of a Core (Input.Cmd).
type (
	// CorePublish sends Msg to Host's queues. Result: the request id.
	CorePublish struct {
		Host common.Address
		Msg  Message
	}
	// CoreFetch asks Host's consumer for up to N due messages. Result: the
	// request id.
	CoreFetch struct {
		Host             common.Address
		Stream, Consumer string
		N                int
	}
	// CoreSettle acks, naks or terms a message received from Host.
	CoreSettle struct {
		Host             common.Address
		Stream, Consumer string
		Seq              uint64
		How              Settlement
		Delay            time.Duration
	}
	// CoreOutbox lists the publishes not yet acknowledged by their
	// host. Result: []Outgoing, oldest first.
	CoreOutbox struct{}
	// AddStream, AddConsumer, SetPolicy and GetDeadLetters are the
	// owner's, on its own engine.
	AddStream   struct{ Spec StreamSpec }
	AddConsumer struct {
		Stream string
		Spec   ConsumerSpec
	}
	SetPolicy      struct{ Policy Policy }
	GetDeadLetters struct{ Stream string } // Result: []DeadLetter
)

// Outgoing is a publish in a Core's outbox.
type Outgoing struct {
	Req  uint64
	Host common.Address
	Msg  Message
}

// Events of a Core.
type (
	// Published: Host answered a publish (Err set: refused, or no
	// stream takes the subject).
	Published struct {
		Host common.Address
		Req  uint64
		Msg  Message
		Ack  PubAck
		Err  string
	}
	// Received: a delivery from Host's consumer.
	Received struct {
		Host             common.Address
		Stream, Consumer string
		Delivery
	}
	// FetchFailed: Host refused a fetch, or its engine failed it.
	FetchFailed struct {
		Host common.Address
		Err  string
	}
	// FetchDone: Host answered fetch Req with Msgs (each a Received
	// before it) or Err.
	FetchDone struct {
		Host common.Address
		Req  uint64
		Msgs []Delivery
		Err  string
	}
	// Stored: this host's engine stored a new message from From.
	Stored struct {
		From common.Address
		Ack  PubAck
		Msg  Message
	}
	// Delivered: this host's engine delivered a message to To.
	Delivered struct {
		To               common.Address
		Stream, Consumer string
		Delivery
	}
	// DeadLettered: this host's engine made a dead letter.
	DeadLettered struct {
		Stream string
		DeadLetter
	}
	// Refused: this host refused a wallet's frame.
	Refused struct {
		From common.Address
		What string
	}
)

// ErrRefused: the owner's policy does not let the wallet do that.
var ErrRefused = errors.New("mq: refused by the owner's policy")

// Handle implements service.Core.
func (c *Core) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Start:
		c.start(now, out)
	case service.Frame:
		f, err := DecodeFrame(in.Frame)
		if err != nil {
			out.Emit(Refused{From: in.Peer, What: err.Error()})
			return
		}
		c.frame(now, in.Peer, f, out)
	case service.Down:
		// Sent again soon, over a new connection: frames sent since the
		// last Up may be lost.
		soon := now.Add(DownRetry - RetryAfter)
		for _, p := range c.pubs {
			if p.Host == in.Peer && p.sent.After(soon) {
				p.sent = soon
			}
		}
	case service.Timer:
	case service.Command:
		out.Result, out.Err = c.command(now, in.Cmd, out)
	}
	c.resend(now, out)
	if w, ok := c.eng.(writeTaker); ok {
		// The engine's writes go first: Effects applies Writes before
		// anything is sent.
		out.Writes = append(w.TakeWrites(), out.Writes...)
	}
}

// writeTaker is an engine whose writes the core's effects carry
// (MemEngine).
type writeTaker interface{ TakeWrites() []service.Write }

// deadNow is an engine that makes dead letters within the call that
// spends a message (MemEngine); the core reports them as DeadLettered.
// NATSEngine's come from its worker, into the dead-letter stream.
type deadNow interface{ deadLettersNow() }

func (c *Core) start(now time.Time, out *service.Effects) {
	if b, err := c.st.Get(policyKey); err == nil {
		if p, err := UnmarshalPolicy(b); err == nil {
			c.pol = p
		}
	}
	if b, err := c.st.Get([]byte(coreEpochKey)); err == nil && len(b) == 8 {
		c.epoch = binary.BigEndian.Uint64(b)
	} else {
		c.epoch = uint64(now.UnixNano())
		out.Put([]byte(coreEpochKey), binary.BigEndian.AppendUint64(nil, c.epoch))
	}
	if b, err := c.st.Get([]byte(coreNextKey)); err == nil && len(b) == 8 {
		c.next = binary.BigEndian.Uint64(b)
	}
	c.pubs = nil
	c.st.Scan([]byte(corePubKey), func(_, v []byte) bool {
		var p outPub
		if json.Unmarshal(v, &p) == nil {
			c.pubs = append(c.pubs, &p)
			c.next = max(c.next, p.Req)
		}
		return true
	})
	out.Wake(now)
}

// resend sends every publish not sent since RetryAfter, and asks for a
// timer at the next one due.
func (c *Core) resend(now time.Time, out *service.Effects) {
	for _, p := range c.pubs {
		if p.sent.IsZero() || !now.Before(p.sent.Add(RetryAfter)) {
			p.sent = now
			out.To(p.Host, AppendFrame(nil, Frame{Kind: FramePub, Req: p.Req, Subject: p.Msg.Subject, ID: p.Msg.ID, Data: p.Msg.Data}))
		}
		out.Wake(p.sent.Add(RetryAfter))
	}
}

func pubKey(req uint64) []byte { return binary.BigEndian.AppendUint64([]byte(corePubKey), req) }

func (c *Core) command(now time.Time, cmd any, out *service.Effects) (any, error) {
	switch m := cmd.(type) {
	case CorePublish:
		if len(m.Msg.Subject) > MaxName || len(m.Msg.ID) > MaxName || len(m.Msg.Data) > MaxData {
			return nil, fmt.Errorf("%w: message too large", ErrFrame)
		}
		c.next++
		p := &outPub{Req: c.next, Host: m.Host, Msg: Message{Subject: m.Msg.Subject, ID: m.Msg.ID, Data: slices.Clone(m.Msg.Data)}}
		if p.Msg.ID == "" {
			p.Msg.ID = fmt.Sprintf("%s.%x.%d", c.self.Hex(), c.epoch, p.Req)
		}
		b, _ := json.Marshal(p)
		out.Put(pubKey(p.Req), b) // kept until answered, across a crash
		out.Put([]byte(coreNextKey), binary.BigEndian.AppendUint64(nil, c.next))
		c.pubs = append(c.pubs, p)
		return p.Req, nil // resend sends it
	case CoreOutbox:
		o := make([]Outgoing, 0, len(c.pubs))
		for _, p := range c.pubs {
			o = append(o, Outgoing{Req: p.Req, Host: p.Host, Msg: p.Msg})
		}
		return o, nil
	case CoreFetch:
		c.next++
		if len(c.fetch) == maxFetches {
			c.fetch = slices.Delete(c.fetch, 0, 1)
		}
		c.fetch = append(c.fetch, fetched{req: c.next, host: m.Host, stream: m.Stream, consumer: m.Consumer})
		out.To(m.Host, AppendFrame(nil, Frame{Kind: FrameFetch, Req: c.next, Stream: m.Stream, Consumer: m.Consumer, N: min(max(m.N, 1), MaxFetch)}))
		return c.next, nil
	case CoreSettle:
		out.To(m.Host, AppendFrame(nil, Frame{Kind: FrameSettle, Stream: m.Stream, Consumer: m.Consumer, Seq: m.Seq, How: m.How, Delay: m.Delay}))
		return nil, nil
	}
	if c.eng == nil {
		return nil, fmt.Errorf("mq: this core hosts no queues: %w", ErrNoStream)
	}
	switch m := cmd.(type) {
	case AddStream:
		return nil, c.eng.AddStream(now, m.Spec)
	case AddConsumer:
		return nil, c.eng.AddConsumer(now, m.Stream, m.Spec)
	case SetPolicy:
		if err := m.Policy.Validate(); err != nil {
			return nil, err
		}
		b, err := MarshalPolicy(m.Policy)
		if err != nil {
			return nil, err
		}
		out.Put(policyKey, b)
		c.pol = m.Policy
		return nil, nil
	case GetDeadLetters:
		return c.eng.DeadLetters(now, m.Stream)
	}
	return nil, fmt.Errorf("mq: command %T: %w", cmd, ErrProtocol)
}

// may reports whether w may publish to subject (stream == "") or
// consume stream.
func (c *Core) may(w common.Address, subject, stream string) bool {
	if w == c.self {
		return true
	}
	g, ok := c.pol.grantFor(w)
	if !ok {
		return false
	}
	if stream != "" {
		return slices.Contains(g.Consume, stream)
	}
	return slices.ContainsFunc(g.Publish, func(f string) bool { return subjectMatch(f, subject) })
}

func (c *Core) frame(now time.Time, peer common.Address, f Frame, out *service.Effects) {
	switch f.Kind {
	case FramePub, FrameFetch, FrameSettle:
		if c.eng == nil {
			out.Emit(Refused{From: peer, What: "no queues here"})
			c.refuse(peer, f, ErrNoStream.Error(), out)
			return
		}
	}
	switch f.Kind {
	case FramePub:
		if !c.may(peer, f.Subject, "") {
			out.Emit(Refused{From: peer, What: "publish " + f.Subject})
			c.refuse(peer, f, ErrRefused.Error(), out)
			return
		}
		m := Message{Subject: f.Subject, ID: f.ID, Data: slices.Clone(f.Data)}
		a, err := c.eng.Publish(now, m)
		r := Frame{Kind: FramePubAck, Req: f.Req, Stream: a.Stream, Seq: a.Seq, Dup: a.Duplicate}
		if err != nil {
			r.Err = err.Error()
		} else if !a.Duplicate {
			out.Emit(Stored{From: peer, Ack: a, Msg: m})
		}
		out.To(peer, AppendFrame(nil, r))
	case FrameFetch:
		if !c.may(peer, "", f.Stream) {
			out.Emit(Refused{From: peer, What: "consume " + f.Stream})
			c.refuse(peer, f, ErrRefused.Error(), out)
			return
		}
		ds, err := c.deadAround(now, f.Stream, out, func() ([]Delivery, error) {
			ds, err := c.eng.Fetch(now, f.Stream, f.Consumer, f.N)
			if errors.Is(err, ErrNoConsumer) && f.Consumer != "" {
				// A durable consumer of a wallet that may consume the
				// stream is made on its first fetch, as a NATS client
				// makes it.
				if err = c.eng.AddConsumer(now, f.Stream, ConsumerSpec{Name: f.Consumer}); err == nil {
					ds, err = c.eng.Fetch(now, f.Stream, f.Consumer, f.N)
				}
			}
			return ds, err
		})
		// One answer carries at most MaxMsgsData bytes of messages (and
		// always the first): the rest go back to the consumer at once.
		size := 0
		for i, d := range ds {
			if size += len(d.Data); i > 0 && size > MaxMsgsData {
				for _, r := range ds[i:] {
					c.eng.Settle(now, f.Stream, f.Consumer, r.Seq, Nak, 0)
				}
				ds = ds[:i]
				break
			}
		}
		for _, d := range ds {
			out.Emit(Delivered{To: peer, Stream: f.Stream, Consumer: f.Consumer, Delivery: d})
		}
		r := Frame{Kind: FrameMsgs, Req: f.Req, Msgs: ds}
		if err != nil {
			r.Err = err.Error()
		}
		out.To(peer, AppendFrame(nil, r))
	case FrameSettle:
		if !c.may(peer, "", f.Stream) {
			out.Emit(Refused{From: peer, What: "settle " + f.Stream})
			return
		}
		// A settlement of a message not held (a stale ack after a
		// redelivery already settled) changes nothing.
		c.deadAround(now, f.Stream, out, func() ([]Delivery, error) {
			return nil, c.eng.Settle(now, f.Stream, f.Consumer, f.Seq, f.How, f.Delay)
		})
	case FramePubAck:
		i := slices.IndexFunc(c.pubs, func(p *outPub) bool { return p.Req == f.Req && p.Host == peer })
		if i < 0 {
			return // answered before (a resend's second answer)
		}
		p := c.pubs[i]
		c.pubs = slices.Delete(c.pubs, i, i+1)
		out.Del(pubKey(p.Req))
		out.Emit(Published{Host: peer, Req: p.Req, Msg: p.Msg, Ack: PubAck{Stream: f.Stream, Seq: f.Seq, Duplicate: f.Dup}, Err: f.Err})
	case FrameMsgs:
		i := slices.IndexFunc(c.fetch, func(fe fetched) bool { return fe.req == f.Req && fe.host == peer })
		if i < 0 {
			return // a fetch of an earlier incarnation: its messages come again after AckWait
		}
		fe := c.fetch[i]
		c.fetch = slices.Delete(c.fetch, i, i+1)
		if f.Err != "" {
			out.Emit(FetchFailed{Host: peer, Err: f.Err})
		}
		msgs := make([]Delivery, 0, len(f.Msgs))
		for _, d := range f.Msgs {
			d.Data = slices.Clone(d.Data)
			msgs = append(msgs, d)
			out.Emit(Received{Host: peer, Stream: fe.stream, Consumer: fe.consumer, Delivery: d})
		}
		out.Emit(FetchDone{Host: peer, Req: f.Req, Msgs: msgs, Err: f.Err})
	}
}

// refuse answers a refused publish or fetch.
func (c *Core) refuse(peer common.Address, f Frame, why string, out *service.Effects) {
	switch f.Kind {
	case FramePub:
		out.To(peer, AppendFrame(nil, Frame{Kind: FramePubAck, Req: f.Req, Err: why}))
	case FrameFetch:
		out.To(peer, AppendFrame(nil, Frame{Kind: FrameMsgs, Req: f.Req, Err: why}))
	}
}

// deadAround runs op and emits the dead letters of stream it made, if
// the engine makes them at once (deadNow).
func (c *Core) deadAround(now time.Time, stream string, out *service.Effects, op func() ([]Delivery, error)) ([]Delivery, error) {
	if _, ok := c.eng.(deadNow); !ok {
		return op()
	}
	before, _ := c.eng.DeadLetters(now, stream)
	ds, err := op()
	after, _ := c.eng.DeadLetters(now, stream)
	for _, d := range after[min(len(before), len(after)):] {
		out.Emit(DeadLettered{Stream: stream, DeadLetter: d})
	}
	return ds, err
}
