package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/anynet/anynet/apps/internal/runner"
	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// Port is the overlay TCP port nodes exchange mail on.
const Port = 25

// Config configures a Service. Zero values mean the documented
// defaults.
type Config struct {
	// Host is the node; required.
	Host service.Host
	// Dir holds the pebble store and the gateway password; "" keeps
	// everything in memory.
	Dir string
	// Core tunes the protocol; Self, Rand and Store are filled in.
	Core CoreConfig
	// Store, if set, is used instead of one in Dir (tests).
	Store service.Store
	// DialTimeout bounds opening a connection. Zero means 10 s.
	DialTimeout time.Duration
	// Logger receives logs; nil discards.
	Logger *slog.Logger
	// RequireTLS makes the gateways refuse a password before TLS
	// (STARTTLS, or a TLS port); without it they take one in the clear
	// too, as they serve loopback only.
	RequireTLS bool
}

// Service is mail on a node: the core under the shared runtime, its
// store, and the events its gateways and API follow.
type Service struct {
	core *Core
	r    *runner.Runner
	st   service.Store
	own  bool // st was opened here
	host service.Host
	dir  string
	log  *slog.Logger

	follows sync.WaitGroup // IMAP gateways' event followers, which read the store

	mu      sync.Mutex // guards subs
	subs    map[int]chan Event
	nextID  int
	memPass string
	closed  bool

	requireTLS bool
	tlsCfg     *tls.Config // guarded by mu; made on first use (tls.go)
	certPEM    []byte
}

// Open starts mail on cfg.Host.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Host == nil {
		return nil, errors.New("mail: Host is required")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{host: cfg.Host, dir: cfg.Dir, log: log, subs: map[int]chan Event{}, requireTLS: cfg.RequireTLS}
	s.st = cfg.Store
	switch {
	case s.st != nil:
	case cfg.Dir != "":
		if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
		st, err := service.OpenPebble(filepath.Join(cfg.Dir, "store"))
		if err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
		s.st, s.own = st, true
	default:
		s.st = &service.Memory{}
	}
	cc := cfg.Core
	cc.Self, cc.Rand, cc.Store = cfg.Host.Addr(), rand.Reader, s.st
	rc := runner.Config{
		Host: cfg.Host, Store: s.st, Port: Port,
		MaxFrame: MaxFrame(cc.MaxSize), DialTimeout: cfg.DialTimeout, Refuse: refuseOversize(cc.MaxSize),
		OnEvent: s.publish, Logger: log,
	}
	if nodes := newNodeNamer(cfg.Host); nodes != nil {
		if !cc.Node.IsValid() {
			cc.Node = nodes.inst.InstanceAddr()
		}
		rc.Name, rc.Dial = nodes.name, nodes.dial
	}
	core, err := NewCore(cc)
	if err != nil {
		s.closeStore()
		return nil, err
	}
	s.core = core
	rc.Core = core
	s.r, err = runner.Start(rc)
	if err != nil {
		s.closeStore()
		return nil, fmt.Errorf("mail: %w", err)
	}
	return s, nil
}

func (s *Service) closeStore() {
	if s.own {
		s.st.Close()
	}
}

// Close stops the service; closing it again does nothing.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	err := s.r.Close()
	s.mu.Lock()
	for id, ch := range s.subs {
		close(ch)
		delete(s.subs, id)
	}
	s.mu.Unlock()
	s.follows.Wait() // they read the store: it closes after them
	s.closeStore()
	return err
}

// Addr is the node's own anynet mail address.
func (s *Service) Addr() string { return WalletAddress(s.host.Addr()) }

// SealKey is the key senders seal mail to.
func (s *Service) SealKey() [32]byte { return s.core.SealKey() }

// Entry is the service's DID entry: its seal key and, on a mailbox
// node, the terms it keeps mail for others on.
func (s *Service) Entry() Entry { return Entry{Key: s.SealKey(), Terms: s.core.Terms()} }

// Info says what the core keeps and knows (InfoCmd).
func (s *Service) Info(ctx context.Context) (Info, error) {
	r, err := s.r.Do(ctx, InfoCmd{})
	if err != nil {
		return Info{}, err
	}
	return r.(Info), nil
}

// Publish writes the service's DID entry (AnynetMail: Entry), and the
// mailbox if not empty, into the wallet's DID document (auth is the
// wallet).
func (s *Service) Publish(ctx context.Context, names *naming.Client, auth *bind.TransactOpts, mailbox string) error {
	req := naming.PublishRequest{Mailbox: mailbox, Services: []naming.Service{{Type: DocumentEntryType, Endpoint: s.Entry().String()}}}
	if _, err := names.Publish(ctx, auth, req); err != nil {
		return fmt.Errorf("mail: publish: %w", err)
	}
	// The core read the document at start, maybe before this: it
	// learns its mailbox now.
	if _, err := s.r.Do(ctx, FetchCmd{}); err != nil {
		return fmt.Errorf("mail: publish: %w", err)
	}
	return nil
}

// Resolve turns an anynet address ("bob@anynet", "0x…@anynet") or a
// bare name or wallet into the recipient's wallet.
func (s *Service) Resolve(ctx context.Context, to string) (common.Address, error) {
	host := to
	if strings.Contains(to, "@") {
		h, err := ParseAddress(to)
		if err != nil {
			return common.Address{}, err
		}
		host = h
	}
	w, err := s.host.Lookup(ctx, host)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %s: %v", ErrBadAddress, to, err)
	}
	return w, nil
}

// Send submits data (RFC 5322 bytes) to the wallet of to; when it
// returns without error the message is stored and will be delivered or
// bounced.
func (s *Service) Send(ctx context.Context, to string, data []byte) (Outgoing, error) {
	w, err := s.Resolve(ctx, to)
	if err != nil {
		return Outgoing{}, err
	}
	return s.SendTo(ctx, w, data)
}

// SendTo is Send to a wallet.
func (s *Service) SendTo(ctx context.Context, to common.Address, data []byte) (Outgoing, error) {
	r, err := s.r.Do(ctx, SubmitCmd{To: to, Data: data})
	if err != nil {
		return Outgoing{}, err
	}
	return r.(Outgoing), nil
}

// Do hands the core a command (AppendCmd, FlagsCmd, CopyCmd, …).
func (s *Service) Do(ctx context.Context, cmd any) (any, error) { return s.r.Do(ctx, cmd) }

// Outgoing lists the messages this node submitted, newest last.
func (s *Service) Outgoing() ([]Outgoing, error) {
	var os []Outgoing
	var err error
	s.st.Scan([]byte("o"), func(k, v []byte) bool {
		var o Outgoing
		if err = json.Unmarshal(v, &o); err != nil {
			return false
		}
		os = append(os, o)
		return true
	})
	slices.SortStableFunc(os, func(a, b Outgoing) int { return a.Submitted.Compare(b.Submitted) })
	return os, err
}

// Status is one outgoing message's record.
func (s *Service) Status(id MessageID) (Outgoing, error) { return s.core.outgoingStored(id) }

// Messages lists a folder in UID order.
func (s *Service) Messages(folder string) ([]Stored, error) {
	if !isFolder(folder) {
		return nil, fmt.Errorf("%w: folder %q", ErrNotFound, folder)
	}
	return Messages(s.st, folder)
}

// Body returns a stored message's bytes.
func (s *Service) Body(folder string, uid uint32) ([]byte, error) { return Body(s.st, folder, uid) }

// BodyReader reads a stored message's bytes a chunk at a time, and says
// how many there are.
func (s *Service) BodyReader(folder string, uid uint32) (io.Reader, int, error) {
	return BodyReader(s.st, folder, uid)
}

// Subscribe returns the service's events from now on, until cancel or
// Close (closed at once after Close). A subscriber that falls 1,024
// events behind misses the newest.
func (s *Service) Subscribe() (<-chan Event, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan Event, 1024)
	if s.closed {
		close(ch)
		return ch, func() {}
	}
	id := s.nextID
	s.nextID++
	s.subs[id] = ch
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if c, ok := s.subs[id]; ok {
			close(c)
			delete(s.subs, id)
		}
	}
}

func (s *Service) publish(e any) {
	ev, ok := e.(Event)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range s.subs {
		select {
		case ch <- ev:
		default:
			s.log.Warn("mail event dropped: subscriber behind")
		}
	}
}

// Password returns the gateways' password, kept in Dir/password (made
// on first use, mode 0600); a Service without Dir draws one per run.
func (s *Service) Password() (string, error) {
	if s.dir == "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.memPass == "" {
			s.memPass = newPassword()
		}
		return s.memPass, nil
	}
	path := filepath.Join(s.dir, "password")
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	p := newPassword()
	if err := os.WriteFile(path, []byte(p+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("mail: password: %w", err)
	}
	return p, nil
}

func newPassword() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
