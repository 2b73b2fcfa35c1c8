package mq

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/anynet/anynet/apps/service"
)

// Port is the overlay TCP port of a node's queues (NATS's own port).
const Port = 4222

// HandshakeTimeout bounds the INFO/CONNECT exchange of a new connection.
const HandshakeTimeout = 10 * time.Second

// MaxConnsPerWallet caps the connections one wallet other than the
// owner holds at once on a node.
const MaxConnsPerWallet = 32

// policyKey is where the policy is kept in the store.
var policyKey = []byte("mq/policy")

// Config configures a Server.
type Config struct {
	// Host is the node the server runs on.
	Host service.Host
	// Store keeps the owner's policy; nil keeps it in memory.
	Store service.Store
	// Dir holds the engine's streams; "" means Host.Dir()/mq, or a
	// temporary directory removed at Close when the host has none.
	Dir string
	// SyncAlways makes the engine fsync every write before it
	// acknowledges a publish (it survives a power loss, not only kill -9).
	SyncAlways bool
	// MaxPayload caps one message (bytes); 0 means the engine's 1 MiB.
	MaxPayload int32
	// Logger gets the server's own log lines; nil discards them.
	Logger *slog.Logger
	// Cluster, when set, makes the engine a member of a JetStream
	// cluster with other wallets' nodes over the overlay (see
	// ServeCluster); nil runs it alone.
	Cluster *ClusterConfig
}

// Server is a node's embedded NATS server with JetStream, served to
// verified wallets on the overlay.
type Server struct {
	cfg   Config
	ns    *server.Server
	auth  *walletAuth
	tmp   string // temporary store dir to remove at Close
	log   *slog.Logger
	dlq   *deadLetters
	cl    *cluster // nil when alone
	ctx   context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup
	mu    sync.Mutex // guards conns, perW, closed
	conns map[net.Conn]struct{}
	perW  map[common.Address]int
	done  bool
}

// Start starts the engine, loads the stored policy and sets up the
// dead-letter stream. It does not listen: see Serve and Gateway.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Host == nil {
		return nil, errors.New("mq: Config.Host is nil")
	}
	if cfg.Store == nil {
		cfg.Store = &service.Memory{}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: log, conns: map[net.Conn]struct{}{}, perW: map[common.Address]int{}}
	dir := cfg.Dir
	if dir == "" && cfg.Host.Dir() != "" {
		dir = filepath.Join(cfg.Host.Dir(), "mq")
	}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "anynet-mq-")
		if err != nil {
			return nil, fmt.Errorf("mq: store dir: %w", err)
		}
		s.tmp, dir = tmp, tmp
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("mq: key: %w", err)
	}
	s.auth = &walletAuth{key: key, owner: cfg.Host.Addr()}
	if cfg.Cluster != nil {
		cl, err := newCluster(ctx, *cfg.Cluster, s.auth, cfg.Host)
		if err != nil {
			s.removeTmp()
			return nil, err
		}
		s.cl = cl
	}
	if b, err := cfg.Store.Get(policyKey); err == nil {
		p, err := UnmarshalPolicy(b)
		if err != nil {
			return nil, fmt.Errorf("mq: stored policy: %w", err)
		}
		s.auth.setPolicy(p)
	} else if !errors.Is(err, service.ErrNotFound) {
		return nil, fmt.Errorf("mq: load policy: %w", err)
	}
	opts := &server.Options{
		ServerName:                 "anynet-" + cfg.Host.Addr().Hex(),
		DontListen:                 true,
		NoSigs:                     true,
		NoLog:                      true,
		JetStream:                  true,
		StoreDir:                   dir,
		SyncAlways:                 cfg.SyncAlways,
		MaxPayload:                 cfg.MaxPayload,
		CustomClientAuthentication: s.auth,
		DisableJetStreamBanner:     true,
	}
	if s.cl != nil {
		opts.ServerName = serverName(cfg.Host) // cluster.go: one per node
		s.cl.configure(opts)
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		s.cl.close()
		s.removeTmp()
		return nil, fmt.Errorf("mq: engine: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		s.cl.close()
		s.removeTmp()
		return nil, errors.New("mq: engine did not start")
	}
	s.ns = ns
	s.ctx, s.stop = context.WithCancel(context.Background())
	dlq, err := newDeadLetters(s)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.dlq = dlq
	if s.cl == nil {
		if err := dlq.setUp(ctx, 1); err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	s.cl.serveForwarders(s)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		dlq.keepSettingUp(s.ctx, s.cl.replicas)
	}()
	return s, nil
}

func (s *Server) removeTmp() {
	if s.tmp != "" {
		os.RemoveAll(s.tmp)
	}
}

// Engine is the embedded nats-server.
func (s *Server) Engine() *server.Server { return s.ns }

// Owner is the wallet with every right on this server.
func (s *Server) Owner() common.Address { return s.auth.owner }

// Policy is the owner's current policy.
func (s *Server) Policy() Policy { return s.auth.policy() }

// SetPolicy validates and stores p (synced) and applies it to new
// connections.
func (s *Server) SetPolicy(p Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := MarshalPolicy(p)
	if err != nil {
		return fmt.Errorf("mq: policy: %w", err)
	}
	if err := s.cfg.Store.Apply([]service.Write{{Key: policyKey, Value: b}}); err != nil {
		return fmt.Errorf("mq: store policy: %w", err)
	}
	s.auth.setPolicy(p)
	return nil
}

// Connect opens an in-process client connection as the owner.
func (s *Server) Connect(opts ...nats.Option) (*nats.Conn, error) {
	o := append([]nats.Option{nats.InProcessServer(s.ns), nats.UserInfo(s.auth.owner.Hex(), s.auth.pass(s.auth.owner)), nats.Name("anynet-mq")}, opts...)
	nc, err := nats.Connect("", o...)
	if err != nil {
		return nil, fmt.Errorf("mq: connect in process: %w", err)
	}
	return nc, nil
}

// Serve accepts overlay connections on l (the node's Port) until l is
// closed or the server is: each client is the wallet the overlay
// verified, with the permissions the owner's policy gives it.
func (s *Server) Serve(l net.Listener) error {
	s.wg.Add(1)
	defer s.wg.Done()
	go func() { <-s.ctx.Done(); l.Close() }()
	for {
		c, err := l.Accept()
		if err != nil {
			if s.ctx.Err() != nil {
				return ErrClosed
			}
			return fmt.Errorf("mq: accept: %w", err)
		}
		w, err := s.cfg.Host.PeerOf(c)
		if err != nil {
			s.log.Debug("mq: connection without a verified wallet", "err", err)
			c.Close()
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.ServeConn(c, w); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) {
				s.log.Debug("mq: connection", "peer", w, "err", err)
			}
		}()
	}
}

// track adds c to the open connections of w (false: over the cap or
// closed); the returned func removes it.
func (s *Server) track(c net.Conn, w common.Address) (func(), bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done || (w != s.auth.owner && s.perW[w] >= MaxConnsPerWallet) {
		return nil, false
	}
	s.conns[c] = struct{}{}
	s.perW[w]++
	return func() {
		s.mu.Lock()
		delete(s.conns, c)
		if s.perW[w]--; s.perW[w] == 0 {
			delete(s.perW, w)
		}
		s.mu.Unlock()
	}, true
}

// ServeConn serves one client connection c as wallet w: it passes the
// engine's INFO on, replaces the credentials of the client's CONNECT
// with w's, and then copies bytes both ways until either side ends.
// It closes c.
func (s *Server) ServeConn(c net.Conn, w common.Address) error {
	defer c.Close()
	untrack, ok := s.track(c, w)
	if !ok {
		fmt.Fprintf(c, "-ERR 'maximum connections exceeded'\r\n")
		return fmt.Errorf("mq: %s: too many connections", w.Hex())
	}
	defer untrack()
	eng, er, err := s.engineConn()
	if err != nil {
		return err
	}
	defer eng.Close()
	info, err := readLine(er)
	if err != nil {
		return fmt.Errorf("mq: engine INFO: %w", err)
	}
	c.SetDeadline(time.Now().Add(HandshakeTimeout))
	if _, err := c.Write(info); err != nil {
		return err
	}
	cr := bufio.NewReader(c)
	line, err := readLine(cr)
	if err != nil {
		return fmt.Errorf("mq: client CONNECT: %w", err)
	}
	fields, err := ParseConnect(line)
	if err != nil {
		fmt.Fprintf(c, "-ERR 'expected CONNECT'\r\n")
		return err
	}
	c.SetDeadline(time.Time{})
	if _, err := eng.Write(RewriteConnect(fields, w.Hex(), s.auth.pass(w))); err != nil {
		return err
	}
	return splice(c, cr, eng, er)
}

// engineConn opens an in-process connection to the engine.
func (s *Server) engineConn() (net.Conn, *bufio.Reader, error) {
	eng, err := s.ns.InProcessConn()
	if err != nil {
		return nil, nil, fmt.Errorf("mq: engine connection: %w", err)
	}
	return eng, bufio.NewReader(eng), nil
}

// splice copies a's reader (the client's) to b and b's reader to a
// until one side ends, then closes both. When the client's side ends,
// only b is closed at once, so that what b still says (an -ERR before
// it hangs up) reaches the client before a is closed.
func splice(a net.Conn, ar io.Reader, b net.Conn, br io.Reader) error {
	errc := make(chan error, 2)
	go func() { _, err := io.Copy(b, ar); b.Close(); errc <- err }()
	go func() { _, err := io.Copy(a, br); a.Close(); b.Close(); errc <- err }()
	err := <-errc
	<-errc
	return err
}

// Close stops accepting, ends every connection and shuts the engine
// down (its files stay, except a temporary directory).
func (s *Server) Close() error {
	s.mu.Lock()
	if s.done {
		s.mu.Unlock()
		return nil
	}
	s.done = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.stop()
	if s.dlq != nil {
		s.dlq.close()
	}
	s.cl.close()
	s.wg.Wait()
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
	s.removeTmp()
	return nil
}
