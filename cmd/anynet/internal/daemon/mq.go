package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/anynet/anynet/apps/mq"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// mqNode is the daemon's message queues: the engine, its overlay
// listener and the loopback gateway.
type mqNode struct {
	srv    *mq.Server
	store  *service.Pebble
	ol     net.Listener // overlay, mq.Port
	gw     *mq.Gateway
	gl     net.Listener // loopback gateway; nil when off or taken
	gwAddr string
	closed sync.Once
}

// startMQ starts the queues: the engine on DIR/mq, the overlay port and
// the gateway (a taken gateway port is logged, not fatal: the queues
// still serve the overlay).
func (d *Daemon) startMQ(ctx context.Context) error {
	m := &mqNode{}
	var err error
	if m.store, err = service.OpenPebble(filepath.Join(d.cfg.Dir, "mq", "policy")); err != nil {
		return fmt.Errorf("daemon: mq: %w", err)
	}
	if m.srv, err = mq.Start(ctx, mq.Config{Host: d.node, Store: m.store, Dir: filepath.Join(d.cfg.Dir, "mq", "jetstream"),
		Logger: d.log.With("svc", "mq")}); err != nil {
		m.store.Close()
		return fmt.Errorf("daemon: mq: %w", err)
	}
	if m.ol, err = d.node.Listen("tcp", fmt.Sprintf(":%d", mq.Port)); err != nil {
		m.srv.Close()
		m.store.Close()
		return fmt.Errorf("daemon: mq: overlay port: %w", err)
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		m.srv.Serve(m.ol)
	}()
	m.gw = &mq.Gateway{Host: d.node, Local: m.srv, Logger: d.log.With("svc", "mq-gateway")}
	if a := d.cfg.MQGateway; a != "" && a != "off" {
		if m.gl, err = net.Listen("tcp", a); err != nil {
			d.log.Warn("message queue gateway not started", "addr", a, "err", err, "hint", "pick another with --mq-gateway 127.0.0.1:PORT")
			m.gl = nil
		} else {
			m.gwAddr = m.gl.Addr().String()
			d.wg.Add(1)
			go func() {
				defer d.wg.Done()
				m.gw.Serve(m.gl)
			}()
		}
	}
	d.mq = m
	d.service("mq", "up", m.gwAddr)
	return nil
}

// close stops the queues; a second call (Daemon.Close again) does
// nothing.
func (m *mqNode) close() {
	if m == nil {
		return
	}
	m.closed.Do(func() {
		if m.gl != nil {
			m.gl.Close()
		}
		m.gw.Close()
		m.srv.Close() // closes m.ol
		m.store.Close()
	})
}

func (d *Daemon) mqOrErr() (*mqNode, error) {
	if d.mq == nil {
		return nil, fmt.Errorf("%w: message queues are not running", control.ErrUnsupported)
	}
	return d.mq, nil
}

// badMQ turns errors about the request into bad requests.
func badMQ(err error) error {
	var api *jetstream.APIError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mq.ErrPolicy), errors.Is(err, mq.ErrNoTarget), errors.As(err, &api) && api.Code >= 400 && api.Code < 500:
		return fmt.Errorf("%w: %v", control.ErrBadRequest, err)
	case errors.Is(err, jetstream.ErrStreamNotFound), errors.Is(err, jetstream.ErrConsumerNotFound):
		return fmt.Errorf("%w: %v", control.ErrNotFound, err)
	}
	return err
}

// MQStatus implements control.MQBackend.
func (d *Daemon) MQStatus(ctx context.Context) (control.MQStatus, error) {
	m, err := d.mqOrErr()
	if err != nil {
		return control.MQStatus{}, err
	}
	st := control.MQStatus{Wallet: d.wallet.Hex(), Port: mq.Port, Gateway: m.gwAddr, Streams: []control.MQStream{},
		Policy: policyOut(m.srv.Policy())}
	streams, err := m.srv.Streams(ctx)
	if err != nil {
		return control.MQStatus{}, err
	}
	for _, s := range streams {
		if s.Name == mq.DeadLetterStream {
			st.DeadLetters = s.Messages
		}
		st.Streams = append(st.Streams, streamOut(s))
	}
	return st, nil
}

func streamOut(s mq.StreamInfo) control.MQStream {
	return control.MQStream{Name: s.Name, Subjects: s.Subjects, Retention: s.Retention, Messages: s.Messages,
		Bytes: s.Bytes, FirstSeq: s.FirstSeq, LastSeq: s.LastSeq, Consumers: s.Consumers}
}

func policyOut(p mq.Policy) control.MQPolicy {
	out := control.MQPolicy{Grants: []control.MQGrant{}}
	for w, g := range p.Wallets {
		out.Grants = append(out.Grants, control.MQGrant{Wallet: w.Hex(), Publish: g.Publish, Consume: g.Consume})
	}
	slices.SortFunc(out.Grants, func(a, b control.MQGrant) int { return strings.Compare(a.Wallet, b.Wallet) })
	if p.Anyone != nil {
		out.Grants = append(out.Grants, control.MQGrant{Wallet: "*", Publish: p.Anyone.Publish, Consume: p.Anyone.Consume})
	}
	return out
}

// MQStreamAdd implements control.MQBackend.
func (d *Daemon) MQStreamAdd(ctx context.Context, s control.MQStreamSpec) (control.MQStream, error) {
	m, err := d.mqOrErr()
	if err != nil {
		return control.MQStream{}, err
	}
	if len(s.Subjects) == 0 {
		return control.MQStream{}, fmt.Errorf("%w: stream %q: give at least one subject", control.ErrBadRequest, s.Name)
	}
	info, err := m.srv.AddStream(ctx, mq.StreamSpec{Name: s.Name, Subjects: s.Subjects, Retention: s.Retention,
		MaxAge: s.MaxAge, MaxMsgs: s.MaxMsgs, MaxBytes: s.MaxBytes, Duplicates: s.Duplicates, Delayed: s.Delayed})
	if err != nil {
		return control.MQStream{}, badMQ(err)
	}
	return streamOut(info), nil
}

// MQStreamDelete implements control.MQBackend.
func (d *Daemon) MQStreamDelete(ctx context.Context, name string) error {
	m, err := d.mqOrErr()
	if err != nil {
		return err
	}
	return badMQ(m.srv.DeleteStream(ctx, name))
}

// mqClient connects to host's queues through the gateway, in process.
func (d *Daemon) mqClient(host string) (jetstream.JetStream, *nats.Conn, error) {
	m, err := d.mqOrErr()
	if err != nil {
		return nil, nil, err
	}
	nc, err := m.gw.Connect(host, nats.NoReconnect())
	if err != nil {
		if errors.Is(err, nats.ErrAuthorization) {
			return nil, nil, fmt.Errorf("%w: %s refuses this wallet (its owner grants rights with `anynet mq grant`)", control.ErrRefused, host)
		}
		return nil, nil, badMQ(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return js, nc, nil
}

// MQPublish implements control.MQBackend.
func (d *Daemon) MQPublish(ctx context.Context, p control.MQPublish) (control.MQPubAck, error) {
	if p.Subject == "" {
		return control.MQPubAck{}, fmt.Errorf("%w: publish to which subject?", control.ErrBadRequest)
	}
	js, nc, err := d.mqClient(p.Host)
	if err != nil {
		return control.MQPubAck{}, err
	}
	defer nc.Close()
	subject := p.Subject
	var opts []jetstream.PublishOpt
	if p.ID != "" {
		opts = append(opts, jetstream.WithMsgID(p.ID))
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if !p.At.IsZero() {
		subject = p.Via
		if subject == "" {
			stream, err := js.StreamNameBySubject(ctx, p.Subject)
			if err != nil {
				return control.MQPubAck{}, fmt.Errorf("%w: no stream of %q holds %s: %v", control.ErrNotFound, p.Host, p.Subject, err)
			}
			subject = mq.ScheduleSubject(stream, p.Subject)
		}
		opts = append(opts, jetstream.WithScheduleAt(p.At), jetstream.WithScheduleTarget(p.Subject))
	}
	ack, err := js.Publish(ctx, subject, []byte(p.Data), opts...)
	if err != nil {
		if errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, context.DeadlineExceeded) {
			return control.MQPubAck{}, fmt.Errorf("%w: no stream of %q took %s (none holds the subject, or this wallet may not publish there)", control.ErrRefused, p.Host, subject)
		}
		return control.MQPubAck{}, badMQ(err)
	}
	return control.MQPubAck{Stream: ack.Stream, Seq: ack.Sequence, Duplicate: ack.Duplicate}, nil
}

// MQFetch implements control.MQBackend.
func (d *Daemon) MQFetch(ctx context.Context, f control.MQFetch) ([]control.MQMessage, error) {
	if f.Stream == "" || f.Consumer == "" {
		return nil, fmt.Errorf("%w: fetch needs a stream and a consumer name", control.ErrBadRequest)
	}
	if f.Count <= 0 {
		f.Count = 1
	}
	if f.Wait <= 0 {
		f.Wait = 2 * time.Second
	}
	js, nc, err := d.mqClient(f.Host)
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(ctx, f.Wait+10*time.Second)
	defer cancel()
	cons, err := js.Consumer(ctx, f.Stream, f.Consumer)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		// Filtered on the stream's own subjects: schedules are not work.
		var st jetstream.Stream
		if st, err = js.Stream(ctx, f.Stream); err == nil {
			var filter []string
			for _, s := range st.CachedInfo().Config.Subjects {
				if !strings.HasPrefix(s, mq.SchedulePrefix) {
					filter = append(filter, s)
				}
			}
			cons, err = js.CreateConsumer(ctx, f.Stream, jetstream.ConsumerConfig{Durable: f.Consumer,
				AckPolicy: jetstream.AckExplicitPolicy, FilterSubjects: filter})
		}
	}
	if err != nil {
		return nil, badMQ(err)
	}
	batch, err := cons.Fetch(f.Count, jetstream.FetchMaxWait(f.Wait))
	if err != nil {
		return nil, badMQ(err)
	}
	out := []control.MQMessage{}
	for m := range batch.Messages() {
		md, _ := m.Metadata()
		msg := control.MQMessage{Subject: m.Subject(), Data: string(m.Data()), Headers: m.Headers()}
		if md != nil {
			msg.Seq, msg.Delivered = md.Sequence.Stream, md.NumDelivered
		}
		if !f.NoAck {
			if err := m.DoubleAck(ctx); err != nil {
				return out, fmt.Errorf("daemon: ack %d: %w", msg.Seq, err)
			}
		}
		out = append(out, msg)
	}
	return out, nil
}

// MQGrant implements control.MQBackend.
func (d *Daemon) MQGrant(ctx context.Context, g control.MQGrant) (control.MQPolicy, error) {
	m, err := d.mqOrErr()
	if err != nil {
		return control.MQPolicy{}, err
	}
	p := m.srv.Policy()
	np := mq.Policy{Wallets: map[common.Address]mq.Grant{}}
	for w, gr := range p.Wallets {
		np.Wallets[w] = gr
	}
	np.Anyone = p.Anyone
	grant := mq.Grant{Publish: g.Publish, Consume: g.Consume}
	empty := len(g.Publish) == 0 && len(g.Consume) == 0
	if g.Wallet == "*" {
		np.Anyone = &grant
		if empty {
			np.Anyone = nil
		}
	} else {
		w, err := d.node.Lookup(ctx, g.Wallet)
		if err != nil {
			return control.MQPolicy{}, fmt.Errorf("%w: wallet %q: %v", control.ErrBadRequest, g.Wallet, err)
		}
		if empty {
			delete(np.Wallets, w)
		} else {
			np.Wallets[w] = grant
		}
	}
	if err := m.srv.SetPolicy(np); err != nil {
		return control.MQPolicy{}, badMQ(err)
	}
	return policyOut(np), nil
}
