package im

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
)

// Port is the well-known TCP port of the IM service on every node.
const Port = 5222

// Directory is what the service needs from naming: where a wallet keeps
// its mailbox. The naming layer reads it from the wallet's DID document.
type Directory interface {
	// Mailbox returns the host ("name" or "0x…" wallet, as stack.Node.Dial
	// accepts) of wallet's mailbox node, or "" if it has none.
	Mailbox(ctx context.Context, wallet common.Address) (string, error)
}

// DirectoryFunc adapts a function to a Directory.
type DirectoryFunc func(ctx context.Context, wallet common.Address) (string, error)

// Mailbox calls f.
func (f DirectoryFunc) Mailbox(ctx context.Context, wallet common.Address) (string, error) {
	return f(ctx, wallet)
}

var _ Directory = DirectoryFunc(nil)

// KeyDirectory is an optional extension of Directory: the X25519 key a
// wallet publishes (Service.SealKey) so that senders who never spoke
// with it can seal messages for its mailbox. Without it, a sender seals
// only to wallets whose key it learned from a direct connection (the
// HELLO frame, authenticated by the node's Noise session).
type KeyDirectory interface {
	SealKey(ctx context.Context, wallet common.Address) ([32]byte, error)
}

// Config configures a Service. Zero values mean the documented defaults.
type Config struct {
	// Node is the node the service runs on (Up, or brought up by Open).
	Node *stack.Node
	// Dir is the store directory (pebble). Empty means an in-memory
	// store, lost on Close.
	Dir string
	// Directory finds a wallet's mailbox node; nil means no offline
	// delivery (and no fetching from a mailbox).
	Directory Directory
	// Mailbox makes this node keep sealed messages for other wallets.
	Mailbox bool
	// AttachmentDir is where downloaded attachments go. Empty means
	// Dir/attachments; with no Dir either, Download fails.
	AttachmentDir string
	// Logger receives logs; nil discards.
	Logger *slog.Logger
	// RetryInterval is how often messages that failed because the
	// recipient was unreachable are sent again (for up to a week). Zero
	// means 1 minute; negative means never (Resend does it by hand).
	RetryInterval time.Duration
	// CallSink, if set, receives the played-out payload of each incoming
	// call (from an Allowed wallet), closed when the call ends. Nil
	// discards it; the statistics arrive as EventCall either way.
	CallSink func(from common.Address) io.WriteCloser
	// JitterDelay is the playout delay of incoming calls. Zero means 60ms.
	JitterDelay time.Duration

	// MaxText is the largest text of one message, in bytes. Zero means
	// 4096.
	MaxText int
	// MaxFrame is the largest frame accepted, in bytes. Zero means
	// 64 KiB. Larger frames are refused with an ERROR frame (TooLarge).
	MaxFrame int
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
	// DialTimeout bounds reaching a peer before falling back to its
	// mailbox. Zero means 10s.
	DialTimeout time.Duration
	// AckTimeout bounds the wait for a delivery receipt. Zero means 10s.
	AckTimeout time.Duration
	// FetchInterval is how often the service fetches from its own
	// mailbox (it always fetches once in Open); after a failed fetch it
	// tries again sooner, after 1 s doubling up to FetchInterval. Zero
	// means 1 minute; negative means only in Open and on Fetch.
	FetchInterval time.Duration
}

func (c Config) withDefaults() Config {
	if c.MaxText == 0 {
		c.MaxText = 4096
	}
	if c.MaxFrame == 0 {
		c.MaxFrame = 64 << 10
	}
	if c.RateLimit == 0 {
		c.RateLimit = 20
	}
	if c.RateBurst == 0 {
		c.RateBurst = 50
	}
	if c.MailboxLimit == 0 {
		c.MailboxLimit = 10000
	}
	if c.MailboxPerSender == 0 {
		c.MailboxPerSender = max(1, c.MailboxLimit/10)
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = 10 * time.Second
	}
	if c.AckTimeout == 0 {
		c.AckTimeout = 10 * time.Second
	}
	if c.FetchInterval == 0 {
		c.FetchInterval = time.Minute
	}
	if c.RetryInterval == 0 {
		c.RetryInterval = time.Minute
	}
	if c.JitterDelay == 0 {
		c.JitterDelay = 60 * time.Millisecond
	}
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

// Service is the IM service of one node: it listens on Port, keeps the
// history, and sends for the node's wallet.
type Service struct {
	cfg   Config
	node  *stack.Node
	self  common.Address
	log   *slog.Logger
	st    *store
	keys  sealKeys
	ln    net.Listener
	rate  *limiter
	calls calls
	ctx   context.Context // ends on Close
	stop  context.CancelFunc
	wg    sync.WaitGroup // every goroutine the service starts
	sendM sync.Mutex     // orders Sent timestamps
	// life is held shared by every public call and exclusively by Close
	// while it closes the store.
	life sync.RWMutex

	// lastSent is guarded by sendM.
	lastSent time.Time
	// groupTap, set by tests only, sees every group fan-out frame.
	groupTap func(to common.Address, f frame)

	mu     sync.Mutex // guards the fields below
	closed bool
	conns  map[common.Address]*peerConn
	all    map[*peerConn]struct{}
	// dialing holds a channel per wallet being dialed, closed when done.
	dialing map[common.Address]chan struct{}
	subs    map[chan Event]struct{}
}

// Open starts the IM service on cfg.Node: it opens the store, fetches
// what its mailbox holds, listens on Port and serves.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if err := cfg.Node.Up(ctx); err != nil {
		return nil, fmt.Errorf("im: node up: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st, err := openStore(cfg.Dir)
	if err != nil {
		return nil, err
	}
	keys, err := st.sealKeys()
	if err != nil {
		st.close()
		return nil, err
	}
	sctx, stop := context.WithCancel(context.Background())
	s := &Service{
		cfg: cfg, node: cfg.Node, self: cfg.Node.Addr(), log: log.With("svc", "im"),
		st: st, keys: keys, rate: newLimiter(cfg.RateLimit, cfg.RateBurst),
		ctx: sctx, stop: stop,
		conns:   make(map[common.Address]*peerConn),
		all:     make(map[*peerConn]struct{}),
		dialing: make(map[common.Address]chan struct{}),
		subs:    make(map[chan Event]struct{}),
	}
	ln, err := cfg.Node.Listen("tcp", fmt.Sprintf(":%d", Port))
	if err != nil {
		stop()
		st.close()
		return nil, fmt.Errorf("im: listen: %w", err)
	}
	s.ln = ln
	pc, err := cfg.Node.ListenPacket("udp", fmt.Sprintf(":%d", CallPort))
	if err != nil {
		stop()
		ln.Close()
		st.close()
		return nil, fmt.Errorf("im: listen for calls: %w", err)
	}
	// What the mailbox kept comes before anything sent directly from now
	// on: connections wait in the listener's backlog until it is applied.
	fetched := true
	if cfg.Directory != nil {
		if _, err := s.Fetch(ctx); err != nil {
			s.log.Warn("mailbox fetch on open", "err", err)
			fetched = false
		}
	}
	s.calls = calls{pc: pc, sessions: make(map[uint64]*callSession), started: make(chan struct{}, 1)}
	s.wg.Add(3)
	go s.acceptLoop()
	go s.callLoop()
	go s.callTicker()
	if cfg.Directory != nil && cfg.FetchInterval > 0 {
		s.wg.Add(1)
		go s.fetchLoop(fetched)
	}
	if cfg.RetryInterval > 0 {
		s.wg.Add(1)
		go s.retryLoop()
	}
	return s, nil
}

// Self returns the wallet the service sends as.
func (s *Service) Self() common.Address { return s.self }

// SealKey returns the X25519 public key senders seal mailbox messages
// to; the wallet publishes it (KeyDirectory reads it back).
func (s *Service) SealKey() [32]byte { return s.keys.pub }

// Close stops the service: listener, connections, goroutines, store,
// subscriptions. It is idempotent. It does not close the node.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	conns := make([]*peerConn, 0, len(s.all))
	for c := range s.all {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	s.stop()
	s.ln.Close()
	s.calls.pc.Close()
	for _, c := range conns {
		c.close()
	}
	s.wg.Wait()
	s.mu.Lock()
	for ch := range s.subs {
		close(ch)
		delete(s.subs, ch)
	}
	s.mu.Unlock()
	s.life.Lock()
	defer s.life.Unlock()
	return s.st.close()
}

// enter starts a public call: it fails after Close, keeps the store
// open until done is called, and returns ctx also cancelled by Close.
func (s *Service) enter(ctx context.Context) (_ context.Context, done func(), err error) {
	s.life.RLock()
	if s.isClosed() {
		s.life.RUnlock()
		return nil, nil, ErrClosed
	}
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.ctx, cancel)
	return ctx, func() { stop(); cancel(); s.life.RUnlock() }, nil
}

// background runs fn on a goroutine the service waits for, unless it
// is closing.
func (s *Service) background(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn()
	}()
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
	if s.closed {
		s.mu.Unlock()
		close(ch)
		return ch
	}
	s.subs[ch] = struct{}{}
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-ctx.Done():
		case <-s.ctx.Done():
			return // Close closes it
		}
		s.mu.Lock()
		if _, ok := s.subs[ch]; ok {
			delete(s.subs, ch)
			close(ch)
		}
		s.mu.Unlock()
	}()
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

// fetchRetryBase is the first wait before a failed mailbox fetch is
// tried again; the wait doubles up to FetchInterval.
const fetchRetryBase = time.Second

// fetchLoop is the long-lived goroutine that polls this wallet's mailbox
// every FetchInterval, and sooner, with a backoff, while fetches fail;
// fetched says whether the fetch in Open succeeded.
func (s *Service) fetchLoop(fetched bool) {
	defer s.wg.Done()
	every, backoff := s.cfg.FetchInterval, fetchRetryBase
	next := func(ok bool) time.Duration {
		if ok {
			backoff = fetchRetryBase
			return every
		}
		wait := min(backoff, every)
		backoff = min(2*backoff, every)
		return wait
	}
	t := time.NewTimer(next(fetched))
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		_, err := s.Fetch(s.ctx)
		if err != nil && s.ctx.Err() == nil {
			s.log.Debug("mailbox fetch", "err", err)
		}
		t.Reset(next(err == nil))
	}
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

var _ io.Closer = (*Service)(nil)
