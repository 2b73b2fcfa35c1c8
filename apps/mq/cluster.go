package mq

import (
	"bufio"
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats-server/v2/server"
)

// ClusterPort is the overlay TCP port on which the engines of a
// cluster's members reach each other (NATS's own cluster port).
const ClusterPort = 6222

// DefaultClusterName is a cluster's name when ClusterConfig.Name is "".
const DefaultClusterName = "anynet"

// ClusterConfig makes a node's engine one member of a replicated
// JetStream cluster whose members are wallets that agree: each
// member's node lists the others. A stream created with Replicas: 3
// keeps a copy on three members and survives the loss of one.
type ClusterConfig struct {
	// Name is the cluster's name, the same on every member; "" means
	// DefaultClusterName.
	Name string
	// Members are the wallets of the cluster's nodes. This node's own
	// wallet may be listed (it is skipped). Only these wallets' nodes
	// may join: a route from any other wallet is refused.
	Members []common.Address
}

// cluster is a Server's part of a cluster: the engine's route listener
// on loopback, one loopback forwarder per member that carries the
// engine's routes to that member over the overlay, and the bridge that
// hands members' routes arriving on ClusterPort to the engine.
type cluster struct {
	name    string
	auth    *walletAuth
	members []common.Address // others, sorted
	fwd     []net.Listener   // fwd[i] forwards to members[i]

	mu     sync.Mutex // guards conns, closed
	conns  map[net.Conn]struct{}
	closed bool
}

func newCluster(cfg ClusterConfig, auth *walletAuth) (*cluster, error) {
	c := &cluster{name: cfg.Name, auth: auth, conns: map[net.Conn]struct{}{}}
	if c.name == "" {
		c.name = DefaultClusterName
	}
	for _, m := range cfg.Members {
		if m != auth.owner && !slices.Contains(c.members, m) {
			c.members = append(c.members, m)
		}
	}
	if len(c.members) == 0 {
		return nil, fmt.Errorf("%w: a cluster needs other members", ErrCluster)
	}
	slices.SortFunc(c.members, func(a, b common.Address) int { return a.Cmp(b) })
	for range c.members {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			c.close()
			return nil, fmt.Errorf("mq: cluster forwarder: %w", err)
		}
		c.fwd = append(c.fwd, l)
	}
	auth.setMembers(c.members)
	return c, nil
}

// replicas is how many copies the package's own streams keep.
func (c *cluster) replicas() int { return min(3, len(c.members)+1) }

// configure sets the engine's cluster options: routes only on loopback,
// one per member through its forwarder, each route's CONNECT carrying
// this node's own route credentials (which the forwarder checks, so no
// other local process can use it); no gossip of addresses, which mean
// nothing off this machine; members' routes authenticated by routeAuth.
func (c *cluster) configure(o *server.Options) {
	o.Cluster = server.ClusterOpts{
		Name: c.name, Host: "127.0.0.1", Port: server.RANDOM_PORT,
		NoAdvertise: true, PoolSize: -1,
	}
	o.CustomRouterAuthentication = routeAuth{c.auth}
	// The engine starts routing only once its client listener is up
	// (DontListen would keep it from routing): a loopback port nobody is
	// told of, where a client still needs a wallet's MAC (walletAuth).
	o.DontListen, o.Host, o.Port = false, "127.0.0.1", server.RANDOM_PORT
	for _, l := range c.fwd {
		o.Routes = append(o.Routes, &url.URL{Scheme: "nats-route", Host: l.Addr().String(),
			User: url.UserPassword(c.auth.owner.Hex(), c.auth.routePass(c.auth.owner))})
	}
}

// track adds conn to the cluster's open connections (false once
// closed); the returned func removes it.
func (c *cluster) track(conn net.Conn) (func(), bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, false
	}
	c.conns[conn] = struct{}{}
	return func() {
		c.mu.Lock()
		delete(c.conns, conn)
		c.mu.Unlock()
	}, true
}

// close stops the forwarders and ends every route connection; a nil c
// does nothing.
func (c *cluster) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.closed = true
	for conn := range c.conns {
		conn.Close()
	}
	c.mu.Unlock()
	for _, l := range c.fwd {
		l.Close()
	}
}

// serveForwarders starts one accept loop per member forwarder.
func (c *cluster) serveForwarders(s *Server) {
	for i, l := range c.fwd {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for {
				conn, err := l.Accept()
				if err != nil {
					return
				}
				s.wg.Add(1)
				go func() {
					defer s.wg.Done()
					if err := c.forward(s, conn, c.members[i]); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
						s.log.Debug("mq: cluster route out", "member", c.members[i], "err", err)
					}
				}()
			}
		}()
	}
}

// forward carries one route the engine opened on a member's forwarder
// to that member's ClusterPort: the engine speaks first (its CONNECT),
// which must carry this node's route credentials; they are removed (the
// member's side puts this node's verified wallet in) and the rest is
// copied both ways.
func (c *cluster) forward(s *Server, conn net.Conn, member common.Address) error {
	defer conn.Close()
	untrack, ok := c.track(conn)
	if !ok {
		return ErrClosed
	}
	defer untrack()
	conn.SetDeadline(time.Now().Add(HandshakeTimeout))
	cr := bufio.NewReader(conn)
	line, err := readLine(cr)
	if err != nil {
		return fmt.Errorf("route CONNECT: %w", err)
	}
	fields, err := ParseConnect(line)
	if err != nil {
		return err
	}
	var user, pass string
	if raw, ok := fields["user"]; ok {
		unquote(raw, &user)
	}
	if raw, ok := fields["pass"]; ok {
		unquote(raw, &pass)
	}
	if user != c.auth.owner.Hex() || !hmac.Equal([]byte(pass), []byte(c.auth.routePass(c.auth.owner))) {
		return fmt.Errorf("%w: a route on the forwarder to %s without this node's credentials", ErrCluster, member.Hex())
	}
	ctx, cancel := context.WithTimeout(s.ctx, HandshakeTimeout)
	defer cancel()
	up, err := s.cfg.Host.Dial(ctx, "tcp", net.JoinHostPort(member.Hex(), strconv.Itoa(ClusterPort)))
	if err != nil {
		return fmt.Errorf("dial member %s: %w", member.Hex(), err)
	}
	defer up.Close()
	untrackUp, ok := c.track(up)
	if !ok {
		return ErrClosed
	}
	defer untrackUp()
	if _, err := up.Write(RewriteConnect(fields, "", "")); err != nil {
		return err
	}
	conn.SetDeadline(time.Time{})
	return splice(conn, cr, up, up)
}

// ServeCluster accepts the routes of the cluster's other members on l
// (the node's ClusterPort on the overlay) until l or the server is
// closed. A connection from a wallet that is not a member is closed at
// once, before any byte; a member's route CONNECT gets the member's
// verified wallet as its credentials, which the engine checks
// (routeAuth). It returns at once, with nil, on a server with no
// cluster.
func (s *Server) ServeCluster(l net.Listener) error {
	if s.cl == nil {
		l.Close()
		return nil
	}
	s.wg.Add(1)
	defer s.wg.Done()
	go func() { <-s.ctx.Done(); l.Close() }()
	for {
		conn, err := l.Accept()
		if err != nil {
			if s.ctx.Err() != nil {
				return ErrClosed
			}
			return fmt.Errorf("mq: cluster accept: %w", err)
		}
		w, err := s.cfg.Host.PeerOf(conn)
		if err != nil || !slices.Contains(s.cl.members, w) {
			s.log.Info("mq: cluster route refused: not a member", "wallet", w, "err", err)
			conn.Close()
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.cl.bridge(conn, w, s.ns.ClusterAddr()); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.log.Debug("mq: cluster route in", "member", w, "err", err)
			}
		}()
	}
}

// bridge hands member w's route on conn to the engine's route listener
// at addr, with w and its MAC as the CONNECT's credentials.
func (c *cluster) bridge(conn net.Conn, w common.Address, addr net.Addr) error {
	defer conn.Close()
	untrack, ok := c.track(conn)
	if !ok {
		return ErrClosed
	}
	defer untrack()
	conn.SetDeadline(time.Now().Add(HandshakeTimeout))
	cr := bufio.NewReader(conn)
	line, err := readLine(cr)
	if err != nil {
		return fmt.Errorf("route CONNECT: %w", err)
	}
	fields, err := ParseConnect(line)
	if err != nil {
		return err
	}
	eng, err := net.DialTimeout("tcp", addr.String(), HandshakeTimeout)
	if err != nil {
		return fmt.Errorf("mq: engine route port: %w", err)
	}
	defer eng.Close()
	untrackEng, ok := c.track(eng)
	if !ok {
		return ErrClosed
	}
	defer untrackEng()
	if _, err := eng.Write(RewriteConnect(fields, w.Hex(), c.auth.routePass(w))); err != nil {
		return err
	}
	conn.SetDeadline(time.Time{})
	return splice(conn, cr, eng, eng)
}

// routeAuth is the engine's route authentication: a route is a
// member's when its CONNECT carries a member wallet and this node's
// route MAC of it, which only the bridge writes.
type routeAuth struct{ a *walletAuth }

var _ server.Authentication = routeAuth{}

// Check implements server.Authentication.
func (r routeAuth) Check(c server.ClientAuthentication) bool {
	o := c.GetOpts()
	if !common.IsHexAddress(o.Username) {
		return false
	}
	w := common.HexToAddress(o.Username)
	return r.a.isMember(w) && hmac.Equal([]byte(o.Password), []byte(r.a.routePass(w)))
}

// ClusterMembers returns the other members of this server's cluster
// (nil when it runs alone).
func (s *Server) ClusterMembers() []common.Address {
	if s.cl == nil {
		return nil
	}
	return slices.Clone(s.cl.members)
}
