package control

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// MQBackend is the API of message queues (apps/mq). Like PassBackend
// it is optional: a Backend without it answers these endpoints
// ErrUnsupported. Hosts are names or 0x wallets; "" is this node.
type MQBackend interface {
	// MQStatus returns this node's queues: ports, streams, policy.
	MQStatus(ctx context.Context) (MQStatus, error)
	// MQStreamAdd creates or updates a stream on this node.
	MQStreamAdd(ctx context.Context, s MQStreamSpec) (MQStream, error)
	// MQStreamDelete removes a stream of this node and its messages.
	MQStreamDelete(ctx context.Context, name string) error
	// MQPublish publishes to a subject on host's queues, as this node's
	// wallet.
	MQPublish(ctx context.Context, p MQPublish) (MQPubAck, error)
	// MQFetch takes up to Count messages from host's stream through a
	// durable consumer (made if missing), acking each unless NoAck.
	MQFetch(ctx context.Context, f MQFetch) ([]MQMessage, error)
	// MQGrant sets what a wallet ("*": any wallet) may do on this node;
	// empty lists remove its grant.
	MQGrant(ctx context.Context, g MQGrant) (MQPolicy, error)
}

// MQStatus describes this node's queues.
type MQStatus struct {
	Wallet string `json:"wallet"`
	// Port is the overlay TCP port; Gateway the loopback gateway's
	// address ("" when off); GatewayOff why the default gateway is not
	// running when its address was taken ("" otherwise).
	Port       int    `json:"port"`
	Gateway    string `json:"gateway,omitempty"`
	GatewayOff string `json:"gatewayOff,omitempty"`
	// Password is what gateway clients present (the control socket is
	// the node user's alone).
	Password string `json:"password,omitempty"`
	// Cluster are the other members of this node's replicated cluster
	// (0x wallets; none when it runs alone).
	Cluster []string `json:"cluster,omitempty"`
	// Nodes are where this node's cluster routes go: each member node's
	// instance address (this wallet's other nodes too); Server is this
	// node's engine, as stream leaders are named.
	Nodes   []string   `json:"nodes,omitempty"`
	Server  string     `json:"server,omitempty"`
	Streams []MQStream `json:"streams"`
	// DeadLetters is how many messages the dead-letter stream holds.
	DeadLetters uint64   `json:"deadLetters"`
	Policy      MQPolicy `json:"policy"`
	// Outbox are this node's publishes to other wallets' queues that
	// their hosts have not acknowledged yet (sent again until they do);
	// CoreStored counts other wallets' publishes this node's engine
	// took through the queue core (port 4223) since it started.
	Outbox     []MQOutgoing `json:"outbox"`
	CoreStored uint64       `json:"coreStored"`
}

// MQOutgoing is a publish waiting in the outbox.
type MQOutgoing struct {
	Req     uint64 `json:"req"`
	Host    string `json:"host"` // 0x wallet
	Subject string `json:"subject"`
	ID      string `json:"id"`
}

// MQStream is one stream.
type MQStream struct {
	Name      string   `json:"name"`
	Subjects  []string `json:"subjects"`
	Retention string   `json:"retention"`
	Messages  uint64   `json:"messages"`
	Bytes     uint64   `json:"bytes"`
	FirstSeq  uint64   `json:"firstSeq"`
	LastSeq   uint64   `json:"lastSeq"`
	Consumers int      `json:"consumers"`
	// Replicas is how many cluster members keep it; Leader the engine
	// leading it ("anynet-0x…") on a cluster.
	Replicas int    `json:"replicas,omitempty"`
	Leader   string `json:"leader,omitempty"`
}

// MQStreamSpec is a stream to make; durations in nanoseconds.
type MQStreamSpec struct {
	Name       string        `json:"name"`
	Subjects   []string      `json:"subjects"`
	Retention  string        `json:"retention,omitempty"` // limits, interest, workqueue
	MaxAge     time.Duration `json:"maxAge,omitempty"`
	MaxMsgs    int64         `json:"maxMsgs,omitempty"`
	MaxBytes   int64         `json:"maxBytes,omitempty"`
	Duplicates time.Duration `json:"duplicates,omitempty"`
	Delayed    bool          `json:"delayed,omitempty"`
	Replicas   int           `json:"replicas,omitempty"` // cluster members keeping it; 0: 1
}

// MQPublish is one message to publish.
type MQPublish struct {
	Host    string `json:"host,omitempty"`
	Subject string `json:"subject"`
	Data    string `json:"data"`
	// ID is the message id the stream de-duplicates on.
	ID string `json:"id,omitempty"`
	// At delays the message: it is published to Subject at this time
	// (the stream must allow delayed messages); Via is the subject the
	// schedule itself is stored under (in the same stream), default
	// mq.ScheduleSubject: mq.schedule.<stream>.<subject>.
	At  time.Time `json:"at,omitzero"`
	Via string    `json:"via,omitempty"`
	// Wait bounds the wait for another wallet's answer (default 10 s);
	// without one the publish is queued (MQPubAck.Queued).
	Wait time.Duration `json:"wait,omitempty"`
}

// MQPubAck is the stream's acknowledgement.
type MQPubAck struct {
	Stream    string `json:"stream"`
	Seq       uint64 `json:"seq"`
	Duplicate bool   `json:"duplicate"`
	// Queued: another wallet's host did not answer in time; the
	// publish waits in this node's outbox as request Req (kept across
	// restarts) and is sent again, with the same id, until it is taken.
	Queued bool   `json:"queued,omitempty"`
	Req    uint64 `json:"req,omitempty"`
}

// MQFetch asks for messages.
type MQFetch struct {
	Host     string        `json:"host,omitempty"`
	Stream   string        `json:"stream"`
	Consumer string        `json:"consumer"`
	Count    int           `json:"count,omitempty"` // default 1
	Wait     time.Duration `json:"wait,omitempty"`  // default 2 s
	NoAck    bool          `json:"noAck,omitempty"`
}

// MQMessage is a fetched message.
type MQMessage struct {
	Subject   string              `json:"subject"`
	Data      string              `json:"data"`
	Seq       uint64              `json:"seq"`
	Delivered uint64              `json:"delivered"`
	Headers   map[string][]string `json:"headers,omitempty"`
}

// MQGrant is one wallet's rights on this node.
type MQGrant struct {
	Wallet  string   `json:"wallet"` // 0x…, a name, or "*"
	Publish []string `json:"publish,omitempty"`
	Consume []string `json:"consume,omitempty"`
}

// MQPolicy is this node's whole policy: grants by wallet, "*" for any.
type MQPolicy struct {
	Grants []MQGrant `json:"grants"`
}

var errNoMQ = fmt.Errorf("%w: this process runs no message queues (they need `anynet up`)", ErrUnsupported)

type noMQ struct{}

func (noMQ) MQStatus(context.Context) (MQStatus, error) { return MQStatus{}, errNoMQ }
func (noMQ) MQStreamAdd(context.Context, MQStreamSpec) (MQStream, error) {
	return MQStream{}, errNoMQ
}
func (noMQ) MQStreamDelete(context.Context, string) error           { return errNoMQ }
func (noMQ) MQPublish(context.Context, MQPublish) (MQPubAck, error) { return MQPubAck{}, errNoMQ }
func (noMQ) MQFetch(context.Context, MQFetch) ([]MQMessage, error)  { return nil, errNoMQ }
func (noMQ) MQGrant(context.Context, MQGrant) (MQPolicy, error)     { return MQPolicy{}, errNoMQ }

func (s *Server) mqHandlers(b Backend, get, post func(string, func(*http.Request) (any, error))) {
	mb, ok := b.(MQBackend)
	if !ok {
		mb = noMQ{}
	}
	get("/v1/mq/status", func(r *http.Request) (any, error) { return mb.MQStatus(r.Context()) })
	post("/v1/mq/stream", func(r *http.Request) (any, error) {
		var req MQStreamSpec
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return mb.MQStreamAdd(r.Context(), req)
	})
	post("/v1/mq/stream/delete", func(r *http.Request) (any, error) {
		var req struct{ Name string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return struct{}{}, mb.MQStreamDelete(r.Context(), req.Name)
	})
	post("/v1/mq/publish", func(r *http.Request) (any, error) {
		var req MQPublish
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return mb.MQPublish(r.Context(), req)
	})
	post("/v1/mq/fetch", func(r *http.Request) (any, error) {
		var req MQFetch
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return mb.MQFetch(r.Context(), req)
	})
	post("/v1/mq/grant", func(r *http.Request) (any, error) {
		var req MQGrant
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return mb.MQGrant(r.Context(), req)
	})
}

var _ MQBackend = (*Client)(nil)

// MQStatus, MQStreamAdd … call the mq endpoints.
func (c *Client) MQStatus(ctx context.Context) (s MQStatus, err error) {
	return s, c.do(ctx, "GET", "/v1/mq/status", nil, &s)
}

func (c *Client) MQStreamAdd(ctx context.Context, spec MQStreamSpec) (s MQStream, err error) {
	return s, c.do(ctx, "POST", "/v1/mq/stream", spec, &s)
}

func (c *Client) MQStreamDelete(ctx context.Context, name string) error {
	return c.do(ctx, "POST", "/v1/mq/stream/delete", map[string]any{"name": name}, nil)
}

func (c *Client) MQPublish(ctx context.Context, p MQPublish) (a MQPubAck, err error) {
	return a, c.do(ctx, "POST", "/v1/mq/publish", p, &a)
}

func (c *Client) MQFetch(ctx context.Context, f MQFetch) (m []MQMessage, err error) {
	return m, c.do(ctx, "POST", "/v1/mq/fetch", f, &m)
}

func (c *Client) MQGrant(ctx context.Context, g MQGrant) (p MQPolicy, err error) {
	return p, c.do(ctx, "POST", "/v1/mq/grant", g, &p)
}
