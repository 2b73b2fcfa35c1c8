package stream

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/anynet/anynet/apps/internal/runner"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/transport"
	"github.com/ethereum/go-ethereum/common"
	"github.com/pion/webrtc/v4"
)

// Port is the well-known TCP port of the stream service.
const Port = 4200

// DocumentEntryType is the did:ethr service entry of a wallet that
// publishes or relays streams: value "port:4200".
const DocumentEntryType = "AnynetStream"

// Config configures a Service. Zero values mean the documented defaults.
type Config struct {
	// Host is the node; required.
	Host service.Host
	// Wallet signs the playlists of the streams this node publishes
	// (stack.Node.Wallet); nil means the node only relays and watches.
	Wallet transport.Signer
	// Core tunes the core (Fanout, Window, StallTimeout, LoadEvery);
	// Self and Sign are set from Host and Wallet.
	Core CoreConfig
	// IngestKey is the secret in ingest URLs; empty means a random one
	// (Service.IngestKey).
	IngestKey string
	// Holds reads whether wallet holds token (a balance above zero),
	// for streams gated to a token's holders; nil refuses their joiners
	// (the daemon reads the chain: pay.Chain.Balance).
	Holds func(ctx context.Context, token, wallet common.Address) (bool, error)
	// Logger receives logs; nil discards.
	Logger *slog.Logger
	// WebRTC configures ICE for WHIP and WHEP sessions (webrtc.go); nil
	// means host candidates on every interface, loopback included,
	// without mDNS.
	WebRTC *webrtc.SettingEngine
}

// Service runs the stream core on a node.
type Service struct {
	host  service.Host
	r     *runner.Runner
	core  *Core
	key   string
	log   *slog.Logger
	holds func(ctx context.Context, token, wallet common.Address) (bool, error)
	ctx   context.Context // ends with Close: token checks under way
	stop  context.CancelFunc
	rtc   *rtc // WebRTC media: WHIP, WHEP, RTCPort

	mu     sync.Mutex // guards subs and nextID
	subs   map[int]func(Event)
	nextID int
}

// Open starts the service on cfg.Host.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Host == nil {
		return nil, errors.New("stream: Host is required")
	}
	cc := cfg.Core
	cc.Self = cfg.Host.Addr()
	if cfg.Wallet != nil {
		if cfg.Wallet.Address() != cc.Self {
			return nil, fmt.Errorf("stream: Wallet %s is not the node's %s", cfg.Wallet.Address(), cc.Self)
		}
		cc.Sign = cfg.Wallet.SignText
	}
	core, err := NewCore(cc)
	if err != nil {
		return nil, err
	}
	s := &Service{host: cfg.Host, core: core, key: cfg.IngestKey, log: cfg.Logger, subs: map[int]func(Event){}, holds: cfg.Holds}
	s.ctx, s.stop = context.WithCancel(context.WithoutCancel(ctx))
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.key == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("stream: ingest key: %w", err)
		}
		s.key = hex.EncodeToString(b)
	}
	s.r, err = runner.Start(runner.Config{Host: cfg.Host, Core: core, Store: &service.Memory{}, Port: Port,
		MaxFrame: maxFrame, OnEvent: s.event, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	if s.rtc, err = startRTC(s, cfg.WebRTC, s.log); err != nil {
		s.r.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the service.
func (s *Service) Close() error {
	s.stop()
	s.rtc.close()
	return s.r.Close()
}

// IngestKey is the secret an ingest URL carries (Ingest).
func (s *Service) IngestKey() string { return s.key }

func (s *Service) event(e any) {
	ev, ok := e.(Event)
	if !ok {
		return
	}
	if ev.Kind == EventHolder {
		go s.checkHolder(ev.Token, ev.Peer)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fn := range s.subs {
		fn(ev)
	}
}

// checkHolder reads a token balance for the core (EventHolder).
func (s *Service) checkHolder(token, wallet common.Address) {
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	cmd := HolderCmd{Token: token, Wallet: wallet, Err: errNoHolds}
	if s.holds != nil {
		cmd.Holds, cmd.Err = s.holds(ctx, token, wallet)
	}
	if cmd.Err != nil {
		s.log.Warn("stream: token check", "token", token, "wallet", wallet, "err", cmd.Err)
	}
	s.r.Do(ctx, cmd)
}

var errNoHolds = errors.New("stream: this node cannot read token balances")

// PublishWith starts publishing as cmd says (Target, Parts, Access).
func (s *Service) PublishWith(ctx context.Context, cmd PublishCmd) (Key, error) {
	v, err := s.r.Do(ctx, cmd)
	if err != nil {
		return Key{}, err
	}
	return v.(Key), nil
}

// Subscribe calls fn with every event until cancel; fn runs on the
// service's goroutine and must not block.
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

// Publish starts publishing the stream name of this node's wallet.
func (s *Service) Publish(ctx context.Context, name string, target time.Duration) (Key, error) {
	v, err := s.r.Do(ctx, PublishCmd{Name: name, Target: target})
	if err != nil {
		return Key{}, err
	}
	return v.(Key), nil
}

// Push adds one segment to a stream this node publishes.
func (s *Service) Push(ctx context.Context, name string, data []byte, d time.Duration) (Segment, error) {
	v, err := s.r.Do(ctx, PushCmd{Name: name, Data: data, Duration: d})
	if err != nil {
		return Segment{}, err
	}
	return v.(Segment), nil
}

// Watch joins the stream name published by origin (a name or "0x…"
// wallet) as a viewer, or as a relay for up to capacity children.
func (s *Service) Watch(ctx context.Context, origin, name string, capacity int) (Key, error) {
	w, err := s.host.Lookup(ctx, origin)
	if err != nil {
		return Key{}, fmt.Errorf("stream: watch %s: %w", origin, err)
	}
	k := Key{Owner: w, Name: name}
	_, err = s.r.Do(ctx, WatchCmd{Key: k, Origin: w, Capacity: capacity})
	return k, err
}

// Stop leaves a stream.
func (s *Service) Stop(ctx context.Context, k Key) error {
	_, err := s.r.Do(ctx, StopCmd{Key: k})
	return err
}

// Playlist returns the newest verified playlist of k held here.
func (s *Service) Playlist(ctx context.Context, k Key) (PlaylistView, error) {
	v, err := s.r.Do(ctx, PlaylistCmd{Key: k})
	if err != nil {
		return PlaylistView{}, err
	}
	return v.(PlaylistView), nil
}

// Segment returns a held segment's verified bytes (not to be modified).
func (s *Service) Segment(ctx context.Context, k Key, seq uint64) ([]byte, error) {
	v, err := s.r.Do(ctx, SegmentCmd{Key: k, Seq: seq})
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}

// Status returns every stream's state and the counters.
func (s *Service) Status(ctx context.Context) (Status, error) {
	v, err := s.r.Do(ctx, StatusCmd{})
	if err != nil {
		return Status{}, err
	}
	return v.(Status), nil
}
