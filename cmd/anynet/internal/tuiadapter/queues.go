package tuiadapter

import (
	"context"

	"github.com/anynet/anynet/cmd/anynet/internal/tui"
)

var _ tui.QueuesBackend = (*Backend)(nil)

// Queues implements tui.QueuesBackend.
func (b *Backend) Queues(ctx context.Context) (tui.Queues, error) {
	s, err := b.C.MQStatus(ctx)
	if err != nil {
		return tui.Queues{}, err
	}
	q := tui.Queues{Port: s.Port, Gateway: s.Gateway, DeadLetters: s.DeadLetters, Cluster: s.Cluster, Outbox: len(s.Outbox)}
	for _, st := range s.Streams {
		q.Streams = append(q.Streams, tui.QueueStream{Name: st.Name, Subjects: st.Subjects, Retention: st.Retention,
			Messages: st.Messages, Bytes: st.Bytes, Consumers: st.Consumers, Replicas: st.Replicas, Leader: st.Leader})
	}
	for _, g := range s.Policy.Grants {
		q.Grants = append(q.Grants, tui.QueueGrant{Wallet: g.Wallet, Publish: g.Publish, Consume: g.Consume})
	}
	return q, nil
}
