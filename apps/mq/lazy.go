package mq

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Lazy is a node's queues with the engine started on first use: the
// overlay port accepts from the start, and the engine (nats-server with
// JetStream, its goroutines and timers, which wake an idle process ten
// times a second) starts when the first connection arrives or the owner
// first asks for it (Server). A node that never uses its queues never
// pays for them.
type Lazy struct {
	owner common.Address
	start func(context.Context) (*Server, error)

	mu     sync.Mutex // guards the fields below; held while the engine starts
	srv    *Server
	ln     net.Listener // what Serve accepts on, until the engine takes it over
	closed bool
}

// NewLazy returns queues owned by owner whose engine start starts on
// first use; start is called again after it failed.
func NewLazy(owner common.Address, start func(context.Context) (*Server, error)) *Lazy {
	return &Lazy{owner: owner, start: start}
}

// Owner is the wallet with every right on these queues.
func (l *Lazy) Owner() common.Address { return l.owner }

// Running is the engine if it has started, else nil.
func (l *Lazy) Running() *Server {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.srv
}

// Server returns the engine, starting it if this is the first use.
func (l *Lazy) Server(ctx context.Context) (*Server, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	if l.srv != nil {
		return l.srv, nil
	}
	srv, err := l.start(ctx)
	if err != nil {
		return nil, err
	}
	l.srv = srv
	return srv, nil
}

// ServeConn serves one client connection as wallet w (Server.ServeConn),
// starting the engine if needed. It closes c.
func (l *Lazy) ServeConn(c net.Conn, w common.Address) error {
	srv, err := l.Server(context.Background())
	if err != nil {
		fmt.Fprintf(c, "-ERR 'queues unavailable'\r\n")
		c.Close()
		return err
	}
	return srv.ServeConn(c, w)
}

// Serve accepts on ln (the node's Port) until ln or l is closed. The
// first connection starts the engine, which then serves it and every
// later one (Server.Serve); if the engine fails to start, that
// connection is refused and the next one tries again.
func (l *Lazy) Serve(ln net.Listener) error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		ln.Close()
		return ErrClosed
	}
	l.ln = ln
	l.mu.Unlock()
	for {
		c, err := ln.Accept()
		if err != nil {
			if l.isClosed() {
				return ErrClosed
			}
			return fmt.Errorf("mq: accept: %w", err)
		}
		srv, err := l.Server(context.Background())
		if err != nil {
			if errors.Is(err, ErrClosed) {
				c.Close()
				return err
			}
			fmt.Fprintf(c, "-ERR 'queues unavailable'\r\n")
			c.Close()
			continue
		}
		err = srv.Serve(&firstConn{Listener: ln, c: c})
		if l.isClosed() {
			return ErrClosed
		}
		return err
	}
}

func (l *Lazy) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// Close stops the engine if it runs and closes the listener Serve
// accepts on. A second call does nothing.
func (l *Lazy) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	var err error
	if l.srv != nil {
		err = l.srv.Close() // ends its Serve, and closes ln
	}
	if l.ln != nil {
		l.ln.Close()
	}
	return err
}

// firstConn is a listener whose first Accept returns c.
type firstConn struct {
	net.Listener
	mu sync.Mutex
	c  net.Conn
}

func (f *firstConn) Accept() (net.Conn, error) {
	f.mu.Lock()
	c := f.c
	f.c = nil
	f.mu.Unlock()
	if c != nil {
		return c, nil
	}
	return f.Listener.Accept()
}

// HasStreams reports whether the engine directory dir (Config.Dir)
// holds a stream other than the ones the package makes for itself
// (DeadLetterStream, AdvisoryStream): streams whose schedules, expiry
// and redeliveries run in the engine, so a node that has them starts it
// at once.
func HasStreams(dir string) bool {
	ents, err := os.ReadDir(filepath.Join(dir, "jetstream", "$G", "streams"))
	if err != nil {
		return false
	}
	for _, e := range ents {
		if e.IsDir() && e.Name() != DeadLetterStream && e.Name() != AdvisoryStream {
			return true
		}
	}
	return false
}

// Engine is l's engine as an Engine for Core (NATSEngine, no-wait
// fetches), started on its first call.
func (l *Lazy) Engine() Engine { return &lazyEngine{l: l} }

type lazyEngine struct {
	l  *Lazy
	mu sync.Mutex
	e  *NATSEngine
}

func (le *lazyEngine) engine() (*NATSEngine, error) {
	le.mu.Lock()
	defer le.mu.Unlock()
	if le.e != nil {
		return le.e, nil
	}
	srv, err := le.l.Server(context.Background())
	if err != nil {
		return nil, fmt.Errorf("mq: engine: %w", err)
	}
	e, err := NewNATSEngine(srv)
	if err != nil {
		return nil, err
	}
	e.Wait = 0
	le.e = e
	return e, nil
}

func (le *lazyEngine) AddStream(now time.Time, spec StreamSpec) error {
	e, err := le.engine()
	if err != nil {
		return err
	}
	return e.AddStream(now, spec)
}

func (le *lazyEngine) AddConsumer(now time.Time, stream string, spec ConsumerSpec) error {
	e, err := le.engine()
	if err != nil {
		return err
	}
	return e.AddConsumer(now, stream, spec)
}

func (le *lazyEngine) Publish(now time.Time, m Message) (PubAck, error) {
	e, err := le.engine()
	if err != nil {
		return PubAck{}, err
	}
	return e.Publish(now, m)
}

func (le *lazyEngine) Fetch(now time.Time, stream, consumer string, n int) ([]Delivery, error) {
	e, err := le.engine()
	if err != nil {
		return nil, err
	}
	return e.Fetch(now, stream, consumer, n)
}

func (le *lazyEngine) Settle(now time.Time, stream, consumer string, seq uint64, how Settlement, delay time.Duration) error {
	e, err := le.engine()
	if err != nil {
		return err
	}
	return e.Settle(now, stream, consumer, seq, how, delay)
}

func (le *lazyEngine) DeadLetters(now time.Time, stream string) ([]DeadLetter, error) {
	e, err := le.engine()
	if err != nil {
		return nil, err
	}
	return e.DeadLetters(now, stream)
}
