package tui

import (
	"context"
	"fmt"
	"strings"
)

// QueuesBackend is what the Queues view shows. It is optional: a
// Backend that does not implement it gets a Queues view that says so.
type QueuesBackend interface {
	// Queues returns this node's message queues.
	Queues(ctx context.Context) (Queues, error)
}

// Queues is this node's message queues (apps/mq) as the Queues view
// shows them.
type Queues struct {
	Port        int    // overlay TCP port
	Gateway     string // loopback gateway address; "" when off
	Streams     []QueueStream
	DeadLetters uint64
	Grants      []QueueGrant
	// Cluster are the other members of this node's replicated cluster
	// (0x wallets); none when it runs alone.
	Cluster []string
	// Outbox is how many of this node's publishes to other wallets'
	// queues wait for their hosts.
	Outbox int
}

// QueueStream is one stream.
type QueueStream struct {
	Name      string
	Subjects  []string
	Retention string
	Messages  uint64
	Bytes     uint64
	Consumers int
	Replicas  int    // copies kept by cluster members (1 alone)
	Leader    string // the engine leading it on a cluster
}

// QueueGrant is what one wallet ("*": any) may do.
type QueueGrant struct {
	Wallet           string
	Publish, Consume []string
}

// queuesView is the Queues view (a snapshot view).
var queuesView = snapshot("queues", "this node runs no message queues", "",
	func(b QueuesBackend, ctx context.Context, _ bool) (Queues, error) { return b.Queues(ctx) }, (*model).queuesPage)

// queuesPage draws the streams (name, messages, consumers, subjects),
// the dead letters, the ports and the grants.
func (m *model) queuesPage(q *Queues, _ int) snapPage {
	st := m.st
	gw := q.Gateway
	if gw == "" {
		gw = "off"
	}
	lines := []string{
		st.heading.Render("Queues") + " " + st.dim.Render(fmt.Sprintf("overlay tcp %d · gateway %s · dead letters %d", q.Port, gw, q.DeadLetters)),
	}
	if len(q.Cluster) > 0 {
		ws := make([]string, len(q.Cluster))
		for i, w := range q.Cluster {
			ws[i] = shortWallet(w)
		}
		lines = append(lines, st.dim.Render("cluster with "+strings.Join(ws, " ")))
	}
	if q.Outbox > 0 {
		lines = append(lines, st.dim.Render(fmt.Sprintf("outbox: %d publishes waiting for their hosts (sent again until taken)", q.Outbox)))
	}
	lines = append(lines, "",
		st.dim.Render(fmt.Sprintf("%-14s %9s %5s %3s  %-9s %s", "STREAM", "MESSAGES", "CONS", "R", "RETENTION", "SUBJECTS")))
	for _, s := range q.Streams {
		lines = append(lines, fmt.Sprintf("%-14s %9d %5d %3d  %-9s %s", s.Name, s.Messages, s.Consumers, max(1, s.Replicas), s.Retention, strings.Join(s.Subjects, " ")))
	}
	lines = append(lines, "", st.dim.Render("GRANTS"))
	if len(q.Grants) == 0 {
		lines = append(lines, st.dim.Render("none: only this wallet uses its queues (anynet mq grant)"))
	}
	for _, g := range q.Grants {
		lines = append(lines, fmt.Sprintf("%s  publish %s  consume %s", shortWallet(g.Wallet), or(strings.Join(g.Publish, " "), "-"), or(strings.Join(g.Consume, " "), "-")))
	}
	return snapPage{head: lines}
}

func shortWallet(w string) string {
	if len(w) == 42 && strings.HasPrefix(w, "0x") {
		return w[:6] + "…" + w[38:]
	}
	return w
}
