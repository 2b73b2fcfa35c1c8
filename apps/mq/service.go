package mq

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/internal/runner"
	"github.com/anynet/anynet/apps/service"
)

// ServiceConfig configures a Service.
type ServiceConfig struct {
	// Host is the node; required.
	Host service.Host
	// Store keeps the core's outbox, its request counter and the
	// owner's policy (the same store as the Server's Config.Store, so
	// both read one policy); required. A synced Pebble on a node.
	Store service.Store
	// Engine hosts the node's queues (Lazy.Engine on a node); nil hosts
	// none.
	Engine Engine
	// OnEvent, if set, gets the core's events (Stored, Published, …)
	// from the runner's goroutine: it must not block.
	OnEvent func(any)
	Logger  *slog.Logger
}

// Service runs Core on a node: the shared runner (apps/internal/runner)
// on CorePort, over the node's engine. It is the path by which the
// node's own wallet publishes to and consumes from other wallets'
// streams (the `anynet mq` verbs with --host): a publish is kept in the
// outbox of the core's store and sent again with the same id until its
// host answers, across the host's and this node's restarts. Real NATS
// clients keep the NATS protocol (Server.ServeConn, Gateway): the two
// paths meet in the engine, under the same Policy.
type Service struct {
	r *runner.Runner

	mu      sync.Mutex // guards the fields below
	pubs    map[uint64]Published
	fetches map[uint64]FetchDone
	gaveUp  map[uint64]bool // requests whose caller stopped waiting
	changed chan struct{}   // closed and replaced on every answer
	stored  uint64          // publishes of other wallets this node's engine took through Core
	onEvent func(any)
}

// maxFrame is the largest Core frame a node reads: a message of MaxData
// with its names, or a fetch's answer (which Service.Fetch keeps to
// this size by asking for few messages at a time).
const maxFrame = 4 * MaxData

// StartService starts the core on cfg.Host's CorePort.
func StartService(cfg ServiceConfig) (*Service, error) {
	if cfg.Host == nil || cfg.Store == nil {
		return nil, errors.New("mq: ServiceConfig: Host and Store are required")
	}
	s := &Service{pubs: map[uint64]Published{}, fetches: map[uint64]FetchDone{}, gaveUp: map[uint64]bool{},
		changed: make(chan struct{}), onEvent: cfg.OnEvent}
	core := NewCore(CoreConfig{Self: cfg.Host.Addr(), Store: cfg.Store, Engine: cfg.Engine})
	r, err := runner.Start(runner.Config{Host: cfg.Host, Core: core, Store: cfg.Store, Port: CorePort,
		MaxFrame: maxFrame, OnEvent: s.event, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("mq: %w", err)
	}
	s.r = r
	return s, nil
}

// Close stops the service; its outbox stays in the store.
func (s *Service) Close() error { return s.r.Close() }

// event is the runner's OnEvent: answers wake their waiters.
func (s *Service) event(e any) {
	s.mu.Lock()
	switch e := e.(type) {
	case Published:
		if s.gaveUp[e.Req] {
			delete(s.gaveUp, e.Req)
		} else {
			s.pubs[e.Req] = e
			forgetBefore(s.pubs, e.Req)
		}
		forgetBefore(s.gaveUp, e.Req)
	case FetchDone:
		if s.gaveUp[e.Req] {
			delete(s.gaveUp, e.Req)
		} else {
			s.fetches[e.Req] = e
			forgetBefore(s.fetches, e.Req)
		}
	case Stored:
		s.stored++
	}
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	if s.onEvent != nil {
		s.onEvent(e)
	}
}

// keepAnswers is how many request ids back an answer nobody waits for
// (a publish queued before a restart) is kept.
const keepAnswers = 4096

// forgetBefore drops answers older than keepAnswers requests before req.
func forgetBefore[T any](m map[uint64]T, req uint64) {
	if len(m) <= keepAnswers {
		return
	}
	for r := range m {
		if r+keepAnswers < req {
			delete(m, r)
		}
	}
}

// Stored is how many publishes of other wallets this node's engine
// stored through the core since it started.
func (s *Service) Stored() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stored
}

// ErrQueued: the host did not answer a publish within the wait; it is
// in the outbox and sent again until the host takes it.
var ErrQueued = errors.New("mq: queued in the outbox: the host has not answered yet")

// Publish sends m to host's queues through the core and waits up to
// wait for the host's answer. Without one it returns the request id
// and ErrQueued: the publish stays in the outbox (across restarts) and
// is sent again, with the same id, until the host answers.
func (s *Service) Publish(ctx context.Context, host common.Address, m Message, wait time.Duration) (PubAck, uint64, error) {
	v, err := s.r.Do(ctx, CorePublish{Host: host, Msg: m})
	if err != nil {
		return PubAck{}, 0, err
	}
	req := v.(uint64)
	p, err := waitFor(ctx, s, wait, func() (Published, bool) {
		p, ok := s.pubs[req]
		delete(s.pubs, req)
		return p, ok
	}, func() { s.gaveUp[req] = true })
	if err != nil {
		return PubAck{}, req, err
	}
	if p.Err != "" {
		return PubAck{}, req, remoteErr(host, p.Err)
	}
	return p.Ack, req, nil
}

// Fetch asks host's consumer of stream for up to n due messages,
// through the core (the host makes the durable consumer on the first
// fetch), waiting up to wait for its answer. The messages must be
// settled (Settle), else they come again after the consumer's AckWait.
func (s *Service) Fetch(ctx context.Context, host common.Address, stream, consumer string, n int, wait time.Duration) ([]Delivery, error) {
	v, err := s.r.Do(ctx, CoreFetch{Host: host, Stream: stream, Consumer: consumer, N: n})
	if err != nil {
		return nil, err
	}
	req := v.(uint64)
	f, err := waitFor(ctx, s, wait, func() (FetchDone, bool) {
		f, ok := s.fetches[req]
		delete(s.fetches, req)
		return f, ok
	}, func() { s.gaveUp[req] = true })
	if err != nil {
		if errors.Is(err, ErrQueued) {
			err = fmt.Errorf("mq: %s did not answer the fetch in %s", host.Hex(), wait)
		}
		return nil, err
	}
	if f.Err != "" {
		return f.Msgs, remoteErr(host, f.Err)
	}
	return f.Msgs, nil
}

// Settle acks, naks or terms a message fetched from host. It is sent
// once: a lost settlement means the message comes again after AckWait.
func (s *Service) Settle(ctx context.Context, host common.Address, stream, consumer string, seq uint64, how Settlement, delay time.Duration) error {
	_, err := s.r.Do(ctx, CoreSettle{Host: host, Stream: stream, Consumer: consumer, Seq: seq, How: how, Delay: delay})
	return err
}

// Outbox lists the publishes not yet acknowledged by their hosts.
func (s *Service) Outbox(ctx context.Context) ([]Outgoing, error) {
	v, err := s.r.Do(ctx, CoreOutbox{})
	if err != nil {
		return nil, err
	}
	return v.([]Outgoing), nil
}

// SetPolicy sets the policy the core checks (the Server's SetPolicy
// sets the engine's permissions for NATS clients).
func (s *Service) SetPolicy(ctx context.Context, p Policy) error {
	_, err := s.r.Do(ctx, SetPolicy{Policy: p})
	return err
}

// waitFor waits until take (called under s.mu) finds an answer, up to
// wait; then it calls giveUp (under s.mu) and returns ErrQueued.
func waitFor[T any](ctx context.Context, s *Service, wait time.Duration, take func() (T, bool), giveUp func()) (T, error) {
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		s.mu.Lock()
		v, ok := take()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return v, nil
		}
		var err error
		select {
		case <-ch:
			continue
		case <-t.C:
			err = ErrQueued
		case <-ctx.Done():
			err = ctx.Err()
		}
		s.mu.Lock()
		v, ok = take()
		if !ok {
			giveUp()
		}
		s.mu.Unlock()
		if ok {
			return v, nil
		}
		var zero T
		return zero, err
	}
}

// remoteErr is a host's error answer, wrapping the sentinel it names.
func remoteErr(host common.Address, msg string) error {
	for _, e := range []error{ErrRefused, ErrNoStream, ErrNoConsumer, ErrNotPending} {
		if strings.Contains(msg, e.Error()) {
			return fmt.Errorf("%w (from %s: %s)", e, host.Hex(), msg)
		}
	}
	return fmt.Errorf("mq: %s: %s", host.Hex(), msg)
}
