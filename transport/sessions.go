package transport

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/flynn/noise"
)

// The contract with package link: Config, Sessions and its lifecycle
// here; Peer in peer.go; Receive, Kind, Result and Outbound in
// receive.go; Initiate in handshake.go (responder.go answers); Seal in
// session.go; Tick and NextDeadline in tick.go.

// Config configures the sessions of one node.
type Config struct {
	// Key is this node's Noise static key. Required.
	Key NodeKey
	// Binding proves that a wallet delegates to Key.Public. Required.
	Binding Binding
	// ChainID is the chain bindings must name. Zero accepts the chain
	// ID of this node's own binding.
	ChainID uint64
	// Now returns the current time; nil means time.Now. The simulator
	// passes its virtual clock.
	Now func() time.Time
	// Rand is the source of ephemeral keys, indexes and nonces; nil means
	// crypto/rand. The simulator passes a seeded reader. Reads are
	// serialized, so Rand need not be safe for concurrent use.
	Rand io.Reader
	// Check is called once a peer's binding verified, before a handshake
	// completes; a non-nil error refuses the peer (the naming layer checks
	// revocation here). Nil accepts every valid binding.
	Check func(Binding) error
	// Timers holds the WireGuard-style timer constants; zero fields mean
	// the values of DefaultTimers().
	Timers Timers
	// BindingCache is how many verified peer bindings are remembered so
	// that rekeys skip ecrecover. Zero means DefaultBindingCache; negative
	// disables the cache.
	BindingCache int
	// Logger receives debug logs; nil discards.
	Logger *slog.Logger
}

// maxXXPending bounds the XX handshakes a responder holds between its
// message 2 and the initiator's message 3; the oldest is dropped first.
const maxXXPending = 4096

// Sessions holds the Noise sessions of one node with all its peers. It
// never touches a socket: callers hand it the bytes that arrived and send
// the bytes it returns. It is safe for concurrent use; Seal and the data
// path of Receive do not take a global lock.
type Sessions struct {
	// Immutable after New.
	static       noise.DHKey
	binding      Binding
	bindingBytes []byte
	wallet       common.Address
	chainID      uint64
	prologue     []byte
	nowFn        func() time.Time
	rand         io.Reader // serialized
	check        func(Binding) error
	timers       Timers
	log          *slog.Logger
	epoch        time.Time // origin of the mono clock

	cookies  cookieChecker
	hintsOut perSecond // stale hints sent (stale.go)
	hintsIn  perSecond // stale hints looked up
	bindings *bindingCache
	stats    counters
	change   changeNotifier // peers going up or down (peerstate.go)
	// index maps a local index to *session, *initHandshake, *xxResponder
	// or reserved. Lock-free for the data path.
	index sync.Map

	// mu guards the fields below. Lock order: a Peer's mu, then mu; the
	// cookie, cache and Rand locks are leaves.
	mu        sync.Mutex
	byKey     map[PublicKey]*Peer
	byWallet  map[common.Address]*Peer // peers asked for without a node key
	order     []*Peer                  // every peer, oldest first: Tick's deterministic order
	lastStamp time.Time                // newest initiation timestamp sent
	xxPending []*xxResponder           // oldest first
	pathRTT   handshakeRTT             // every peer's handshake round trips: the prior of a new peer's (pacing.go)

	dl deadlines // the peers' next deadlines, for NextDeadline (deadline.go)
}

// reserved holds an index while its session is built.
type reserved struct{}

// New returns the sessions of a node.
func New(cfg Config) (*Sessions, error) {
	derived, err := NodeKeyFromPrivate(cfg.Key.Private)
	if err != nil {
		return nil, err
	}
	if derived.Public != cfg.Key.Public {
		return nil, fmt.Errorf("transport: config: Key.Public does not match Key.Private")
	}
	if cfg.Binding.NodeKey != cfg.Key.Public {
		return nil, fmt.Errorf("transport: config: %w: binding names %s, key is %s",
			ErrNodeKeyMismatch, cfg.Binding.NodeKey, cfg.Key.Public)
	}
	s := &Sessions{
		static:   noise.DHKey{Private: cfg.Key.Private[:], Public: cfg.Key.Public[:]},
		binding:  cfg.Binding,
		wallet:   cfg.Binding.Wallet,
		chainID:  cfg.ChainID,
		nowFn:    cfg.Now,
		check:    cfg.Check,
		timers:   cfg.Timers.withDefaults(),
		log:      cfg.Logger,
		bindings: newBindingCache(cfg.BindingCache),
		byKey:    make(map[PublicKey]*Peer),
		byWallet: make(map[common.Address]*Peer),
	}
	if s.nowFn == nil {
		s.nowFn = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Rand == nil {
		s.rand = rand.Reader
	} else {
		s.rand = &lockedReader{r: cfg.Rand}
	}
	if s.chainID == 0 {
		s.chainID = cfg.Binding.ChainID
	}
	if cfg.Binding.ChainID != s.chainID {
		return nil, fmt.Errorf("transport: config: %w: binding names chain %d, config %d",
			ErrWrongChain, cfg.Binding.ChainID, s.chainID)
	}
	s.epoch = s.nowFn()
	if err := cfg.Binding.Verify(s.epoch); err != nil {
		return nil, fmt.Errorf("transport: config: own binding: %w", err)
	}
	s.bindingBytes, _ = cfg.Binding.MarshalBinary()
	s.prologue = prologue(s.chainID)
	s.cookies.init(s.wallet, s.timers, s.rand)
	return s, nil
}

// lockedReader serializes reads of a reader that may not be safe for
// concurrent use, and always fills the buffer.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return io.ReadFull(l.r, p)
}

func (s *Sessions) now() time.Time { return s.nowFn() }

// mono converts t to nanoseconds since the epoch plus one, so that zero
// can mean "unset" in the atomic timer fields.
func (s *Sessions) mono(t time.Time) int64 { return max(int64(t.Sub(s.epoch)), 0) + 1 }

// fromMono is the inverse of mono.
func (s *Sessions) fromMono(m int64) time.Time { return s.epoch.Add(time.Duration(m - 1)) }

// Wallet returns the wallet of this node's binding.
func (s *Sessions) Wallet() common.Address { return s.wallet }

// PublicKey returns this node's node key.
func (s *Sessions) PublicKey() PublicKey { return s.binding.NodeKey }

// Binding returns this node's binding.
func (s *Sessions) Binding() Binding { return s.binding }

// Peer returns the peer for wallet (and node key, if known), creating it.
// With a nil key, the handshake is XX and the responder's binding must
// name wallet; with a key, IK. A node key belongs to one peer: asking
// for a known key with another wallet replaces its peer.
func (s *Sessions) Peer(wallet common.Address, key *PublicKey) *Peer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if key != nil {
		if p := s.byKey[*key]; p != nil && p.wallet == wallet {
			return p
		}
		p := s.newPeerLocked(wallet, key)
		s.byKey[*key] = p
		return p
	}
	if p := s.byWallet[wallet]; p != nil {
		return p
	}
	p := s.newPeerLocked(wallet, nil)
	s.byWallet[wallet] = p
	return p
}

// peerForKey returns the peer of a node key that proved wallet in a
// handshake it initiated, creating it.
func (s *Sessions) peerForKey(key PublicKey, wallet common.Address) (*Peer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.byKey[key]; p != nil {
		if p.wallet != wallet {
			return nil, fmt.Errorf("%w: node key %s is %s's, binding names %s",
				ErrWrongWallet, key, p.wallet.Hex(), wallet.Hex())
		}
		return p, nil
	}
	p := s.newPeerLocked(wallet, &key)
	s.byKey[key] = p
	return p, nil
}

// learnKeyLocked records the node key an XX handshake revealed for p,
// whose mu is held. If another peer already has the key, p stays out of
// the map but keeps its sessions.
func (s *Sessions) learnKeyLocked(p *Peer, key PublicKey) {
	p.key, p.hasKey = key, true
	if p.removed {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byKey[key] == nil {
		s.byKey[key] = p
	}
}

func (s *Sessions) newPeerLocked(wallet common.Address, key *PublicKey) *Peer {
	p := &Peer{
		s:         s,
		wallet:    wallet,
		mac1Key:   walletKey(labelMAC1, wallet),
		cookieKey: walletKey(labelCookie, wallet),
	}
	if key != nil {
		p.key, p.hasKey = *key, true
	}
	s.order = append(s.order, p)
	return p
}

// Stats counts what Sessions dropped and did.
func (s *Sessions) Stats() Stats { return s.stats.snapshot() }

// Remove forgets p and its sessions. A later handshake from p's node key
// creates a new Peer.
func (s *Sessions) Remove(p *Peer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s.mu.Lock()
	if p.hasKey && s.byKey[p.key] == p {
		delete(s.byKey, p.key)
	}
	if s.byWallet[p.wallet] == p {
		delete(s.byWallet, p.wallet)
	}
	s.order = slices.DeleteFunc(s.order, func(q *Peer) bool { return q == p })
	s.mu.Unlock()

	p.removed = true
	s.resetLocked(p)
}

// Reset ends p's sessions and any handshake this node started with it,
// but keeps p: the next packet to or from p needs a new handshake, which
// checks p's binding again (Config.Check). A node whose peer's node key
// was revoked calls it to cut the live sessions at once rather than at
// the next rekey.
func (s *Sessions) Reset(p *Peer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s.resetLocked(p)
}

func (s *Sessions) resetLocked(p *Peer) {
	s.dropHandshakeLocked(p)
	for _, ses := range []*session{p.current.Swap(nil), p.next.Swap(nil), p.previous} {
		s.dropSession(ses)
	}
	p.previous = nil
	p.rekeyFor.Store(nil)
	p.recvPending.Store(0)
	p.sentPending.Store(0)
	s.setUp(p, false)
	p.touch()
}

// Peers returns every peer, oldest first.
func (s *Sessions) Peers() []*Peer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.order)
}

// newIndex reserves a fresh nonzero random local index.
func (s *Sessions) newIndex() (uint32, error) {
	var b [4]byte
	for {
		if _, err := io.ReadFull(s.rand, b[:]); err != nil {
			return 0, fmt.Errorf("transport: session index: %w", err)
		}
		i := le32(b[:])
		if i == 0 {
			continue
		}
		if _, loaded := s.index.LoadOrStore(i, reserved{}); !loaded {
			return i, nil
		}
	}
}

// dropSession removes ses from the index, if it is still there.
func (s *Sessions) dropSession(ses *session) {
	if ses != nil {
		s.index.CompareAndDelete(ses.localIndex, ses)
	}
}
