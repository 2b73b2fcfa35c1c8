package runner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Config configures a Runner. Zero values mean the documented defaults.
type Config struct {
	// Host is the node; required.
	Host service.Host
	// Core is the protocol; required.
	Core service.Core
	// Store receives the core's writes; required. The runner does not
	// close it.
	Store service.Store
	// Port is the TCP port the service listens on and dials; required.
	Port uint16
	// MaxFrame is the largest frame read; a longer one ends its
	// connection. Zero means 64 KiB.
	MaxFrame int
	// DialTimeout bounds opening a connection. Zero means 10 s.
	DialTimeout time.Duration
	// Refuse, if set, answers a frame longer than MaxFrame (up to
	// 16 MiB, which is skipped) with the frame it returns, given the
	// first bytes of the refused one and its length; the connection
	// goes on. Nil, or a longer frame, ends the connection.
	Refuse func(head []byte, size int) []byte
	// OnEvent receives the core's events, from the runner's goroutine:
	// it must not block for long nor call the Runner. Nil drops them.
	OnEvent func(any)
	// Frames, if set, recycles large frames' buffers (frames.go): the
	// reader fills buffers from it, given back when Handle returns, and
	// frames the core sent that are at least MinPooled bytes go back
	// to it once written, so the core must build those with
	// Frames.Get (or accept that they are reused) and not keep them.
	Frames *Frames
	// Logger receives logs; nil discards.
	Logger *slog.Logger
	// Name, if set, names the peer of every connection (accepted or
	// dialed) for the core, given the wallet the host verified for it:
	// a service that tells the nodes of one wallet apart names them
	// apart here. An error refuses the connection. Nil: the wallet.
	Name func(nc net.Conn, wallet common.Address) (common.Address, error)
	// Dial, if set, opens the connection to a peer the core sends to
	// (a peer Name gave, say). Nil: Host.Dial of "<wallet>:Port".
	Dial func(ctx context.Context, peer common.Address) (net.Conn, error)
}

// Runner drives one core on one host.
type Runner struct {
	cfg    Config
	ln     net.Listener
	inputs chan input
	ctx    context.Context // ends on Close
	stop   context.CancelFunc
	wg     sync.WaitGroup
	log    *slog.Logger

	// The fields below belong to the loop goroutine.
	d     service.Driver
	timer *time.Timer

	closing sync.Once
}

// input is what the loop handles: an Input for the core, or news of a
// connection.
type input struct {
	in    service.Input
	reply chan result // a Command's
	// exactly one of these, or in:
	opened  *conn // accepted or dialed
	dialErr bool
	gone    *conn
}

type result struct {
	v   any
	err error
}

// Start listens on cfg.Port, starts the core (a Start input) and serves.
func Start(cfg Config) (*Runner, error) {
	switch {
	case cfg.Host == nil || cfg.Core == nil || cfg.Store == nil:
		return nil, errors.New("runner: Host, Core and Store are required")
	case cfg.Port == 0:
		return nil, errors.New("runner: Port is required")
	}
	cfg.MaxFrame = cmp.Or(cfg.MaxFrame, 64<<10)
	cfg.DialTimeout = cmp.Or(cfg.DialTimeout, 10*time.Second)
	log := cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler))
	ln, err := cfg.Host.Listen("tcp", fmt.Sprintf(":%d", cfg.Port))
	if err != nil {
		return nil, fmt.Errorf("runner: listen on %d: %w", cfg.Port, err)
	}
	ctx, stop := context.WithCancel(context.Background())
	r := &Runner{cfg: cfg, ln: ln, inputs: make(chan input, 64), ctx: ctx, stop: stop, log: log, timer: time.NewTimer(time.Hour)}
	r.timer.Stop()
	r.d = service.Driver{Core: cfg.Core, Store: cfg.Store, Now: cfg.Host.Time, Dial: r.dial, Lookup: r.lookup, Log: log,
		Wake: func(t time.Time) { r.timer.Reset(max(0, t.Sub(cfg.Host.Time()))) }}
	if cfg.OnEvent != nil {
		r.d.Emit = func(_ service.Input, out *service.Effects) {
			for _, e := range out.Events {
				cfg.OnEvent(e)
			}
		}
	}
	r.d.Start()
	r.wg.Add(2)
	go r.loop()
	go r.acceptLoop()
	return r, nil
}

// Do hands the core a Command and returns its answer.
func (r *Runner) Do(ctx context.Context, cmd any) (any, error) {
	reply := make(chan result, 1)
	if err := r.put(ctx, input{in: service.Input{Kind: service.Command, Cmd: cmd}, reply: reply}); err != nil {
		return nil, err
	}
	select {
	case res := <-reply:
		return res.v, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-r.ctx.Done():
		return nil, service.ErrClosed
	}
}

// put queues an input for the loop.
func (r *Runner) put(ctx context.Context, in input) error {
	select {
	case r.inputs <- in:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-r.ctx.Done():
		return service.ErrClosed
	}
}

// Close stops the runner; it returns when every goroutine has ended.
func (r *Runner) Close() (err error) {
	r.closing.Do(func() {
		r.stop()
		err = r.ln.Close()
		r.wg.Wait()
	})
	return err
}

// loop is the long-lived goroutine that owns the core.
func (r *Runner) loop() {
	defer r.wg.Done()
	defer func() {
		r.timer.Stop()
		r.d.Close()
	}()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.timer.C:
			r.d.Handle(service.Input{Kind: service.Timer})
		case in := <-r.inputs:
			r.serve(in)
		}
	}
}

func (r *Runner) serve(in input) {
	switch {
	case in.opened != nil:
		r.attach(in.opened)
	case in.dialErr:
		r.d.Failed(in.in.Peer, in.in.Err)
	case in.gone != nil:
		r.d.Closed(in.gone, in.gone.peer)
	default:
		v, err := r.d.Handle(in.in)
		if in.reply != nil {
			in.reply <- result{v, err}
		}
		if in.in.Kind == service.Frame {
			r.cfg.Frames.Put(in.in.Frame) // the core kept no reference
		}
	}
}

// attach hands the driver a connection just opened, with a reader and
// a writer of its own.
func (r *Runner) attach(c *conn) {
	if r.ctx.Err() != nil {
		c.Close()
		return
	}
	r.wg.Add(2)
	go c.readLoop(r)
	go c.writeLoop(r)
	r.d.Opened(c, c.peer, c.dialed)
}

var _ service.Link = (*conn)(nil)

// dial opens a connection to w on a goroutine of its own.
func (r *Runner) dial(w common.Address) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		ctx, cancel := context.WithTimeout(r.ctx, r.cfg.DialTimeout)
		defer cancel()
		var nc net.Conn
		var err error
		if r.cfg.Dial != nil {
			nc, err = r.cfg.Dial(ctx, w)
		} else {
			nc, err = r.cfg.Host.Dial(ctx, "tcp", fmt.Sprintf("%s:%d", w.Hex(), r.cfg.Port))
		}
		if err == nil {
			var got common.Address
			if got, err = r.peerOf(nc); err == nil && got != w {
				err = fmt.Errorf("runner: dial %s reached %s", w, got)
			}
			if err != nil {
				nc.Close()
			}
		}
		in := input{in: service.Input{Peer: w, Err: err}, dialErr: true}
		if err == nil {
			in = input{opened: newConn(nc, w, true)}
		} else {
			r.log.Debug("dial", "peer", w, "err", err)
		}
		if r.put(r.ctx, in) != nil && in.opened != nil {
			in.opened.Close()
		}
	}()
}

// lookup reads w's DID document on a goroutine of its own. Cores know
// mailboxes by wallet: one the document names (mail-at = "carol") is
// resolved here, and one whose name does not resolve is left out.
func (r *Runner) lookup(w common.Address) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		ctx, cancel := context.WithTimeout(r.ctx, r.cfg.DialTimeout)
		defer cancel()
		doc, err := r.cfg.Host.Document(ctx, w)
		if err == nil && doc != nil && doc.Mailbox != "" && !common.IsHexAddress(doc.Mailbox) {
			cp := *doc
			cp.Mailbox = ""
			if box, err := r.cfg.Host.Lookup(ctx, doc.Mailbox); err == nil {
				cp.Mailbox = box.Hex()
			}
			doc = &cp
		}
		r.put(r.ctx, input{in: service.Input{Kind: service.Document, Peer: w, Doc: doc, Err: err}})
	}()
}

// acceptLoop is the long-lived goroutine that accepts connections.
func (r *Runner) acceptLoop() {
	defer r.wg.Done()
	for {
		nc, err := r.ln.Accept()
		if err != nil {
			return
		}
		peer, err := r.peerOf(nc)
		if err != nil {
			r.log.Debug("unverified connection refused", "err", err)
			nc.Close()
			continue
		}
		c := newConn(nc, peer, false)
		if r.put(r.ctx, input{opened: c}) != nil {
			c.Close()
			return
		}
	}
}

// peerOf is the peer the core knows nc's other end as: its verified
// wallet, named by Config.Name if set.
func (r *Runner) peerOf(nc net.Conn) (common.Address, error) {
	w, err := r.cfg.Host.PeerOf(nc)
	if err != nil || r.cfg.Name == nil {
		return w, err
	}
	return r.cfg.Name(nc, w)
}
