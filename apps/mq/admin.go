package mq

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// StreamSpec is what the owner's CLI and control API make a stream
// from; the Go API and NATS clients can use the engine's full
// jetstream.StreamConfig instead.
type StreamSpec struct {
	Name     string
	Subjects []string
	// Retention is "limits" (default), "interest" or "workqueue".
	Retention string
	// MaxAge, MaxMsgs and MaxBytes limit what is kept; 0 is no limit.
	MaxAge   time.Duration
	MaxMsgs  int64
	MaxBytes int64
	// Duplicates is the de-duplication window of message ids; 0 is the
	// engine's (2 minutes).
	Duplicates time.Duration
	// Delayed lets messages carry a schedule (delayed delivery), and
	// adds the stream's schedule subjects, ScheduleSubject(Name, ">").
	Delayed bool
	// Replicas is how many members of the node's cluster keep a copy
	// (at most 5); 0 means 1, the only choice on a node alone.
	Replicas int
}

// ScheduleSubject is where a delayed message for subject is published
// in stream (with Nats-Schedule and Nats-Schedule-Target headers):
// "mq.schedule.<stream>.<subject>". Schedules live outside the stream's
// own subjects, so consumers filtered on those (Fetch makes them so)
// see each delayed message once, when it fires, and not its schedule.
func ScheduleSubject(stream, subject string) string {
	return SchedulePrefix + stream + "." + subject
}

// SchedulePrefix begins every schedule subject.
const SchedulePrefix = "mq.schedule."

// StreamInfo is a stream as the owner's surfaces show it.
type StreamInfo struct {
	Name      string   `json:"name"`
	Subjects  []string `json:"subjects"`
	Retention string   `json:"retention"`
	Messages  uint64   `json:"messages"`
	Bytes     uint64   `json:"bytes"`
	FirstSeq  uint64   `json:"first_seq"`
	LastSeq   uint64   `json:"last_seq"`
	Consumers int      `json:"consumers"`
	// Replicas is how many members keep the stream; Leader is the
	// engine (its server name) that leads it on a cluster.
	Replicas int    `json:"replicas"`
	Leader   string `json:"leader,omitempty"`
}

var retentions = map[string]jetstream.RetentionPolicy{
	"": jetstream.LimitsPolicy, "limits": jetstream.LimitsPolicy,
	"interest": jetstream.InterestPolicy, "workqueue": jetstream.WorkQueuePolicy,
}

// AddStream creates (or updates) a file-stored stream from spec.
func (s *Server) AddStream(ctx context.Context, spec StreamSpec) (StreamInfo, error) {
	if err := checkStreamName(spec.Name); err != nil {
		return StreamInfo{}, fmt.Errorf("%w: %v", ErrPolicy, err)
	}
	ret, ok := retentions[spec.Retention]
	if !ok {
		return StreamInfo{}, fmt.Errorf("%w: retention %q: want limits, interest or workqueue", ErrPolicy, spec.Retention)
	}
	cfg := jetstream.StreamConfig{Name: spec.Name, Subjects: spec.Subjects, Retention: ret,
		Storage: jetstream.FileStorage, MaxAge: spec.MaxAge, MaxMsgs: spec.MaxMsgs, MaxBytes: spec.MaxBytes,
		Duplicates: spec.Duplicates, AllowMsgSchedules: spec.Delayed, Replicas: spec.Replicas}
	if spec.Delayed {
		cfg.Subjects = append(slices.Clone(cfg.Subjects), ScheduleSubject(spec.Name, ">"))
	}
	if cfg.MaxMsgs == 0 {
		cfg.MaxMsgs = -1
	}
	if cfg.MaxBytes == 0 {
		cfg.MaxBytes = -1
	}
	st, err := s.dlq.js.CreateOrUpdateStream(ctx, cfg)
	if err != nil {
		return StreamInfo{}, fmt.Errorf("mq: stream %s: %w", spec.Name, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return StreamInfo{}, fmt.Errorf("mq: stream %s: %w", spec.Name, err)
	}
	return streamInfo(info), nil
}

// DeleteStream removes a stream and its messages.
func (s *Server) DeleteStream(ctx context.Context, name string) error {
	if err := s.dlq.js.DeleteStream(ctx, name); err != nil {
		return fmt.Errorf("mq: delete stream %s: %w", name, err)
	}
	return nil
}

// Streams lists this node's streams, by name.
func (s *Server) Streams(ctx context.Context) ([]StreamInfo, error) {
	var out []StreamInfo
	l := s.dlq.js.ListStreams(ctx)
	for info := range l.Info() {
		out = append(out, streamInfo(info))
	}
	if err := l.Err(); err != nil && !errors.Is(err, jetstream.ErrEndOfData) {
		return nil, fmt.Errorf("mq: streams: %w", err)
	}
	return out, nil
}

func streamInfo(i *jetstream.StreamInfo) StreamInfo {
	var leader string
	if i.Cluster != nil && len(i.Cluster.Replicas) > 0 {
		leader = i.Cluster.Leader
	}
	ret := "limits"
	switch i.Config.Retention {
	case jetstream.InterestPolicy:
		ret = "interest"
	case jetstream.WorkQueuePolicy:
		ret = "workqueue"
	}
	return StreamInfo{Name: i.Config.Name, Subjects: i.Config.Subjects, Retention: ret,
		Messages: i.State.Msgs, Bytes: i.State.Bytes, FirstSeq: i.State.FirstSeq, LastSeq: i.State.LastSeq,
		Consumers: i.State.Consumers, Replicas: max(1, i.Config.Replicas), Leader: leader}
}
