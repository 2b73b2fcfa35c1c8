package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/mq"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// The `anynet mq` verbs on another wallet's queues go through the queue
// core (mq.Service on mq.CorePort), the same core the simulator runs: a
// publish waits in the outbox until its host takes it. Delayed
// publishes (headers the core's frames do not carry) and standard NATS
// clients take the NATS path (mqClient, the gateway).

// mqRemote resolves host: its wallet, and whether it is another
// wallet's.
func (d *Daemon) mqRemote(ctx context.Context, host string) (common.Address, bool, error) {
	if _, err := d.mqOrErr(); err != nil {
		return common.Address{}, false, err
	}
	if host == "" {
		return d.wallet, false, nil
	}
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	w, err := d.node.Lookup(lctx, host)
	if err != nil {
		return common.Address{}, false, fmt.Errorf("%w: host %q: %v", control.ErrNotFound, host, err)
	}
	return w, w != d.wallet, nil
}

// coreErr turns a host's refusal into the control API's errors.
func coreErr(host string, err error) error {
	switch {
	case errors.Is(err, mq.ErrRefused):
		return fmt.Errorf("%w: %s refuses this wallet (its owner grants rights with `anynet mq grant`): %v", control.ErrRefused, host, err)
	case errors.Is(err, mq.ErrNoStream), errors.Is(err, mq.ErrNoConsumer):
		return fmt.Errorf("%w: %v", control.ErrNotFound, err)
	}
	return err
}

// mqCorePublish publishes to w's queues through the core.
func (d *Daemon) mqCorePublish(ctx context.Context, w common.Address, p control.MQPublish) (control.MQPubAck, error) {
	if p.Wait <= 0 {
		p.Wait = 10 * time.Second
	}
	a, req, err := d.mq.svc.Publish(ctx, w, mq.Message{Subject: p.Subject, ID: p.ID, Data: []byte(p.Data)}, p.Wait)
	if errors.Is(err, mq.ErrQueued) {
		return control.MQPubAck{Queued: true, Req: req}, nil
	}
	if err != nil {
		return control.MQPubAck{}, coreErr(p.Host, err)
	}
	return control.MQPubAck{Stream: a.Stream, Seq: a.Seq, Duplicate: a.Duplicate}, nil
}

// mqCoreFetch takes messages from w's stream through the core, polling
// until it has some or f.Wait has passed, and acks them unless f.NoAck.
func (d *Daemon) mqCoreFetch(ctx context.Context, w common.Address, f control.MQFetch) ([]control.MQMessage, error) {
	deadline := time.Now().Add(f.Wait)
	out := []control.MQMessage{}
	for {
		ds, err := d.mq.svc.Fetch(ctx, w, f.Stream, f.Consumer, f.Count, max(time.Until(deadline), 0)+10*time.Second)
		if err != nil {
			return out, coreErr(f.Host, err)
		}
		for _, m := range ds {
			msg := control.MQMessage{Subject: m.Subject, Data: string(m.Data), Seq: m.Seq, Delivered: uint64(m.Deliveries)}
			if m.ID != "" {
				msg.Headers = map[string][]string{"Nats-Msg-Id": {m.ID}}
			}
			if !f.NoAck {
				if err := d.mq.svc.Settle(ctx, w, f.Stream, f.Consumer, m.Seq, mq.Ack, 0); err != nil {
					return out, fmt.Errorf("daemon: ack %d: %w", m.Seq, err)
				}
			}
			out = append(out, msg)
		}
		if len(out) > 0 || time.Now().After(deadline) {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
