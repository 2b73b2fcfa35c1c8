package mq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The dead-letter stream: a message that reached its consumer's
// MaxDeliver, or that a consumer terminated (Term), is copied to
// DeadLetterStream under "dlq.<stream>.<consumer>" with its headers and
// these, exactly once (the copy's Nats-Msg-Id is
// "dlq:<stream>:<consumer>:<seq>" and the stream's duplicate window
// drops a second copy).
const (
	DeadLetterStream  = "DLQ"
	DeadLetterPrefix  = "dlq."
	HdrDeadStream     = "Anynet-Dlq-Stream"
	HdrDeadConsumer   = "Anynet-Dlq-Consumer"
	HdrDeadSeq        = "Anynet-Dlq-Seq"
	HdrDeadSubject    = "Anynet-Dlq-Subject"
	HdrDeadDeliveries = "Anynet-Dlq-Deliveries"
	HdrDeadReason     = "Anynet-Dlq-Reason" // "max_deliveries" or "terminated[: why]"
	// AdvisoryStream keeps the engine's max-delivery and termination
	// advisories until the dead-letter worker copied their message, so a
	// crash between the two loses nothing.
	AdvisoryStream = "MQ_ADVISORIES"
)

const (
	advMaxDeliveries = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES."
	advTerminated    = "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED."
	dlqConsumer      = "mq-dlq"
	dlqWindow        = 10 * time.Minute
)

// deadLetters is the worker that turns advisories into dead letters.
type deadLetters struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	log *slog.Logger

	mu sync.Mutex // guards cc
	cc jetstream.ConsumeContext
}

// newDeadLetters opens the worker's own in-process connection; setUp
// makes its streams and starts it.
func newDeadLetters(s *Server) (*deadLetters, error) {
	nc, err := s.Connect(nats.Name("anynet-mq-dlq"))
	if err != nil {
		return nil, err
	}
	d := &deadLetters{nc: nc, log: s.log}
	if d.js, err = jetstream.New(nc); err != nil {
		nc.Close()
		return nil, fmt.Errorf("mq: dead letters: %w", err)
	}
	return d, nil
}

// setUp makes the advisory and dead-letter streams (with replicas
// copies each, on a cluster) and the worker's durable consumer, and
// starts consuming. On a cluster every member's worker shares the one
// durable consumer, so each advisory is handled by one of them.
func (d *deadLetters) setUp(ctx context.Context, replicas int) error {
	streams := []jetstream.StreamConfig{
		{Name: AdvisoryStream, Subjects: []string{advMaxDeliveries + ">", advTerminated + ">"},
			Storage: jetstream.FileStorage, MaxAge: 7 * 24 * time.Hour, Replicas: replicas},
		{Name: DeadLetterStream, Subjects: []string{DeadLetterPrefix + ">"},
			Storage: jetstream.FileStorage, Duplicates: dlqWindow, Replicas: replicas},
	}
	for _, cfg := range streams {
		if _, err := d.js.CreateOrUpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("mq: stream %s: %w", cfg.Name, err)
		}
	}
	cons, err := d.js.CreateOrUpdateConsumer(ctx, AdvisoryStream, jetstream.ConsumerConfig{
		Durable: dlqConsumer, AckPolicy: jetstream.AckExplicitPolicy, AckWait: 30 * time.Second,
		Replicas: replicas})
	if err != nil {
		return fmt.Errorf("mq: dead-letter consumer: %w", err)
	}
	cc, err := cons.Consume(d.handle)
	if err != nil {
		return fmt.Errorf("mq: dead-letter consume: %w", err)
	}
	d.mu.Lock()
	d.cc = cc
	d.mu.Unlock()
	return nil
}

// keepSettingUp retries setUp until it works or ctx ends: a cluster's
// JetStream answers only once its members elected a leader. replicas is
// asked at each try: a member finds the others' nodes as it goes.
func (d *deadLetters) keepSettingUp(ctx context.Context, replicas func() int) {
	for {
		try, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := d.setUp(try, replicas())
		cancel()
		if err == nil {
			return
		}
		d.log.Debug("mq: dead letters not set up yet", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// advisory is the part of a JetStream consumer advisory the worker reads.
type advisory struct {
	Stream     string `json:"stream"`
	Consumer   string `json:"consumer"`
	StreamSeq  uint64 `json:"stream_seq"`
	Deliveries uint64 `json:"deliveries"`
	Reason     string `json:"reason"`
}

func (d *deadLetters) handle(m jetstream.Msg) {
	var adv advisory
	if err := json.Unmarshal(m.Data(), &adv); err != nil || adv.Stream == "" || adv.StreamSeq == 0 {
		d.log.Warn("mq: advisory not understood", "subject", m.Subject(), "err", err)
		m.Term()
		return
	}
	if adv.Stream == AdvisoryStream {
		m.Ack()
		return
	}
	reason := "max_deliveries"
	if strings.HasPrefix(m.Subject(), advTerminated) {
		reason = "terminated"
		if adv.Reason != "" {
			reason += ": " + adv.Reason
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.deadLetter(ctx, adv, reason); err != nil {
		d.log.Warn("mq: dead letter", "stream", adv.Stream, "seq", adv.StreamSeq, "err", err)
		m.NakWithDelay(time.Second)
		return
	}
	m.DoubleAck(ctx)
}

// deadLetter copies the advised message to the dead-letter stream.
func (d *deadLetters) deadLetter(ctx context.Context, adv advisory, reason string) error {
	out := nats.NewMsg(DeadLetterPrefix + adv.Stream + "." + adv.Consumer)
	st, err := d.js.Stream(ctx, adv.Stream)
	if err != nil {
		return fmt.Errorf("stream: %w", err)
	}
	raw, err := st.GetMsg(ctx, adv.StreamSeq)
	switch {
	case errors.Is(err, jetstream.ErrMsgNotFound):
		out.Header.Set(HdrDeadReason, reason+" (message gone from the stream)")
	case err != nil:
		return fmt.Errorf("get %d: %w", adv.StreamSeq, err)
	default:
		for k, vs := range raw.Header {
			if strings.HasPrefix(k, "Nats-") {
				continue // the engine's own headers would act again
			}
			out.Header[k] = vs
		}
		out.Data = raw.Data
		out.Header.Set(HdrDeadSubject, raw.Subject)
		out.Header.Set(HdrDeadReason, reason)
	}
	out.Header.Set(HdrDeadStream, adv.Stream)
	out.Header.Set(HdrDeadConsumer, adv.Consumer)
	out.Header.Set(HdrDeadSeq, strconv.FormatUint(adv.StreamSeq, 10))
	out.Header.Set(HdrDeadDeliveries, strconv.FormatUint(adv.Deliveries, 10))
	id := fmt.Sprintf("dlq:%s:%s:%d", adv.Stream, adv.Consumer, adv.StreamSeq)
	_, err = d.js.PublishMsg(ctx, out, jetstream.WithMsgID(id))
	return err
}

func (d *deadLetters) close() {
	d.mu.Lock()
	if d.cc != nil {
		d.cc.Stop()
	}
	d.mu.Unlock()
	d.nc.Close()
}
