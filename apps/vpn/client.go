package vpn

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anynet/anynet/apps/pay"
	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Direct is the exit name of a Rule that sends its domains past every
// exit, with the machine's own sockets.
const Direct = "direct"

// Rule sends the destinations under Domain ("example.com" holds
// "www.example.com") through Exit, or direct.
type Rule struct {
	Domain string
	Exit   string // an exit name or wallet, or Direct
}

// Client dials destinations through exits. Set the fields, then use
// it; it is safe for concurrent use. The zero value of each field is
// its documented default.
type Client struct {
	// Host is the node; required.
	Host service.Host
	// Exits are the exits to use, names or "0x…" wallets, best first;
	// a new connection goes through the first one not marked down. Set
	// it before use; Rank reorders it (ExitList reads it while the
	// client serves).
	Exits []string
	// Rules route some domains through a given exit or direct; the
	// first that matches wins, the rest go through Exits.
	Rules []Rule
	// AttemptTimeout bounds one exit's dial and answer; after it the
	// next exit is tried. Zero means 1 s, so a connection opened while
	// the exit in use dies goes through the next one well within 3 s.
	AttemptTimeout time.Duration
	// LastTimeout bounds the attempt on the last exit there is to try
	// (no other to fail over to); zero means 10 s.
	LastTimeout time.Duration
	// RetryAfter is how long an exit that failed is skipped; zero
	// means 30 s.
	RetryAfter time.Duration
	// Port is the exits' overlay port; zero means Port.
	Port uint16
	// Meter receives every session's counters as the client kept them;
	// nil drops them.
	Meter Meter
	// Signer, if set, is the client's wallet key: it signs the client's
	// own Record of every session when it ends (Client.Record), the
	// counterpart of the exit's (Client.Usage). It must be the node's
	// wallet.
	Signer Signer
	// Records keeps the client's signed records; nil means in memory.
	Records service.Store
	// Pay, if set, pays the exits for the bytes of every tunnel, both
	// ways, as they flow, at the rates they advertise up to a maximum
	// (client_pay.go); nil pays nothing, and an exit that charges stops
	// the traffic after its credit (ErrUnpaid).
	Pay *Payment
	// Logger receives logs; nil discards.
	Logger *slog.Logger

	mu     sync.Mutex // guards Exits, down, last, meters, rates, tput and Records' default
	down   map[string]time.Time
	tput   map[string]float64 // bytes/s observed per exit (rank.go)
	last   string
	meters map[common.Address]*pay.Meter // one per exit wallet paid
	rates  map[common.Address]knownRate  // exits' advertised rates
	stats  clientStats
}

type clientStats struct {
	sessions, failovers, up, down atomic.Uint64
}

// ClientStats are a client's counters.
type ClientStats struct {
	Sessions, Failovers uint64
	Up, Down            uint64
	Exit                string // the exit the last session went through
}

// Stats returns the client's counters.
func (c *Client) Stats() ClientStats {
	c.mu.Lock()
	last := c.last
	c.mu.Unlock()
	return ClientStats{Sessions: c.stats.sessions.Load(), Failovers: c.stats.failovers.Load(),
		Up: c.stats.up.Load(), Down: c.stats.down.Load(), Exit: last}
}

func (c *Client) log() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

func (c *Client) port() uint16 {
	if c.Port == 0 {
		return Port
	}
	return c.Port
}

// route returns the exits to try for host, in order, or nil for direct.
func (c *Client) route(host string) []string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, r := range c.Rules {
		d := strings.TrimSuffix(strings.ToLower(r.Domain), ".")
		if host == d || strings.HasSuffix(host, "."+d) {
			if r.Exit == Direct {
				return nil
			}
			return []string{r.Exit}
		}
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	var up, down []string
	for _, e := range c.Exits {
		if t, ok := c.down[e]; ok && now.Before(t) {
			down = append(down, e)
		} else {
			up = append(up, e)
		}
	}
	return append(up, down...) // down ones last: better than nothing
}

// markDown skips exit for RetryAfter.
func (c *Client) markDown(exit string) {
	d := c.RetryAfter
	if d == 0 {
		d = 30 * time.Second
	}
	c.mu.Lock()
	if c.down == nil {
		c.down = make(map[string]time.Time)
	}
	c.down[exit] = time.Now().Add(d)
	c.mu.Unlock()
}

// Dial connects to addr ("host:port") through an exit; network is
// "tcp". A refusal by the exit is a *RefusedError; an exit that cannot
// be reached is skipped for the next.
func (c *Client) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if network != "tcp" && network != "tcp4" && network != "tcp6" {
		return nil, fmt.Errorf("vpn: dial %s %s: only tcp", network, addr)
	}
	host, ps, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("vpn: dial %s: %w", addr, err)
	}
	port, err := strconv.ParseUint(ps, 10, 16)
	if err != nil || port == 0 {
		return nil, fmt.Errorf("vpn: dial %s: bad port", addr)
	}
	exits := c.route(host)
	if exits == nil {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	return c.open(ctx, exits, Request{Kind: KindTCP, Host: host, Port: uint16(port)})
}

// open opens a tunnel through the first of exits that answers.
func (c *Client) open(ctx context.Context, exits []string, req Request) (net.Conn, error) {
	if len(exits) == 0 {
		return nil, fmt.Errorf("%w: no exits configured", ErrNoExit)
	}
	var errs []error
	for i, exit := range exits {
		conn, _, err := c.attempt(ctx, exit, req, i == len(exits)-1)
		if err == nil {
			if i > 0 {
				c.stats.failovers.Add(1)
			}
			c.mu.Lock()
			c.last = exit
			c.mu.Unlock()
			c.stats.sessions.Add(1)
			return conn, nil
		}
		var ref *RefusedError
		if errors.As(err, &ref) && !errors.Is(err, ErrWallet) && !errors.Is(err, ErrRate) && !errors.Is(err, ErrBytes) && !errors.Is(err, ErrUnpaid) {
			return nil, err // the destination's fault: another exit would refuse it too
		}
		if errors.Is(err, ErrPrice) {
			errs = append(errs, err) // this exit's price: the next may be cheaper
			continue
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("vpn: open %s:%d: %w", req.Host, req.Port, ctx.Err())
		}
		if ref == nil {
			c.markDown(exit)
			c.log().Info("vpn: exit failed, trying the next", "exit", exit, "err", err)
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("%w: %w", ErrNoExit, errors.Join(errs...))
}

// attempt opens one tunnel through exit within AttemptTimeout, or,
// for the last exit there is to try, within LastTimeout (a first
// contact may look the exit up on chain first).
func (c *Client) attempt(ctx context.Context, exit string, req Request, last bool) (net.Conn, Reply, error) {
	t := c.AttemptTimeout
	if t == 0 {
		t = time.Second
	}
	if last {
		t = c.LastTimeout
		if t == 0 {
			t = 10 * time.Second
		}
	}
	actx, cancel := context.WithTimeout(ctx, t)
	defer cancel()
	pays := c.Pay != nil && (req.Kind == KindTCP || req.Kind == KindUDP)
	var want common.Address
	var rate Rate
	if pays {
		var err error
		if want, rate, err = c.rateOf(actx, exit); err != nil {
			return nil, Reply{}, err
		}
	}
	conn, err := c.Host.Dial(actx, "tcp", net.JoinHostPort(exit, strconv.Itoa(int(c.port()))))
	if err != nil {
		return nil, Reply{}, fmt.Errorf("vpn: exit %s: %w", exit, err)
	}
	if w, _ := c.Host.PeerOf(conn); pays && w != want {
		conn.Close()
		return nil, Reply{}, fmt.Errorf("vpn: exit %s: the overlay verified %s, the name resolved to %s", exit, w, want)
	}
	stop := context.AfterFunc(actx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	b, err := AppendRequest(nil, req)
	if err == nil {
		_, err = conn.Write(b)
	}
	var rep Reply
	if err == nil {
		rep, err = ReadReply(conn)
	}
	if !stop() {
		err = cmpErr(err, actx.Err())
	}
	if err != nil {
		conn.Close()
		return nil, Reply{}, fmt.Errorf("vpn: exit %s: %w", exit, err)
	}
	conn.SetDeadline(time.Time{})
	if rep.Code != CodeOK {
		conn.Close()
		return nil, rep, &RefusedError{Exit: exit, Code: rep.Code, Msg: rep.Msg}
	}
	wallet, _ := c.Host.PeerOf(conn)
	m := &meteredConn{Conn: conn, c: c, exit: exit, u: Usage{Client: c.Host.Addr(), Exit: wallet, Start: time.Now()}}
	// The exit names the session in its OK reply; an older exit does
	// not, and the client picks one for its own counters.
	if b, err := hex.DecodeString(rep.Msg); err == nil && len(b) == 16 {
		copy(m.u.Session[:], b)
		m.named = true
	} else {
		rand.Read(m.u.Session[:])
	}
	if pays && !rate.Free() {
		m.meter = c.meter(wallet, rate)
	}
	return m, rep, nil
}

// Probe opens a probe tunnel to exit and returns the round trip.
func (c *Client) Probe(ctx context.Context, exit string) (time.Duration, error) {
	start := time.Now()
	conn, _, err := c.attempt(ctx, exit, Request{Kind: KindProbe}, false)
	if err != nil {
		return 0, err
	}
	conn.(*meteredConn).Conn.Close()
	return time.Since(start), nil
}

// Rank probes every exit of c.Exits and orders them best first by
// their round trip and the throughput the client observed through them
// (RankExits), those that did not answer last: the "auto" choice. It
// returns the measures in the new order. It may run while the client
// serves.
func (c *Client) Rank(ctx context.Context) []ExitMeasure {
	exits := c.ExitList()
	ms := make([]ExitMeasure, len(exits))
	for i, e := range exits {
		d, err := c.Probe(ctx, e)
		if err != nil {
			c.markDown(e)
		}
		ms[i] = ExitMeasure{Exit: e, RTT: d, Failed: err != nil, Throughput: c.Throughput(e)}
	}
	ms = RankExits(ms)
	order := make([]string, len(ms))
	for i, m := range ms {
		order[i] = m.Exit
	}
	c.mu.Lock()
	c.Exits = order
	c.mu.Unlock()
	return ms
}

// ExitList returns a copy of c.Exits, in their current order.
func (c *Client) ExitList() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.Exits)
}

// meteredConn counts a tunnel's bytes, pays for them if the client
// pays (meter), and reports them on Close.
type meteredConn struct {
	net.Conn
	c        *Client
	exit     string // the entry of Exits (or Rule) it went through
	u        Usage
	first    atomic.Int64 // unix ns of the first byte either way; 0: none yet
	last     atomic.Int64 // unix ns of the last byte
	named    bool         // u.Session is the exit's name for the session
	meter    *pay.Meter   // nil: the client does not pay
	up, down atomic.Uint64
	once     sync.Once
}

func (m *meteredConn) Read(p []byte) (int, error) {
	n, err := m.Conn.Read(p)
	m.moved(n)
	m.down.Add(uint64(n))
	m.c.stats.down.Add(uint64(n))
	if perr := m.pay(n); perr != nil {
		return n, perr
	}
	return n, err
}

func (m *meteredConn) Write(p []byte) (int, error) {
	n, err := m.Conn.Write(p)
	m.moved(n)
	m.up.Add(uint64(n))
	m.c.stats.up.Add(uint64(n))
	if perr := m.pay(n); perr != nil {
		return n, perr
	}
	return n, err
}

// moved notes when bytes moved, for the exit's throughput.
func (m *meteredConn) moved(n int) {
	if n <= 0 {
		return
	}
	now := time.Now().UnixNano()
	m.first.CompareAndSwap(0, now)
	m.last.Store(now)
}

// CloseWrite half-closes the tunnel.
func (m *meteredConn) CloseWrite() error {
	if cw, ok := m.Conn.(closeWriter); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (m *meteredConn) Close() error {
	err := m.Conn.Close()
	m.once.Do(func() {
		m.flush()
		m.u.Up, m.u.Down, m.u.End = m.up.Load(), m.down.Load(), time.Now()
		if m.c.Meter != nil {
			m.c.Meter.Record(m.u)
		}
		m.c.keep(m.u)
		if f := m.first.Load(); f != 0 {
			m.c.observe(m.exit, m.u.Up+m.u.Down, time.Duration(m.last.Load()-f))
		}
	})
	return err
}
