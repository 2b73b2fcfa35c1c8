package mq

import (
	"bufio"
	"context"
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/anynet/anynet/apps/service"
	"github.com/anynet/anynet/stack"
)

// ClusterPort is the overlay TCP port on which the engines of a
// cluster's members reach each other (NATS's own cluster port).
const ClusterPort = 6222

// DefaultClusterName is a cluster's name when ClusterConfig.Name is "".
const DefaultClusterName = "anynet"

// ClusterConfig makes a node's engine one member of a replicated
// JetStream cluster whose members are the nodes of wallets that agree:
// each member's node lists the others. A stream created with Replicas: 3
// keeps a copy on three members and survives the loss of one.
type ClusterConfig struct {
	// Name is the cluster's name, the same on every member; "" means
	// DefaultClusterName.
	Name string
	// Members are the wallets whose nodes form the cluster. On a Host
	// that tells a wallet's nodes apart (stack.Node: LookupInstances,
	// instance addresses), every node of a member wallet is a member,
	// reached at its own instance address: listing this node's own
	// wallet makes the wallet's other nodes members, so the nodes of one
	// wallet form a cluster by themselves. Nodes that appear later (a
	// DID document that lists a new node key) are added as they are
	// found (ClusterDiscoverEvery). Only these wallets' nodes may join:
	// a route from any other wallet is refused.
	Members []common.Address
}

// ClusterDiscoverEvery is how often a member looks again for the nodes
// of its member wallets, and adds a route to each new one.
const ClusterDiscoverEvery = 5 * time.Second

// instancer is a Host that can name a wallet's nodes one by one.
type instancer interface {
	LookupInstances(ctx context.Context, host string) ([]stack.Instance, error)
	InstanceAddr() netip.Addr
}

// target is where one route goes: an instance address, or a wallet
// (the node anycast picks), or, with any set, any node of this node's
// own wallet other than this one, chosen at each dial.
type target struct {
	wallet common.Address
	host   string
	any    bool
}

// cluster is a Server's part of a cluster: the engine's route listener
// on loopback, one loopback forwarder per other member node that
// carries the engine's routes to that node over the overlay, and the
// bridge that hands members' routes arriving on ClusterPort to the
// engine.
type cluster struct {
	name    string
	auth    *walletAuth
	host    service.Host
	inst    instancer        // nil: the host cannot tell a wallet's nodes apart
	members []common.Address // wallets whose nodes may route, sorted; this node's own when listed

	mu      sync.Mutex // guards the fields below
	targets []target
	fwd     []net.Listener // fwd[i] forwards to targets[i]
	opts    *server.Options
	conns   map[net.Conn]struct{}
	closed  bool
}

func newCluster(ctx context.Context, cfg ClusterConfig, auth *walletAuth, host service.Host) (*cluster, error) {
	c := &cluster{name: cfg.Name, auth: auth, host: host, conns: map[net.Conn]struct{}{}}
	c.inst, _ = host.(instancer)
	if c.name == "" {
		c.name = DefaultClusterName
	}
	self := false
	for _, m := range cfg.Members {
		switch {
		case m == auth.owner && c.inst != nil:
			self = true
		case m == auth.owner:
			continue
		}
		if !slices.Contains(c.members, m) {
			c.members = append(c.members, m)
		}
	}
	if len(c.members) == 0 {
		return nil, fmt.Errorf("%w: a cluster needs other members", ErrCluster)
	}
	slices.SortFunc(c.members, func(a, b common.Address) int { return a.Cmp(b) })
	targets := c.discover(ctx)
	for _, m := range c.members {
		if m != auth.owner && !slices.ContainsFunc(targets, func(t target) bool { return t.wallet == m }) {
			targets = append(targets, target{wallet: m, host: m.Hex()}) // no node found yet: anycast
		}
	}
	if len(targets) == 0 && self {
		// The engine needs a route to start clustered: until this
		// wallet's other nodes are found, one to whichever answers.
		targets = append(targets, target{wallet: auth.owner, any: true})
	}
	for _, t := range targets {
		if _, err := c.addTarget(t); err != nil {
			c.close()
			return nil, err
		}
	}
	auth.setMembers(c.members)
	return c, nil
}

// discover returns the member nodes not targeted yet.
func (c *cluster) discover(ctx context.Context) []target {
	var out []target
	for _, t := range c.nodes(ctx, c.members) {
		if !c.hasTarget(t) {
			out = append(out, t)
		}
	}
	return out
}

// nodes returns the nodes of wallets, each at its instance address,
// but this node.
func (c *cluster) nodes(ctx context.Context, wallets []common.Address) []target {
	if c.inst == nil {
		return nil
	}
	mine := c.inst.InstanceAddr()
	var out []target
	for _, w := range wallets {
		ins, err := c.inst.LookupInstances(ctx, w.Hex())
		if err != nil {
			continue
		}
		for _, in := range ins {
			if in.Addr != mine {
				out = append(out, target{wallet: w, host: in.Addr.String()})
			}
		}
	}
	return out
}

func (c *cluster) hasTarget(t target) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Contains(c.targets, t)
}

// addTarget opens t's loopback forwarder and returns its route URL.
func (c *cluster) addTarget(t target) (*url.URL, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mq: cluster forwarder: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		l.Close()
		return nil, ErrClosed
	}
	c.targets = append(c.targets, t)
	c.fwd = append(c.fwd, l)
	return c.routeURL(l), nil
}

func (c *cluster) routeURL(l net.Listener) *url.URL {
	return &url.URL{Scheme: "nats-route", Host: l.Addr().String(),
		User: url.UserPassword(c.auth.owner.Hex(), c.auth.routePass(c.auth.owner))}
}

// replicas is how many copies the package's own streams keep.
func (c *cluster) replicas() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return min(3, len(c.targets)+1)
}

// serverName is the engine's name: the wallet's, and, on a host with
// instance addresses, the node's, since the nodes of one wallet may be
// members of one cluster.
func serverName(h service.Host) string {
	name := "anynet-" + h.Addr().Hex()
	if in, ok := h.(instancer); ok {
		a := in.InstanceAddr().As16()
		name += "-" + hex.EncodeToString(a[10:])
	}
	return name
}

// configure sets the engine's cluster options: routes only on loopback,
// one per member node through its forwarder, each route's CONNECT
// carrying this node's own route credentials (which the forwarder
// checks, so no other local process can use it); no gossip of
// addresses, which mean nothing off this machine; members' routes
// authenticated by routeAuth.
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
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.fwd {
		o.Routes = append(o.Routes, c.routeURL(l))
	}
	c.opts = o.Clone()
}

// discoverLoop looks for new member nodes every ClusterDiscoverEvery
// until the server closes, and gives the engine a route to each one it
// finds (a reload of its options with the route added).
func (c *cluster) discoverLoop(s *Server) {
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(ClusterDiscoverEvery):
		}
		ctx, cancel := context.WithTimeout(s.ctx, ClusterDiscoverEvery)
		found := c.discover(ctx)
		cancel()
		if len(found) == 0 {
			continue
		}
		c.mu.Lock()
		from := len(c.fwd)
		c.mu.Unlock()
		for _, t := range found {
			if _, err := c.addTarget(t); err != nil {
				return
			}
		}
		c.mu.Lock()
		o := c.opts.Clone()
		for _, l := range c.fwd[from:] {
			o.Routes = append(o.Routes, c.routeURL(l))
		}
		to := len(c.fwd)
		c.mu.Unlock()
		if err := s.ns.ReloadOptions(o.Clone()); err != nil {
			s.log.Warn("mq: cluster: new member nodes not routed", "err", err)
			c.mu.Lock()
			for _, l := range c.fwd[from:] {
				l.Close()
			}
			c.targets, c.fwd = c.targets[:from], c.fwd[:from]
			c.mu.Unlock()
			continue
		}
		c.mu.Lock()
		c.opts = o
		c.mu.Unlock()
		for i := from; i < to; i++ {
			c.serveForwarder(s, i)
		}
		for _, t := range found {
			s.log.Info("mq: cluster: member node found", "wallet", t.wallet, "at", t.host)
		}
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
	fwd := slices.Clone(c.fwd)
	c.mu.Unlock()
	for _, l := range fwd {
		l.Close()
	}
}

// serveForwarders starts one accept loop per member forwarder, and,
// on a host with instance addresses, the search for new member nodes.
func (c *cluster) serveForwarders(s *Server) {
	c.mu.Lock()
	n := len(c.fwd)
	c.mu.Unlock()
	for i := range n {
		c.serveForwarder(s, i)
	}
	if c.inst != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			c.discoverLoop(s)
		}()
	}
}

// serveForwarder accepts the engine's routes on forwarder i.
func (c *cluster) serveForwarder(s *Server, i int) {
	c.mu.Lock()
	l, t := c.fwd[i], c.targets[i]
	c.mu.Unlock()
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
				if err := c.forward(s, conn, t); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
					s.log.Debug("mq: cluster route out", "member", t.wallet, "at", t.host, "err", err)
				}
			}()
		}
	}()
}

// forward carries one route the engine opened on a member node's
// forwarder to that node's ClusterPort: the engine speaks first (its
// CONNECT), which must carry this node's route credentials; they are
// removed (the member's side puts this node's verified wallet in) and
// the rest is copied both ways.
func (c *cluster) forward(s *Server, conn net.Conn, t target) error {
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
		return fmt.Errorf("%w: a route on the forwarder to %s without this node's credentials", ErrCluster, t.wallet.Hex())
	}
	ctx, cancel := context.WithTimeout(s.ctx, HandshakeTimeout)
	defer cancel()
	up, err := c.dial(ctx, t)
	if err != nil {
		return err
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

// dial reaches t's ClusterPort.
func (c *cluster) dial(ctx context.Context, t target) (net.Conn, error) {
	if !t.any {
		up, err := c.host.Dial(ctx, "tcp", net.JoinHostPort(t.host, strconv.Itoa(ClusterPort)))
		if err != nil {
			return nil, fmt.Errorf("dial member %s at %s: %w", t.wallet.Hex(), t.host, err)
		}
		return up, nil
	}
	found := c.nodes(ctx, []common.Address{t.wallet})
	if len(found) == 0 {
		return nil, fmt.Errorf("%w: no other node of %s found yet", ErrCluster, t.wallet.Hex())
	}
	var err error
	for _, f := range found {
		var up net.Conn
		if up, err = c.dial(ctx, f); err == nil {
			return up, nil
		}
	}
	return nil, err
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
		if err != nil || !s.cl.auth.isMember(w) {
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

// ClusterMembers returns the other member wallets of this server's
// cluster (nil when it runs alone); this node's own wallet's other
// nodes are in ClusterNodes.
func (s *Server) ClusterMembers() []common.Address {
	if s.cl == nil {
		return nil
	}
	var out []common.Address
	for _, m := range s.cl.members {
		if m != s.cl.auth.owner {
			out = append(out, m)
		}
	}
	return out
}

// ClusterNodes returns where this server's routes go: one member node
// each, at its instance address (or a wallet, for a member none of
// whose nodes was found yet; "any" for the first route of a node that
// has found no other node of its wallet yet). Nil when it runs alone.
func (s *Server) ClusterNodes() []string {
	if s.cl == nil {
		return nil
	}
	s.cl.mu.Lock()
	defer s.cl.mu.Unlock()
	out := make([]string, 0, len(s.cl.targets))
	for _, t := range s.cl.targets {
		h := t.host
		if t.any {
			h = "any"
		}
		out = append(out, h)
	}
	return out
}
