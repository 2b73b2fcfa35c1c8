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
	inputs chan func()     // for the loop to run, in order
	ctx    context.Context // ends on Close
	stop   context.CancelFunc
	wg     sync.WaitGroup

	// The fields below belong to the loop goroutine.
	d     service.Driver
	timer *time.Timer

	closing sync.Once
}

// Start listens on cfg.Port, starts the core (a Start input) and serves.
func Start(cfg Config) (*Runner, error) {
	if cfg.Host == nil || cfg.Core == nil || cfg.Store == nil || cfg.Port == 0 {
		return nil, errors.New("runner: Host, Core, Store and Port are required")
	}
	cfg.MaxFrame = cmp.Or(cfg.MaxFrame, 64<<10)
	cfg.DialTimeout = cmp.Or(cfg.DialTimeout, 10*time.Second)
	cfg.Logger = cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler))
	if cfg.Dial == nil {
		cfg.Dial = func(ctx context.Context, w common.Address) (net.Conn, error) {
			return cfg.Host.Dial(ctx, "tcp", fmt.Sprintf("%s:%d", w.Hex(), cfg.Port))
		}
	}
	ln, err := cfg.Host.Listen("tcp", fmt.Sprintf(":%d", cfg.Port))
	if err != nil {
		return nil, fmt.Errorf("runner: listen on %d: %w", cfg.Port, err)
	}
	ctx, stop := context.WithCancel(context.Background())
	r := &Runner{cfg: cfg, ln: ln, inputs: make(chan func(), 64), ctx: ctx, stop: stop, timer: time.NewTimer(time.Hour)}
	r.timer.Stop()
	r.d = service.Driver{Core: cfg.Core, Store: cfg.Store, Now: cfg.Host.Time, Dial: r.dial, Lookup: r.lookup, Log: cfg.Logger,
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
	var v any
	var err error
	done := make(chan struct{})
	if perr := r.put(ctx, func() {
		v, err = r.d.Handle(service.Input{Kind: service.Command, Cmd: cmd})
		close(done)
	}); perr != nil {
		return nil, perr
	}
	select {
	case <-done:
		return v, err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-r.ctx.Done():
		return nil, service.ErrClosed
	}
}

// put queues f for the loop to run.
func (r *Runner) put(ctx context.Context, f func()) error {
	select {
	case r.inputs <- f:
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
		case f := <-r.inputs:
			f()
		}
	}
}

// open has the loop hand the driver nc, a connection with peer just
// opened (dialed: by this side), with a reader and a writer of its own.
// It fails, nc closed, once the runner is closing.
func (r *Runner) open(nc net.Conn, peer common.Address, dialed bool) error {
	c := newConn(nc, peer)
	err := r.put(r.ctx, func() {
		if r.ctx.Err() != nil {
			c.Close()
			return
		}
		r.wg.Add(2)
		go c.readLoop(r)
		go c.writeLoop(r)
		r.d.Opened(c, peer, dialed)
	})
	if err != nil {
		c.Close()
	}
	return err
}

// dial opens a connection to w on a goroutine of its own.
func (r *Runner) dial(w common.Address) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		ctx, cancel := context.WithTimeout(r.ctx, r.cfg.DialTimeout)
		defer cancel()
		nc, err := r.cfg.Dial(ctx, w)
		if err == nil {
			var got common.Address
			if got, err = r.peerOf(nc); err == nil && got != w {
				err = fmt.Errorf("runner: dial %s reached %s", w, got)
			}
			if err != nil {
				nc.Close()
			}
		}
		if err != nil {
			r.cfg.Logger.Debug("dial", "peer", w, "err", err)
			r.put(r.ctx, func() { r.d.Failed(w, err) })
			return
		}
		r.open(nc, w, true)
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
		r.put(r.ctx, func() { r.d.Handle(service.Input{Kind: service.Document, Peer: w, Doc: doc, Err: err}) })
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
			r.cfg.Logger.Debug("unverified connection refused", "err", err)
			nc.Close()
			continue
		}
		if r.open(nc, peer, false) != nil {
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
