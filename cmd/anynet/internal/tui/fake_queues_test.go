package tui

import (
	"context"
	"strings"
	"testing"
	"time"
)

var _ QueuesBackend = (*fakeBackend)(nil)

func (f *fakeBackend) Queues(context.Context) (Queues, error) {
	if err := f.err("Queues"); err != nil {
		return Queues{}, err
	}
	return Queues{Port: 4222, Gateway: "127.0.0.1:4222", DeadLetters: 2,
		Streams: []QueueStream{
			{Name: "DLQ", Subjects: []string{"dlq.>"}, Retention: "limits", Messages: 2},
			{Name: "ORDERS", Subjects: []string{"orders.>"}, Retention: "workqueue", Messages: 17, Consumers: 2, Replicas: 3},
		},
		Cluster: []string{"0x00000000000000000000000000000000000000c1", "0x00000000000000000000000000000000000000c2"},
		Grants:  []QueueGrant{{Wallet: "0x00000000000000000000000000000000000000b0", Publish: []string{"orders.>"}, Consume: []string{"ORDERS"}}},
	}, nil
}

// load fetches snapshot view s's answer and takes it, as a refresh does.
func load(m *model, s *snapSpec) {
	m.snapResult(m.refreshSnap(s, true)().(snapMsg))
}

// TestQueuesView: the Queues tab (digit 9) shows the streams with their
// counts and replicas, the dead letters, the gateway, the cluster and
// the grants.
func TestQueuesView(t *testing.T) {
	m := newModel(context.Background(), newFake(), Options{Refresh: -1, Timeout: time.Second}, nil)
	m.current = viewQueues
	load(m, queuesView)
	out := m.viewSnap(queuesView, 100, 20)
	for _, want := range []string{"ORDERS", "17", "workqueue", "orders.>", "dead letters 2", "127.0.0.1:4222", "0x0000…00b0", "consume ORDERS", "cluster with 0x0000…00c1 0x0000…00c2", "  2   3  workqueue"} {
		if !strings.Contains(out, want) {
			t.Errorf("Queues view lacks %q:\n%s", want, out)
		}
	}
}
