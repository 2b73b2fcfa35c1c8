package mq

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATSEngine is the Engine of a node: its embedded nats-server, through
// an in-process client of the owner. It keeps the wall clock (now is
// ignored); each call is one request to the engine in the same process
// (a publish waits for the engine to store the message). A Fetch waits
// up to Wait for a message when none is due, as a pull does; with Wait
// 0 (what Service sets: Core runs in one goroutine) it answers at once
// with what is due. The messages it delivered are held until settled,
// or for HeldFor.
type NATSEngine struct {
	s  *Server
	nc *nats.Conn
	js jetstream.JetStream
	// Wait bounds a Fetch that finds nothing due (default 500 ms; 0:
	// no wait).
	Wait time.Duration

	mu   sync.Mutex
	held map[string]heldMsg // stream/consumer/seq
}

// HeldFor is how long a NATSEngine keeps a delivered message it was not
// told to settle; the engine delivers it again after the consumer's
// AckWait anyway.
const HeldFor = time.Hour

type heldMsg struct {
	m  jetstream.Msg
	at time.Time
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
	return &NATSEngine{s: s, nc: nc, js: js, Wait: 500 * time.Millisecond, held: map[string]heldMsg{}}, nil
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

// AddConsumer implements Engine. The consumer takes the stream's own
// subjects, not its schedules (StreamSpec.Delayed): a delayed message
// is delivered once, when its time comes.
func (e *NATSEngine) AddConsumer(_ time.Time, stream string, spec ConsumerSpec) error {
	ctx, cancel := e.ctx()
	defer cancel()
	st, err := e.js.Stream(ctx, stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("%w: %s", ErrNoStream, stream)
	}
	if err != nil {
		return fmt.Errorf("mq: stream %s: %w", stream, err)
	}
	cfg := jetstream.ConsumerConfig{Durable: spec.Name, AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: spec.AckWait, MaxDeliver: spec.MaxDeliver, BackOff: spec.BackOff}
	if len(spec.BackOff) > 0 {
		cfg.AckWait = spec.BackOff[0]
	}
	if spec.StartSeq > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, spec.StartSeq
	}
	if subj := st.CachedInfo().Config.Subjects; slices.ContainsFunc(subj, isSchedule) {
		cfg.FilterSubjects = slices.DeleteFunc(slices.Clone(subj), isSchedule)
	}
	if _, err := e.js.CreateOrUpdateConsumer(ctx, stream, cfg); err != nil {
		return fmt.Errorf("mq: consumer %s of %s: %w", spec.Name, stream, err)
	}
	return nil
}

func isSchedule(subject string) bool { return strings.HasPrefix(subject, SchedulePrefix) }

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
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		return nil, fmt.Errorf("%w: %s", ErrNoStream, stream)
	case err != nil:
		return nil, fmt.Errorf("%w: %s on %s: %v", ErrNoConsumer, consumer, stream, err)
	}
	var b jetstream.MessageBatch
	if e.Wait > 0 {
		b, err = c.Fetch(n, jetstream.FetchMaxWait(e.Wait))
	} else {
		b, err = c.FetchNoWait(n)
	}
	if err != nil {
		return nil, fmt.Errorf("mq: fetch: %w", err)
	}
	now := time.Now()
	e.mu.Lock()
	for k, h := range e.held {
		if now.Sub(h.at) > HeldFor {
			delete(e.held, k)
		}
	}
	e.mu.Unlock()
	var out []Delivery
	for m := range b.Messages() {
		md, err := m.Metadata()
		if err != nil {
			return out, fmt.Errorf("mq: fetch: %w", err)
		}
		e.mu.Lock()
		e.held[heldKey(stream, consumer, md.Sequence.Stream)] = heldMsg{m: m, at: now}
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
	h, ok := e.held[k]
	delete(e.held, k)
	e.mu.Unlock()
	m := h.m
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
