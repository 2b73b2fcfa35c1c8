package mq

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/anynet/anynet/apps/service"
)

// MemEngine is a deterministic in-memory subset of JetStream for the
// simulator, where nats-server cannot run (it keeps the wall clock and
// goroutines of its own): limits-retention streams matched by subject
// with a de-duplication window on message ids, durable pull consumers
// with AckWait, ack / nak with a delay / term, MaxDeliver, and dead
// letters (the engine's advisories plus this package's DLQ stream, in
// one). Time is only what the caller passes; nothing is random; its
// state is written through a service.Store (TakeWrites: the caller
// applies them before it answers), so a restarted MemEngine over the
// same store holds every acknowledged publish, as the engine's files
// do. TestEngineConformance checks it against NATSEngine.
//
// Consumers may have a BackOff and start at a sequence (a replay).
// Not in the subset: interest and work-queue retention, limits other
// than the window, delayed messages, replicas, replay by time, push
// consumers; the real engine has them.
type MemEngine struct {
	streams []*memStream // by name
	writes  []service.Write
}

type memStream struct {
	spec  memStreamSpec
	msgs  []memMsg // by seq
	byID  map[string]uint64
	cons  []*memConsumer // by name
	dead  []DeadLetter
	order int // dead letters made so far
}

type memStreamSpec struct {
	Name       string        `json:"name"`
	Subjects   []string      `json:"subjects"`
	Duplicates time.Duration `json:"dup"`
}

type memMsg struct {
	Seq     uint64    `json:"seq"`
	Subject string    `json:"subj"`
	ID      string    `json:"id,omitempty"`
	Data    []byte    `json:"data"`
	At      time.Time `json:"at"`
}

type memConsumer struct {
	Spec    ConsumerSpec `json:"spec"`
	Next    uint64       `json:"next"` // the next new message's seq
	Pending []memPending `json:"pending,omitempty"`
}

type memPending struct {
	Seq        uint64    `json:"seq"`
	Deliveries int       `json:"n"`
	Due        time.Time `json:"due"` // delivered again from then on
}

// Store keys of a MemEngine.
const (
	memStreamKey   = "mq/e/s/" // + stream
	memMsgKey      = "mq/e/m/" // + stream + "/" + %016x seq
	memConsumerKey = "mq/e/c/" // + stream + "/" + consumer
	memDeadKey     = "mq/e/d/" // + stream + "/" + %016x order
)

// NewMemEngine loads a MemEngine from st.
func NewMemEngine(st service.Store) (*MemEngine, error) {
	e := &MemEngine{}
	err := st.Scan([]byte(memStreamKey), func(_, v []byte) bool {
		var sp memStreamSpec
		if json.Unmarshal(v, &sp) != nil {
			return true
		}
		e.streams = append(e.streams, &memStream{spec: sp, byID: map[string]uint64{}})
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("mq: load streams: %w", err)
	}
	for _, s := range e.streams {
		n := s.spec.Name + "/"
		if err := st.Scan([]byte(memMsgKey+n), func(_, v []byte) bool {
			var m memMsg
			if json.Unmarshal(v, &m) == nil {
				s.msgs = append(s.msgs, m)
				if m.ID != "" {
					s.byID[m.ID] = m.Seq
				}
			}
			return true
		}); err != nil {
			return nil, fmt.Errorf("mq: load messages: %w", err)
		}
		if err := st.Scan([]byte(memConsumerKey+n), func(_, v []byte) bool {
			var c memConsumer
			if json.Unmarshal(v, &c) == nil {
				s.cons = append(s.cons, &c)
			}
			return true
		}); err != nil {
			return nil, fmt.Errorf("mq: load consumers: %w", err)
		}
		if err := st.Scan([]byte(memDeadKey+n), func(_, v []byte) bool {
			var d DeadLetter
			if json.Unmarshal(v, &d) == nil {
				s.dead = append(s.dead, d)
			}
			return true
		}); err != nil {
			return nil, fmt.Errorf("mq: load dead letters: %w", err)
		}
		s.order = len(s.dead)
	}
	return e, nil
}

func (e *MemEngine) deadLettersNow() {}

// TakeWrites returns the store writes of the calls since the last
// TakeWrites; the caller applies them before it answers any of them.
func (e *MemEngine) TakeWrites() []service.Write {
	w := e.writes
	e.writes = nil
	return w
}

func (e *MemEngine) put(key string, v any) {
	b, _ := json.Marshal(v) // plain structs: never fails
	e.writes = append(e.writes, service.Write{Key: []byte(key), Value: b})
}

func (e *MemEngine) stream(name string) (*memStream, error) {
	i, ok := slices.BinarySearchFunc(e.streams, name, func(s *memStream, n string) int { return cmpString(s.spec.Name, n) })
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoStream, name)
	}
	return e.streams[i], nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *memStream) consumer(name string) (*memConsumer, error) {
	for _, c := range s.cons {
		if c.Spec.Name == name {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: %s on %s", ErrNoConsumer, name, s.spec.Name)
}

// AddStream implements Engine.
func (e *MemEngine) AddStream(_ time.Time, spec StreamSpec) error {
	if err := checkStreamName(spec.Name); err != nil || len(spec.Subjects) == 0 {
		return fmt.Errorf("mq: stream %q: %w", spec.Name, ErrPolicy)
	}
	if _, err := e.stream(spec.Name); err == nil {
		return nil
	}
	dup := spec.Duplicates
	if dup == 0 {
		dup = 2 * time.Minute // the engine's default
	}
	sp := memStreamSpec{Name: spec.Name, Subjects: slices.Clone(spec.Subjects), Duplicates: dup}
	e.streams = append(e.streams, &memStream{spec: sp, byID: map[string]uint64{}})
	sort.Slice(e.streams, func(i, j int) bool { return e.streams[i].spec.Name < e.streams[j].spec.Name })
	e.put(memStreamKey+sp.Name, sp)
	return nil
}

// AddConsumer implements Engine.
func (e *MemEngine) AddConsumer(_ time.Time, stream string, spec ConsumerSpec) error {
	s, err := e.stream(stream)
	if err != nil {
		return err
	}
	if _, err := s.consumer(spec.Name); err == nil {
		return nil
	}
	if len(spec.BackOff) > 0 {
		spec.AckWait = spec.BackOff[0] // the engine's rule
		if spec.MaxDeliver > 0 && spec.MaxDeliver <= len(spec.BackOff) {
			return fmt.Errorf("mq: consumer %s: max deliver %d within its %d backoffs: %w", spec.Name, spec.MaxDeliver, len(spec.BackOff), ErrPolicy)
		}
	}
	if spec.AckWait <= 0 {
		spec.AckWait = 30 * time.Second // the engine's default
	}
	c := &memConsumer{Spec: spec, Next: max(spec.StartSeq, 1)}
	s.cons = append(s.cons, c)
	e.putConsumer(s, c)
	return nil
}

func (e *MemEngine) putConsumer(s *memStream, c *memConsumer) {
	e.put(memConsumerKey+s.spec.Name+"/"+c.Spec.Name, c)
}

// Publish implements Engine.
func (e *MemEngine) Publish(now time.Time, m Message) (PubAck, error) {
	var s *memStream
	for _, st := range e.streams {
		for _, f := range st.spec.Subjects {
			if subjectMatch(f, m.Subject) {
				s = st
			}
		}
	}
	if s == nil {
		return PubAck{}, fmt.Errorf("%w for %s", ErrNoStream, m.Subject)
	}
	if m.ID != "" {
		if old, ok := s.msg(s.byID[m.ID]); ok && now.Sub(old.At) < s.spec.Duplicates {
			return PubAck{Stream: s.spec.Name, Seq: old.Seq, Duplicate: true}, nil
		}
	}
	mm := memMsg{Seq: uint64(len(s.msgs)) + 1, Subject: m.Subject, ID: m.ID, Data: slices.Clone(m.Data), At: now}
	s.msgs = append(s.msgs, mm)
	if m.ID != "" {
		s.byID[m.ID] = mm.Seq
	}
	e.put(fmt.Sprintf("%s%s/%016x", memMsgKey, s.spec.Name, mm.Seq), mm)
	return PubAck{Stream: s.spec.Name, Seq: mm.Seq}, nil
}

// Fetch implements Engine.
func (e *MemEngine) Fetch(now time.Time, stream, consumer string, n int) ([]Delivery, error) {
	s, err := e.stream(stream)
	if err != nil {
		return nil, err
	}
	c, err := s.consumer(consumer)
	if err != nil {
		return nil, err
	}
	var out []Delivery
	changed := false
	keep := c.Pending[:0]
	for _, p := range c.Pending { // by seq: redeliveries first
		if len(out) >= n || now.Before(p.Due) {
			keep = append(keep, p)
			continue
		}
		changed = true
		if _, ok := s.msg(p.Seq); !ok { // gone from the stream: nothing to deliver
			continue
		}
		if c.Spec.MaxDeliver > 0 && p.Deliveries >= c.Spec.MaxDeliver {
			e.deadLetter(s, c, p, "max_deliveries")
			continue
		}
		p.Deliveries++
		p.Due = now.Add(c.Spec.ackWait(p.Deliveries))
		keep = append(keep, p)
		out = append(out, s.delivery(p))
	}
	c.Pending = keep
	for len(out) < n && c.Next <= uint64(len(s.msgs)) {
		p := memPending{Seq: c.Next, Deliveries: 1, Due: now.Add(c.Spec.ackWait(1))}
		c.Next++
		c.Pending = append(c.Pending, p)
		out = append(out, s.delivery(p))
		changed = true
	}
	if changed {
		e.putConsumer(s, c)
	}
	return out, nil
}

// msg is the message at seq, unless the stream no longer holds it.
func (s *memStream) msg(seq uint64) (memMsg, bool) {
	if seq == 0 || seq > uint64(len(s.msgs)) {
		return memMsg{}, false
	}
	return s.msgs[seq-1], true
}

func (s *memStream) delivery(p memPending) Delivery {
	m, _ := s.msg(p.Seq)
	return Delivery{Seq: p.Seq, Deliveries: p.Deliveries, Subject: m.Subject, ID: m.ID, Data: m.Data}
}

func (e *MemEngine) deadLetter(s *memStream, c *memConsumer, p memPending, reason string) {
	m, _ := s.msg(p.Seq)
	d := DeadLetter{Consumer: c.Spec.Name, Seq: p.Seq, ID: m.ID, Deliveries: p.Deliveries, Reason: reason}
	s.dead = append(s.dead, d)
	s.order++
	e.put(fmt.Sprintf("%s%s/%016x", memDeadKey, s.spec.Name, s.order), d)
}

// Settle implements Engine.
func (e *MemEngine) Settle(now time.Time, stream, consumer string, seq uint64, how Settlement, delay time.Duration) error {
	s, err := e.stream(stream)
	if err != nil {
		return err
	}
	c, err := s.consumer(consumer)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(c.Pending, func(p memPending) bool { return p.Seq == seq })
	if i < 0 {
		return fmt.Errorf("%w: %d of %s", ErrNotPending, seq, consumer)
	}
	switch how {
	case Ack:
		c.Pending = slices.Delete(c.Pending, i, i+1)
	case Nak:
		// At once without a delay; with one, from when its AckWait would
		// have begun (the engine's rule, which BackOff makes differ).
		c.Pending[i].Due = now
		if delay > 0 {
			c.Pending[i].Due = now.Add(delay - c.Spec.AckWait + c.Spec.ackWait(c.Pending[i].Deliveries))
		}
	case Term:
		e.deadLetter(s, c, c.Pending[i], "terminated")
		c.Pending = slices.Delete(c.Pending, i, i+1)
	default:
		return fmt.Errorf("mq: settlement %d: %w", how, ErrProtocol)
	}
	e.putConsumer(s, c)
	return nil
}

// DeadLetters implements Engine.
func (e *MemEngine) DeadLetters(_ time.Time, stream string) ([]DeadLetter, error) {
	s, err := e.stream(stream)
	if err != nil {
		return nil, err
	}
	return slices.Clone(s.dead), nil
}

// Messages is how many messages stream holds.
func (e *MemEngine) Messages(stream string) (uint64, error) {
	s, err := e.stream(stream)
	if err != nil {
		return 0, err
	}
	return uint64(len(s.msgs)), nil
}
