package im

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/anynet/anynet/apps/internal/runner"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
)

// Port is the well-known TCP port of the IM service on every node.
const Port = 5222

// Config configures a Service. Zero values mean the documented defaults.
type Config struct {
	// Node is the node the service runs on (Up, or brought up by Open).
	Node *stack.Node
	// Dir is the store directory (pebble). Empty means an in-memory
	// store, lost on Close.
	Dir string
	// Directory reads wallets' DID documents (mailbox, seal key); nil
	// means the node's (Node.Document, from its Names: a node without
	// Names has no offline delivery).
	Directory Directory
	// Mailbox makes this node keep sealed messages for other wallets.
	Mailbox bool
	// AttachmentDir is where downloaded attachments go. Empty means
	// Dir/attachments; with no Dir either, Download fails.
	AttachmentDir string
	// Logger receives logs; nil discards.
	Logger *slog.Logger
	// RetryInterval is the longest wait between attempts to reach a
	// recipient that could not be reached (the wait starts at 1 s and
	// doubles; a new send to it, or its connection coming up, tries at
	// once). Zero means 1 minute; negative means only then.
	RetryInterval time.Duration
	// CallSink, if set, receives the played-out payload of each incoming
	// call (from an Allowed wallet), closed when the call ends. Nil
	// discards it; the statistics arrive as EventCall either way.
	CallSink func(from common.Address) io.WriteCloser
	// JitterDelay is the playout delay of incoming calls. Zero means 60ms.
	JitterDelay time.Duration

	// MaxFrame is the largest frame accepted, in bytes. Zero means
	// 64 KiB. Larger frames are refused with an ERROR frame (TooLarge).
	MaxFrame int
	// DialTimeout bounds reaching a peer before falling back to its
	// mailbox. Zero means 10s.
	DialTimeout time.Duration
	Limits
}

// Limits are the protocol's limits and timings, set alike in Config and
// CoreConfig. Zero values mean the documented defaults.
type Limits struct {
	// MaxText is the largest text of one message, in bytes. Zero means
	// 4096.
	MaxText int
	// RateLimit is how many messages per second one sender may send (a
	// token bucket of RateBurst). Zero means 20; negative means no limit.
	RateLimit float64
	// RateBurst is the bucket size. Zero means 50.
	RateBurst int
	// MailboxLimit is how many messages a mailbox keeps per recipient.
	// Zero means 10000.
	MailboxLimit int
	// MailboxPerSender is how many of those one depositor may fill.
	// Zero means MailboxLimit/10 (at least 1).
	MailboxPerSender int
	// AckTimeout bounds the wait for a delivery receipt. Zero means 10s.
	AckTimeout time.Duration
	// FetchInterval is how often the service fetches from its own
	// mailbox (it always fetches once in Open); after a failed fetch it
	// tries again sooner, after 1 s doubling up to FetchInterval. Zero
	// means 1 minute; negative means only in Open and on Fetch.
	FetchInterval time.Duration
}

func (l Limits) withDefaults() Limits {
	l.MaxText = cmp.Or(l.MaxText, 4096)
	l.RateLimit = cmp.Or(l.RateLimit, 20)
	l.RateBurst = cmp.Or(l.RateBurst, 50)
	l.MailboxLimit = cmp.Or(l.MailboxLimit, 10000)
	l.MailboxPerSender = cmp.Or(l.MailboxPerSender, max(1, l.MailboxLimit/10))
	l.AckTimeout = cmp.Or(l.AckTimeout, 10*time.Second)
	l.FetchInterval = cmp.Or(l.FetchInterval, time.Minute)
	return l
}

func (c Config) withDefaults() Config {
	if c.AttachmentDir == "" && c.Dir != "" {
		c.AttachmentDir = filepath.Join(c.Dir, "attachments")
	}
	c.Limits = c.Limits.withDefaults()
	c.MaxFrame = cmp.Or(c.MaxFrame, 64<<10)
	c.DialTimeout = cmp.Or(c.DialTimeout, 10*time.Second)
	c.RetryInterval = cmp.Or(c.RetryInterval, time.Minute)
	c.JitterDelay = cmp.Or(c.JitterDelay, 60*time.Millisecond)
	return c
}

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Node == nil:
		return errors.New("im: config: Node is nil")
	case c.MaxText < 1:
		return errors.New("im: config: MaxText < 1")
	case c.MaxFrame < c.MaxText+64:
		return fmt.Errorf("im: config: MaxFrame %d cannot carry MaxText %d", c.MaxFrame, c.MaxText)
	case c.RateBurst < 1:
		return errors.New("im: config: RateBurst < 1")
	}
	return nil
}

// Service is the IM service of one node: the shared runtime
// (apps/internal/runner) driving the protocol core (Core) on Port, with
// attachments' bytes in files (osFiles), plus calls (call*.go), which
// stream over UDP beside it.
type Service struct {
	cfg   Config
	node  *stack.Node
	self  common.Address
	log   *slog.Logger
	store service.Store
	core  *Core
	files *osFiles
	r     *runner.Runner
	calls calls
	ctx   context.Context // ends on Close
	stop  context.CancelFunc
	wg    sync.WaitGroup // the goroutines of calls

	mu     sync.Mutex // guards the fields below
	closed bool
	subs   map[chan Event]func() bool // each stops its context.AfterFunc
}

// Open starts the IM service on cfg.Node: it opens the store, listens
// on Port, fetches what its mailbox holds and serves.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if err := cfg.Node.Up(ctx); err != nil {
		return nil, fmt.Errorf("im: node up: %w", err)
	}
	log := cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler))
	var st service.Store = &service.Memory{}
	if cfg.Dir != "" {
		p, err := service.OpenPebble(cfg.Dir)
		if err != nil {
			return nil, fmt.Errorf("im: open store: %w", err)
		}
		st = p
	}
	retry := cfg.RetryInterval
	if retry < 0 {
		retry = 1 << 62
	}
	files := &osFiles{}
	core, err := NewCore(CoreConfig{Self: cfg.Node.Addr(), Rand: rand.Reader, Store: st, Files: files, Mailbox: cfg.Mailbox,
		Limits: cfg.Limits, RetryMax: retry, MailboxAfter: 1, EagerRetry: true})
	if err != nil {
		st.Close()
		return nil, err
	}
	sctx, stop := context.WithCancel(context.Background())
	s := &Service{cfg: cfg, node: cfg.Node, self: cfg.Node.Addr(), log: log.With("svc", "im"), store: st, core: core,
		files: files, ctx: sctx, stop: stop, subs: make(map[chan Event]func() bool)}
	host := imHost{Node: cfg.Node, dir: cmp.Or[Directory](cfg.Directory, cfg.Node)}
	s.r, err = runner.Start(runner.Config{Host: host, Core: &adapter{Core: core, waits: map[NoteKey][]*waiter{}},
		Store: st, Port: Port, MaxFrame: cfg.MaxFrame, DialTimeout: cfg.DialTimeout, Refuse: refuseOversize,
		OnEvent: func(e any) { s.emit(e.(Event)) }, Logger: s.log})
	if err != nil {
		stop()
		st.Close()
		return nil, fmt.Errorf("im: %w", err)
	}
	pc, err := cfg.Node.ListenPacket("udp", fmt.Sprintf(":%d", CallPort))
	if err != nil {
		s.r.Close()
		stop()
		st.Close()
		return nil, fmt.Errorf("im: listen for calls: %w", err)
	}
	s.calls = calls{pc: pc, sessions: make(map[uint64]*callSession)}
	s.wg.Add(1)
	go s.callLoop()
	if _, err := s.Fetch(ctx); err != nil {
		s.log.Warn("mailbox fetch on open", "err", err)
	}
	return s, nil
}

// refuseOversize answers a frame over MaxFrame with ERROR TooLarge.
func refuseOversize(head []byte, size int) []byte {
	return marshalInner(&errorFrame{ID: requestID(head), Code: CodeTooLarge, Reason: fmt.Sprintf("frame of %d bytes exceeds the limit", size)})
}

// imHost is the node as the runner sees it, with DID documents from
// the Directory.
type imHost struct {
	*stack.Node
	dir Directory
}

func (h imHost) Document(ctx context.Context, w common.Address) (*naming.Document, error) {
	return h.dir.Document(ctx, w)
}

// Self returns the wallet the service sends as.
func (s *Service) Self() common.Address { return s.self }

// SealKey returns the X25519 public key senders seal mailbox messages
// to; the wallet publishes it (Publish) in its DID document.
func (s *Service) SealKey() [32]byte { return s.core.SealKey() }

// Close stops the service: listener, connections, goroutines, store,
// subscriptions. It is idempotent. It does not close the node.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.stop()
	err := s.r.Close()
	s.calls.pc.Close()
	s.wg.Wait()
	s.mu.Lock()
	for ch, stop := range s.subs {
		stop()
		close(ch)
		delete(s.subs, ch)
	}
	s.mu.Unlock()
	return errors.Join(err, s.store.Close())
}

func (s *Service) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Subscribe returns a channel of events (new messages, requests,
// receipts, edits, reactions, group changes), closed when ctx ends or
// the service closes. The channel holds 256 events; a subscriber that
// falls further behind misses events (counted in the log), it never
// stalls the service.
func (s *Service) Subscribe(ctx context.Context) <-chan Event {
	ch := make(chan Event, 256)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		close(ch)
		return ch
	}
	s.subs[ch] = context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.subs[ch]; ok {
			delete(s.subs, ch)
			close(ch)
		}
	})
	return ch
}

func (s *Service) emit(e Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs {
		select {
		case ch <- e:
		default:
			s.log.Warn("subscriber behind, event dropped", "kind", e.Kind)
		}
	}
}

// wait hands the core a command and waits until what it began came to
// something (see Note). It returns the command's answer, what each
// thing begun came to, and the first refusal among them (a note queued
// for retry is none); the notes are nil if it did not wait.
func (s *Service) wait(ctx context.Context, cmd any) (any, map[NoteKey]Note, error) {
	if s.isClosed() {
		return nil, nil, ErrClosed
	}
	w := &waiter{cmd: cmd, pending: 1, done: make(chan struct{}), notes: map[NoteKey]Note{}}
	res, err := s.r.Do(ctx, w)
	if errors.Is(err, service.ErrClosed) {
		err = ErrClosed
	}
	if err != nil {
		return res, nil, err
	}
	select {
	case <-w.done:
	case <-ctx.Done():
		return res, nil, ctx.Err()
	case <-s.ctx.Done():
		return res, nil, ErrClosed
	}
	for _, n := range w.notes {
		if n.Err != nil && n.Status != Pending {
			return res, w.notes, n.Err
		}
	}
	return res, w.notes, nil
}

// run is wait's answer as a T, and its error.
func run[T any](s *Service, ctx context.Context, cmd any) (T, error) {
	res, _, err := s.wait(ctx, cmd)
	v, _ := res.(T)
	return v, err
}

// do is wait's error.
func (s *Service) do(ctx context.Context, cmd any) error {
	_, _, err := s.wait(ctx, cmd)
	return err
}

// resolve turns "0x…" or a name into a wallet.
func (s *Service) resolve(ctx context.Context, to string) (common.Address, error) {
	if common.IsHexAddress(to) && len(to) == 42 {
		return common.HexToAddress(to), nil
	}
	w, err := s.node.Lookup(ctx, to)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %q: %w", ErrUnknownPeer, to, err)
	}
	return w, nil
}

// adapter is the core as the runner drives it, following the notes of
// what Service's waiting calls began (wait) and answering its reads
// (query). It runs on the runner's goroutine only.
type adapter struct {
	*Core
	waits map[NoteKey][]*waiter
}

// waiter is a command (cmd) whose notes a call waits for: pending counts
// the things it began that have not come to something, plus one until
// the command is handled; done closes when it reaches zero.
type waiter struct {
	cmd     any
	pending int
	done    chan struct{}
	notes   map[NoteKey]Note
}

func (w *waiter) add(n int) {
	if w.pending += n; w.pending == 0 {
		close(w.done)
	}
}

func (a *adapter) Handle(now time.Time, in service.Input, out *service.Effects) {
	w, _ := in.Cmd.(*waiter)
	if w != nil {
		in.Cmd = w.cmd
	}
	if q, ok := in.Cmd.(func(*Core) (any, error)); ok { // a query
		out.Result, out.Err = q(a.Core)
	} else {
		a.Core.Handle(now, in, out)
	}
	kept := out.Events[:0]
	for _, e := range out.Events {
		switch n, ok := e.(Note); {
		case !ok:
			kept = append(kept, e)
		case n.Start && w != nil:
			w.add(1)
			a.waits[n.Key] = append(a.waits[n.Key], w)
		case !n.Start:
			for _, x := range a.waits[n.Key] {
				x.notes[n.Key] = n
				x.add(-1)
			}
			delete(a.waits, n.Key)
		}
	}
	out.Events = kept
	if w != nil {
		w.add(-1)
	}
}

var _ io.Closer = (*Service)(nil)
