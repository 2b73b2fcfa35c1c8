package mq

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATSEngine is the Engine of a node: its embedded nats-server, through
// an in-process client of the owner. It keeps the wall clock (now is
// ignored) and blocks for up to Wait on a Fetch, as a pull does; the
// messages it delivered are held until settled.
type NATSEngine struct {
	s  *Server
	nc *nats.Conn
	js jetstream.JetStream
	// Wait bounds a Fetch that finds nothing due (default 500 ms).
	Wait time.Duration

	mu   sync.Mutex
	held map[string]jetstream.Msg // stream/consumer/seq
}

// NewNATSEngine opens an in-process connection to s.
func NewNATSEngine(s *Server) (*NATSEngine, error) {
	nc, err := s.Connect(nats.Name("anynet-mq-engine"))
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("mq: jetstream: %w", err)
	}
	return &NATSEngine{s: s, nc: nc, js: js, Wait: 500 * time.Millisecond, held: map[string]jetstream.Msg{}}, nil
}

// Close closes the engine's connection (not the server).
func (e *NATSEngine) Close() { e.nc.Close() }

func (e *NATSEngine) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}

// AddStream implements Engine.
func (e *NATSEngine) AddStream(_ time.Time, spec StreamSpec) error {
	ctx, cancel := e.ctx()
	defer cancel()
	_, err := e.s.AddStream(ctx, spec)
	return err
}

// AddConsumer implements Engine.
func (e *NATSEngine) AddConsumer(_ time.Time, stream string, spec ConsumerSpec) error {
	ctx, cancel := e.ctx()
	defer cancel()
	_, err := e.js.CreateOrUpdateConsumer(ctx, stream, jetstream.ConsumerConfig{Durable: spec.Name,
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: spec.AckWait, MaxDeliver: spec.MaxDeliver})
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		err = fmt.Errorf("%w: %s", ErrNoStream, stream)
	}
	return err
}

// Publish implements Engine.
func (e *NATSEngine) Publish(_ time.Time, m Message) (PubAck, error) {
	ctx, cancel := e.ctx()
	defer cancel()
	var opts []jetstream.PublishOpt
	if m.ID != "" {
		opts = append(opts, jetstream.WithMsgID(m.ID))
	}
	a, err := e.js.Publish(ctx, m.Subject, m.Data, opts...)
	if errors.Is(err, jetstream.ErrNoStreamResponse) {
		return PubAck{}, fmt.Errorf("%w for %s", ErrNoStream, m.Subject)
	}
	if err != nil {
		return PubAck{}, fmt.Errorf("mq: publish %s: %w", m.Subject, err)
	}
	return PubAck{Stream: a.Stream, Seq: a.Sequence, Duplicate: a.Duplicate}, nil
}

// Fetch implements Engine.
func (e *NATSEngine) Fetch(_ time.Time, stream, consumer string, n int) ([]Delivery, error) {
	ctx, cancel := e.ctx()
	defer cancel()
	c, err := e.js.Consumer(ctx, stream, consumer)
	if err != nil {
		return nil, fmt.Errorf("%w: %s on %s: %v", ErrNoConsumer, consumer, stream, err)
	}
	b, err := c.Fetch(n, jetstream.FetchMaxWait(e.Wait))
	if err != nil {
		return nil, fmt.Errorf("mq: fetch: %w", err)
	}
	var out []Delivery
	for m := range b.Messages() {
		md, err := m.Metadata()
		if err != nil {
			return out, fmt.Errorf("mq: fetch: %w", err)
		}
		e.mu.Lock()
		e.held[heldKey(stream, consumer, md.Sequence.Stream)] = m
		e.mu.Unlock()
		out = append(out, Delivery{Seq: md.Sequence.Stream, Deliveries: int(md.NumDelivered), Subject: m.Subject(),
			ID: m.Headers().Get(jetstream.MsgIDHeader), Data: m.Data()})
	}
	if err := b.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
		return out, fmt.Errorf("mq: fetch: %w", err)
	}
	return out, nil
}

func heldKey(stream, consumer string, seq uint64) string {
	return stream + "/" + consumer + "/" + strconv.FormatUint(seq, 10)
}

// Settle implements Engine.
func (e *NATSEngine) Settle(_ time.Time, stream, consumer string, seq uint64, how Settlement, delay time.Duration) error {
	k := heldKey(stream, consumer, seq)
	e.mu.Lock()
	m, ok := e.held[k]
	delete(e.held, k)
	e.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: %d of %s", ErrNotPending, seq, consumer)
	}
	ctx, cancel := e.ctx()
	defer cancel()
	switch how {
	case Ack:
		return m.DoubleAck(ctx)
	case Nak:
		return m.NakWithDelay(delay)
	case Term:
		return m.Term()
	}
	return fmt.Errorf("mq: settlement %d: %w", how, ErrProtocol)
}

// DeadLetters implements Engine: the dead-letter stream's copies of
// stream's messages, with each original's id.
func (e *NATSEngine) DeadLetters(_ time.Time, stream string) ([]DeadLetter, error) {
	ctx, cancel := e.ctx()
	defer cancel()
	oc, err := e.js.OrderedConsumer(ctx, DeadLetterStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{DeadLetterPrefix + stream + ".>"}})
	if err != nil {
		return nil, fmt.Errorf("mq: dead letters: %w", err)
	}
	st, err := e.js.Stream(ctx, stream)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNoStream, stream)
	}
	var out []DeadLetter
	for {
		m, err := oc.Next(jetstream.FetchMaxWait(200 * time.Millisecond))
		if err != nil {
			break // nothing more
		}
		h := m.Headers()
		seq, _ := strconv.ParseUint(h.Get(HdrDeadSeq), 10, 64)
		n, _ := strconv.Atoi(h.Get(HdrDeadDeliveries))
		reason, _, _ := strings.Cut(h.Get(HdrDeadReason), ":")
		d := DeadLetter{Consumer: h.Get(HdrDeadConsumer), Seq: seq, Deliveries: n, Reason: reason}
		if raw, err := st.GetMsg(ctx, seq); err == nil {
			d.ID = raw.Header.Get(jetstream.MsgIDHeader)
		}
		out = append(out, d)
	}
	return out, nil
}
