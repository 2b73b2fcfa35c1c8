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
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/anynet/anynet/apps/mq"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// mqNode is the daemon's message queues: the engine (started on first
// use), the queue core (mq.Service: the wallet's own publishes and
// fetches on other wallets' queues, and theirs on this node's), the
// NATS overlay listener and the loopback gateway.
type mqNode struct {
	q      *mq.Lazy
	svc    *mq.Service
	store  *service.Pebble // the policy and the core's outbox
	ol     net.Listener    // overlay, mq.Port
	gw     *mq.Gateway
	gl     net.Listener // loopback gateway; nil when off or taken
	gwAddr string
	gwOff  string       // why the default gateway is not running ("" when it is, or is off by choice)
	cl     net.Listener // overlay, mq.ClusterPort; nil when alone
	closed sync.Once
}

// startMQ starts the queues: the queue core (mq.Service, overlay port
// mq.CorePort, its outbox and the policy in DIR/mq/policy), the NATS
// overlay port and the gateway (with its password,
// DIR/mq/gateway-password) listen at once; the engine
// (nats-server with JetStream, and the policy store) starts on first
// use — the first overlay or gateway client for this node, or the first
// `anynet mq` call — or here, when DIR/mq already holds streams of the
// owner's (their schedules, expiry and redelivery run in the engine), or
// when the node joins a cluster (config mq-cluster: its routes and the
// cluster port need the engine running). The default gateway address
// taken (another node on this machine has it) is reported in `anynet mq
// status` and logged, not fatal; an address the user chose taken is
// ErrInUse.
func (d *Daemon) startMQ(ctx context.Context) error {
	m := &mqNode{}
	cluster, err := d.mqCluster(ctx)
	if err != nil {
		return err
	}
	pw, err := mq.GatewayPassword(filepath.Join(d.cfg.Dir, "mq"))
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	dir := filepath.Join(d.cfg.Dir, "mq", "jetstream")
	log := d.log.With("svc", "mq")
	if m.store, err = service.OpenPebble(filepath.Join(d.cfg.Dir, "mq", "policy")); err != nil {
		return fmt.Errorf("daemon: mq: %w", err)
	}
	m.q = mq.NewLazy(d.wallet, func(ctx context.Context) (*mq.Server, error) {
		srv, err := mq.Start(ctx, mq.Config{Host: d.node, Store: m.store, Dir: dir, Logger: log, Cluster: cluster})
		if err != nil {
			return nil, fmt.Errorf("daemon: mq: %w", err)
		}
		log.Info("message queues: engine started")
		return srv, nil
	})
	if m.svc, err = mq.StartService(mq.ServiceConfig{Host: d.node, Store: m.store, Engine: m.q.Engine(), Logger: log}); err != nil {
		m.close()
		return fmt.Errorf("daemon: mq: core: %w", err)
	}
	if cluster != nil || mq.HasStreams(dir) {
		srv, err := m.q.Server(ctx)
		if err != nil {
			return err
		}
		if cluster != nil {
			if m.cl, err = d.node.Listen("tcp", fmt.Sprintf(":%d", mq.ClusterPort)); err != nil {
				m.close()
				return fmt.Errorf("daemon: mq: cluster port: %w", err)
			}
			d.wg.Add(1)
			go func() {
				defer d.wg.Done()
				srv.ServeCluster(m.cl)
			}()
		}
	}
	if m.ol, err = d.node.Listen("tcp", fmt.Sprintf(":%d", mq.Port)); err != nil {
		m.close()
		return fmt.Errorf("daemon: mq: overlay port: %w", err)
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		m.q.Serve(m.ol)
	}()
	m.gw = &mq.Gateway{Host: d.node, Local: m.q, Password: pw, Logger: d.log.With("svc", "mq-gateway")}
	if err := m.listenGateway(d); err != nil {
		m.close()
		return err
	}
	if m.gl != nil {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			m.gw.Serve(m.gl)
		}()
	}
	d.mq = m
	d.service("mq", "up", m.gwAddr)
	return nil
}

// listenGateway opens the loopback gateway's port (config key
// mq-gateway).
func (m *mqNode) listenGateway(d *Daemon) error {
	a := d.cfg.MQGateway
	if a == "" || a == "off" {
		return nil
	}
	gl, err := net.Listen("tcp", a)
	switch {
	case err == nil:
		m.gl, m.gwAddr = gl, gl.Addr().String()
		return nil
	case !errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("daemon: mq-gateway %s: %w", a, err)
	case a != config.DefaultMQGateway:
		return fmt.Errorf("%w: mq-gateway %s is taken by another process (pick another with --mq-gateway 127.0.0.1:PORT, or off)", ErrInUse, a)
	}
	m.gwOff = fmt.Sprintf("%s is taken by another process (another node on this machine? Its gateway reaches every wallet's queues as that node's wallet); give this node its own with --mq-gateway 127.0.0.1:PORT", a)
	d.log.Info("message queue gateway not started: the default address is taken", "addr", a,
		"hint", "another node on this machine serves it; give this one its own with --mq-gateway 127.0.0.1:PORT")
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
		if m.gw != nil {
			m.gw.Close()
		}
		if m.svc != nil {
			m.svc.Close()
		}
		m.q.Close() // closes m.ol and m.cl
		if m.ol != nil {
			m.ol.Close()
		}
		if m.cl != nil {
			m.cl.Close()
		}
		if m.store != nil {
			m.store.Close()
		}
	})
}

// mqServer is this node's engine, started if this is its first use.
func (d *Daemon) mqServer(ctx context.Context) (*mq.Server, error) {
	m, err := d.mqOrErr()
	if err != nil {
		return nil, err
	}
	srv, err := m.q.Server(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: message queues: %v", control.ErrUnsupported, err)
	}
	return srv, nil
}

// mqCluster resolves the members named by config mq-cluster (nil when
// it is empty): a 0x wallet as it is, a name through the node's lookup,
// which needs the member published.
func (d *Daemon) mqCluster(ctx context.Context) (*mq.ClusterConfig, error) {
	if len(d.cfg.MQCluster) == 0 {
		return nil, nil
	}
	c := &mq.ClusterConfig{Members: []common.Address{d.wallet}}
	for _, name := range d.cfg.MQCluster {
		if common.IsHexAddress(name) { // need not be up (or published) yet
			c.Members = append(c.Members, common.HexToAddress(name))
			continue
		}
		lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		w, err := d.node.Lookup(lctx, name)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("daemon: mq-cluster member %q: %w", name, err)
		}
		c.Members = append(c.Members, w)
	}
	return c, nil
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
	srv, err := d.mqServer(ctx)
	if err != nil {
		return control.MQStatus{}, err
	}
	st := control.MQStatus{Wallet: d.wallet.Hex(), Port: mq.Port, Gateway: d.mq.gwAddr, GatewayOff: d.mq.gwOff,
		Password: d.mq.gw.Password, Streams: []control.MQStream{}, Policy: policyOut(srv.Policy())}
	for _, w := range srv.ClusterMembers() {
		st.Cluster = append(st.Cluster, w.Hex())
	}
	st.Nodes, st.Server = srv.ClusterNodes(), srv.Engine().Name()
	st.CoreStored, st.Outbox = d.mq.svc.Stored(), []control.MQOutgoing{}
	out, err := d.mq.svc.Outbox(ctx)
	if err != nil {
		return control.MQStatus{}, err
	}
	for _, o := range out {
		st.Outbox = append(st.Outbox, control.MQOutgoing{Req: o.Req, Host: o.Host.Hex(), Subject: o.Msg.Subject, ID: o.Msg.ID})
	}
	streams, err := srv.Streams(ctx)
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
		Bytes: s.Bytes, FirstSeq: s.FirstSeq, LastSeq: s.LastSeq, Consumers: s.Consumers, Replicas: s.Replicas, Leader: s.Leader}
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
	if len(s.Subjects) == 0 {
		return control.MQStream{}, fmt.Errorf("%w: stream %q: give at least one subject", control.ErrBadRequest, s.Name)
	}
	srv, err := d.mqServer(ctx)
	if err != nil {
		return control.MQStream{}, err
	}
	info, err := srv.AddStream(ctx, mq.StreamSpec{Name: s.Name, Subjects: s.Subjects, Retention: s.Retention,
		MaxAge: s.MaxAge, MaxMsgs: s.MaxMsgs, MaxBytes: s.MaxBytes, Duplicates: s.Duplicates, Delayed: s.Delayed, Replicas: s.Replicas})
	if err != nil {
		return control.MQStream{}, badMQ(err)
	}
	return streamOut(info), nil
}

// MQStreamDelete implements control.MQBackend.
func (d *Daemon) MQStreamDelete(ctx context.Context, name string) error {
	srv, err := d.mqServer(ctx)
	if err != nil {
		return err
	}
	return badMQ(srv.DeleteStream(ctx, name))
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
	if w, remote, err := d.mqRemote(ctx, p.Host); err != nil {
		return control.MQPubAck{}, err
	} else if remote && p.At.IsZero() {
		return d.mqCorePublish(ctx, w, p)
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
	if w, remote, err := d.mqRemote(ctx, f.Host); err != nil {
		return nil, err
	} else if remote {
		return d.mqCoreFetch(ctx, w, f)
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
	srv, err := d.mqServer(ctx)
	if err != nil {
		return control.MQPolicy{}, err
	}
	p := srv.Policy()
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
	if err := srv.SetPolicy(np); err != nil {
		return control.MQPolicy{}, badMQ(err)
	}
	if err := d.mq.svc.SetPolicy(ctx, np); err != nil {
		return control.MQPolicy{}, fmt.Errorf("daemon: mq: core policy: %w", err)
	}
	return policyOut(np), nil
}
