package content

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/anynet/anynet/apps/internal/runner"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Port is the well-known TCP port of the content service.
const Port = 4100

// DocumentEntryType is the did:ethr service entry a publisher adds:
// value "port:4100".
const DocumentEntryType = "AnynetContent"

// Config configures a Service. Zero values mean the documented defaults.
type Config struct {
	// Host is the node; required.
	Host service.Host
	// Dir holds the store (Dir/store, pebble) and the blobs
	// (Dir/blobs). Empty means Host.Dir()/content, and with no data
	// directory either, memory (lost on Close).
	Dir string
	// Serve makes this node a mirror and cache: public blobs it
	// downloads are served to others and announced to the publisher.
	Serve bool
	// CacheBytes caps the downloaded blobs kept; see CoreConfig.
	CacheBytes int64
	// Caches are caches on this node's path (the routers it attaches
	// to): public downloads ask them to fetch the blob and take ranges
	// from them (FetchCmd.Caches).
	Caches []common.Address
	// Sign signs the mirror lists of the blobs this node publishes
	// (CoreConfig.Sign); nil answers them unsigned.
	Sign func(text []byte) ([]byte, error)
	// RangeSize, Window and RequestTimeout: see CoreConfig.
	RangeSize      int64
	Window         int
	RequestTimeout time.Duration
	// Blobs replaces the blob store (tests); nil means Dir's.
	Blobs Blobs
	// Logger receives logs; nil discards.
	Logger *slog.Logger
}

// Service runs the content core on a node: shares, downloads, listings.
type Service struct {
	host   service.Host
	caches []common.Address
	r      *runner.Runner
	core   *Core
	blobs  Blobs
	store  service.Store
	own    bool // the service closes store
	// closeBlobs closes the blob store the service opened, or nil.
	closeBlobs func() error

	mu     sync.Mutex // guards subs and next
	subs   map[int]func(Event)
	nextID int

	// The instances of anycast providers (instances_host.go); inst is
	// nil when the host cannot tell a wallet's nodes apart.
	inst     instancer
	log      *slog.Logger
	instMu   sync.Mutex // guards looked and walletOf
	looked   map[common.Address]looked
	walletOf map[common.Address]common.Address // InstancePeer → wallet
}

// Open starts the service on cfg.Host.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Host == nil {
		return nil, errors.New("content: Host is required")
	}
	dir := cfg.Dir
	if dir == "" && cfg.Host.Dir() != "" {
		dir = filepath.Join(cfg.Host.Dir(), "content")
	}
	s := &Service{host: cfg.Host, caches: cfg.Caches, blobs: cfg.Blobs, subs: map[int]func(Event){},
		log: cfg.Logger, looked: map[common.Address]looked{}, walletOf: map[common.Address]common.Address{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if in, ok := cfg.Host.(instancer); ok && in.InstanceAddr().IsValid() {
		s.inst = in
	}
	var err error
	if dir == "" {
		s.store = &service.Memory{}
		if s.blobs == nil {
			s.blobs = &MemBlobs{}
		}
	} else {
		if s.store, err = service.OpenPebble(filepath.Join(dir, "store")); err != nil {
			return nil, err
		}
		s.own = true
		if s.blobs == nil {
			db, err := OpenDirBlobs(filepath.Join(dir, "blobs"))
			if err != nil {
				s.store.Close()
				return nil, err
			}
			s.blobs, s.closeBlobs = db, db.Close
		}
	}
	frames := &runner.Frames{} // ranges' buffers, recycled (runner/frames.go)
	s.core, err = NewCore(CoreConfig{Self: cfg.Host.Addr(), Store: s.store, Blobs: s.blobs, Rand: rand.Reader,
		RangeSize: cfg.RangeSize, Window: cfg.Window, RequestTimeout: cfg.RequestTimeout, Serve: cfg.Serve, CacheBytes: cfg.CacheBytes, Sign: cfg.Sign,
		Alloc: frames.Get})
	if err == nil {
		rc := runner.Config{Host: cfg.Host, Core: s.core, Store: s.store, Port: Port,
			MaxFrame: maxFrame, OnEvent: s.event, Frames: frames, Logger: cfg.Logger}
		if s.inst != nil {
			rc.Name, rc.Dial = s.name, s.dial
		}
		s.r, err = runner.Start(rc)
	}
	if err != nil {
		if s.own {
			s.store.Close()
		}
		if s.closeBlobs != nil {
			s.closeBlobs()
		}
		return nil, err
	}
	return s, nil
}

// Close stops the service.
func (s *Service) Close() error {
	err := s.r.Close()
	if s.own {
		if cerr := s.store.Close(); err == nil {
			err = cerr
		}
	}
	if s.closeBlobs != nil {
		if cerr := s.closeBlobs(); err == nil {
			err = cerr
		}
	}
	return err
}

// Blobs is the service's blob store.
func (s *Service) Blobs() Blobs { return s.blobs }

// event fans a core event out to the subscribers (runner goroutine).
func (s *Service) event(e any) {
	ev, ok := e.(Event)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fn := range s.subs {
		fn(ev)
	}
}

// Subscribe calls fn with every event until the returned cancel; fn
// runs on the service's goroutine and must not block.
func (s *Service) Subscribe(fn func(Event)) (cancel func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	n := s.nextID
	s.subs[n] = fn
	return func() {
		s.mu.Lock()
		delete(s.subs, n)
		s.mu.Unlock()
	}
}

// Status returns the downloads in progress and the counters.
func (s *Service) Status(ctx context.Context) (Status, error) {
	v, err := s.r.Do(ctx, StatusCmd{})
	if err != nil {
		return Status{}, err
	}
	return v.(Status), nil
}

// Shares returns this node's shares.
func (s *Service) Shares(ctx context.Context) ([]Entry, error) {
	v, err := s.r.Do(ctx, SharesCmd{})
	if err != nil {
		return nil, err
	}
	es, _ := v.([]Entry)
	return es, nil
}

// Unshare stops sharing name; its blobs stay (as the cache's rules
// say).
func (s *Service) Unshare(ctx context.Context, name string) error {
	_, err := s.r.Do(ctx, UnshareCmd{Name: name})
	return err
}

// Pin keeps blob id out of the cache's evictions (pin false undoes it).
func (s *Service) Pin(ctx context.Context, id ID, pin bool) error {
	_, err := s.r.Do(ctx, PinCmd{ID: id, Pin: pin})
	return err
}

// List asks host (a name or "0x…" wallet) for the shares the caller's
// wallet may read whose name starts with prefix (FTP's LIST).
func (s *Service) List(ctx context.Context, host, prefix string) ([]Entry, error) {
	w, err := s.host.Lookup(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("content: list %s: %w", host, err)
	}
	type answer struct {
		es  []Entry
		err error
	}
	got := make(chan answer, 1)
	var mu sync.Mutex
	var req uint32
	var early []Event
	cancel := s.Subscribe(func(e Event) {
		if e.Kind != EventListing || e.Peer != w {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if req == 0 {
			early = append(early, e)
			return
		}
		if e.Req == req {
			select {
			case got <- answer{e.Entries, e.Err}:
			default:
			}
		}
	})
	defer cancel()
	v, err := s.r.Do(ctx, ListCmd{Peer: w, Prefix: prefix})
	if err != nil {
		return nil, err
	}
	mu.Lock()
	req = v.(uint32)
	for _, e := range early {
		if e.Req == req {
			got <- answer{e.Entries, e.Err}
		}
	}
	mu.Unlock()
	select {
	case a := <-got:
		if a.err != nil {
			return nil, fmt.Errorf("content: list %s: %w", host, a.err)
		}
		return a.es, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// FetchOptions tunes one Fetch.
type FetchOptions struct {
	// Size of the blob, -1 (or 0 with SizeKnown false) if unknown.
	Size      int64
	SizeKnown bool
	// Providers are asked for ranges; the first is the publisher. A
	// provider served by several nodes (anycast) is asked at each of
	// its nodes apart (FetchCmd.Instances), when the host tells them
	// apart (stack.Node).
	Providers []common.Address
	// AskHolders asks the first provider for the holders it knows.
	AskHolders bool
	// Public: the blob is from a public share (see Config.Serve).
	Public bool
	// Progress, if set, is called (on the service goroutine, so quickly)
	// with the verified bytes so far.
	Progress func(have, size int64)
}

// Fetch downloads blob id until it is complete and verified, or every
// provider failed (ErrNoProviders; call again to resume).
func (s *Service) Fetch(ctx context.Context, id ID, o FetchOptions) error {
	done := make(chan error, 1)
	cancel := s.Subscribe(func(e Event) {
		if e.ID != id {
			return
		}
		switch e.Kind {
		case EventProgress:
			if o.Progress != nil {
				o.Progress(e.Have, e.Size)
			}
		case EventDone:
			select {
			case done <- nil:
			default:
			}
		case EventFailed:
			select {
			case done <- e.Err:
			default:
			}
		}
	})
	defer cancel()
	size := int64(-1)
	if o.SizeKnown {
		size = o.Size
	}
	cmd := FetchCmd{ID: id, Size: size, Providers: o.Providers, AskHolders: o.AskHolders, Public: o.Public,
		Instances: s.instancesOf(ctx, o.Providers)}
	if o.Public {
		cmd.Caches = s.caches
	}
	if _, err := s.r.Do(ctx, cmd); err != nil {
		return err
	}
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("content: fetch %s: %w", id.Short(), err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
