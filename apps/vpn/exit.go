package vpn

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Port is the overlay TCP port exits serve tunnels on.
const Port = 1080

// ExitConfig configures an Exit. Zero values mean the documented
// defaults.
type ExitConfig struct {
	// Host is the node; required.
	Host service.Host
	// Policy is what the exit serves; the zero value is the safe
	// default (policy.go).
	Policy Policy
	// OwnNetworks are refused unless Policy.Allow names them; nil means
	// OwnNetworks() at start.
	OwnNetworks []netip.Prefix
	// Store keeps each wallet's byte totals; nil means memory.
	Store service.Store
	// Meter receives every session's counters; nil drops them.
	Meter Meter
	// Signer is the exit's wallet key (pay.NewKeyWallet of the node's
	// key); with it the exit signs every session's Usage, keeps the
	// Record in Store, and hands it to the session's client on request
	// (Client.Usage). Nil: no records. Its address must be the node's.
	Signer Signer
	// Charge, if set, makes the exit charge for its bytes (both ways):
	// every chunk is counted against the client's wallet (Served), and
	// a wallet owing more than its credit waits up to PayWait for a
	// payment (Await), or its session ends and new ones are refused
	// with ErrUnpaid. *pay.Tally satisfies it, fed by the node's payment
	// service's Received events.
	Charge Charger
	// PayWait is how long a session waits for a payment once its wallet
	// is over its credit; zero means 5 s.
	PayWait time.Duration
	// Resolver resolves destination names; nil means net.DefaultResolver.
	Resolver *net.Resolver
	// Dial and ListenUDP reach destinations; nil means the machine's
	// ordinary sockets (net.Dialer, net.ListenUDP on all addresses).
	// Tests put them in a network namespace.
	Dial      func(ctx context.Context, network, addr string) (net.Conn, error)
	ListenUDP func() (*net.UDPConn, error)
	// DialTimeout bounds resolving and connecting to a destination;
	// zero means 10 s.
	DialTimeout time.Duration
	// Port is the overlay port; zero means Port (1080).
	Port uint16
	// Logger receives logs; nil discards.
	Logger *slog.Logger
}

// Exit serves tunnels: it dials the destinations its clients ask for
// with the machine's ordinary sockets.
type Exit struct {
	cfg   ExitConfig
	check checker
	gate  *gate
	ln    net.Listener
	log   *slog.Logger
	ctx   context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup

	sessions, refused, up, down atomic.Uint64

	mu    sync.Mutex // guards conns and live
	conns map[net.Conn]struct{}
	live  map[[16]byte]chan struct{} // sessions running, closed as their record is kept

	totalsMu sync.Mutex // serializes the read-modify-write of totals
}

// ExitStats are an exit's counters since it started.
type ExitStats struct {
	Sessions, Refused uint64
	Up, Down          uint64 // bytes client→destination, destination→client
}

// StartExit listens on cfg.Port of the node and serves until Close.
func StartExit(cfg ExitConfig) (*Exit, error) {
	if cfg.Host == nil {
		return nil, errors.New("vpn: ExitConfig.Host is required")
	}
	if cfg.Port == 0 {
		cfg.Port = Port
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if cfg.Dial == nil {
		cfg.Dial = (&net.Dialer{}).DialContext
	}
	if cfg.ListenUDP == nil {
		cfg.ListenUDP = func() (*net.UDPConn, error) { return net.ListenUDP("udp", nil) }
	}
	if cfg.Store == nil {
		cfg.Store = &service.Memory{}
	}
	if cfg.OwnNetworks == nil {
		cfg.OwnNetworks = OwnNetworks()
	}
	if cfg.PayWait == 0 {
		cfg.PayWait = 5 * time.Second
	}
	if cfg.Signer != nil && cfg.Signer.Address() != cfg.Host.Addr() {
		return nil, fmt.Errorf("vpn: ExitConfig.Signer is %s, not the node's wallet %s", cfg.Signer.Address(), cfg.Host.Addr())
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, err := cfg.Host.Listen("tcp", fmt.Sprintf(":%d", cfg.Port))
	if err != nil {
		return nil, fmt.Errorf("vpn: exit listen on %d: %w", cfg.Port, err)
	}
	ctx, stop := context.WithCancel(context.Background())
	e := &Exit{
		cfg: cfg, check: checker{p: cfg.Policy, own: cfg.OwnNetworks}, gate: newGate(cfg.Policy.Limits),
		ln: ln, log: log, ctx: ctx, stop: stop, conns: make(map[net.Conn]struct{}), live: make(map[[16]byte]chan struct{}),
	}
	e.wg.Add(1)
	go e.acceptLoop()
	return e, nil
}

// Close stops serving and ends every tunnel; it returns when all of
// the exit's goroutines have ended.
func (e *Exit) Close() error {
	e.stop()
	err := e.ln.Close()
	e.mu.Lock()
	for c := range e.conns {
		c.Close()
	}
	e.mu.Unlock()
	e.wg.Wait()
	return err
}

// Stats returns the exit's counters.
func (e *Exit) Stats() ExitStats {
	return ExitStats{Sessions: e.sessions.Load(), Refused: e.refused.Load(), Up: e.up.Load(), Down: e.down.Load()}
}

// Totals returns the bytes wallet moved through the exit, as its store
// keeps them (across restarts with a persistent store).
func (e *Exit) Totals(wallet common.Address) (up, down uint64, err error) {
	v, err := e.cfg.Store.Get(totalsKey(wallet))
	if errors.Is(err, service.ErrNotFound) {
		return 0, 0, nil
	}
	if err != nil || len(v) != 16 {
		return 0, 0, fmt.Errorf("vpn: totals of %s: %v", wallet, err)
	}
	return binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:]), nil
}

func totalsKey(w common.Address) []byte { return append([]byte("w/"), w[:]...) }

// track adds (or with del, removes) c from the conns Close ends.
func (e *Exit) track(c net.Conn, del bool) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if del {
		delete(e.conns, c)
		return true
	}
	if e.ctx.Err() != nil {
		return false
	}
	e.conns[c] = struct{}{}
	return true
}

// acceptLoop is the exit's long-lived accepting goroutine.
func (e *Exit) acceptLoop() {
	defer e.wg.Done()
	for {
		c, err := e.ln.Accept()
		if err != nil {
			return
		}
		if !e.track(c, false) {
			c.Close()
			return
		}
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			defer e.track(c, true)
			defer c.Close()
			e.serve(c)
		}()
	}
}

// serve answers one tunnel request and carries the tunnel.
func (e *Exit) serve(c net.Conn) {
	wallet, err := e.cfg.Host.PeerOf(c)
	if err != nil {
		return
	}
	c.SetReadDeadline(time.Now().Add(e.cfg.DialTimeout))
	br := bufio.NewReaderSize(c, 512)
	req, err := ReadRequest(br)
	if err != nil {
		e.refuse(c, wallet, fmt.Errorf("%w: %w", ErrBadRequest, err))
		return
	}
	c.SetReadDeadline(time.Time{})
	switch req.Kind {
	case KindProbe:
		c.Write(AppendReply(nil, Reply{Code: CodeOK}))
		return
	case KindUsage:
		e.serveUsage(c, wallet, req.Host)
		return
	}
	if err := e.admit(wallet, req); err != nil {
		e.refuse(c, wallet, err)
		return
	}
	in := &bufConn{Conn: c, r: br}
	switch req.Kind {
	case KindTCP:
		e.serveTCP(in, wallet, req)
	case KindUDP:
		e.serveUDP(in, wallet)
	}
}

// admit checks the wallet, its limits and (for TCP) the port.
func (e *Exit) admit(wallet common.Address, req Request) error {
	if err := e.check.allowsWallet(wallet); err != nil {
		return err
	}
	if req.Kind == KindTCP {
		if err := e.check.allowsPort(req.Port); err != nil {
			return err
		}
	}
	if err := e.gate.open(wallet, e.cfg.Host.Time()); err != nil {
		return err
	}
	return e.charge(wallet)
}

// count counts n bytes of wallet against its allowance (ErrBytes once
// it is spent) and, when the exit charges, as served.
func (e *Exit) count(wallet common.Address, n int) error {
	if err := e.gate.spend(wallet, e.cfg.Host.Time(), n); err != nil {
		return err
	}
	if e.cfg.Charge != nil {
		e.cfg.Charge.Served(wallet, uint64(n))
	}
	return nil
}

// spend counts n bytes (count) and, if the wallet is then over its
// credit, waits for its payment (charge).
func (e *Exit) spend(wallet common.Address, n int) error {
	if err := e.count(wallet, n); err != nil {
		return err
	}
	return e.charge(wallet)
}

// charge returns at once while wallet is within its credit (or the
// exit does not charge); past it, it waits up to PayWait for a payment.
func (e *Exit) charge(wallet common.Address) error {
	if e.cfg.Charge == nil {
		return nil
	}
	if e.cfg.Charge.Served(wallet, 0) == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(e.ctx, e.cfg.PayWait)
	defer cancel()
	if err := e.cfg.Charge.Await(ctx, wallet); err != nil {
		return fmt.Errorf("%w: %v (no payment within %s)", ErrUnpaid, err, e.cfg.PayWait)
	}
	return nil
}

// refuse answers with err's code and message.
func (e *Exit) refuse(c net.Conn, wallet common.Address, err error) {
	e.refused.Add(1)
	e.log.Info("vpn: refused", "wallet", wallet, "err", err)
	c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	c.Write(AppendReply(nil, Reply{Code: codeOf(err), Msg: err.Error()}))
}

// resolve returns the addresses of host the policy allows, or why
// there are none.
func (e *Exit) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		found, err := e.cfg.Resolver.LookupNetIP(ctx, "ip", host)
		if err != nil || len(found) == 0 {
			return nil, fmt.Errorf("%w: %s: %v", ErrResolve, host, err)
		}
		ips = found
	}
	var ok []netip.Addr
	var first error
	for _, ip := range ips {
		if err := e.check.allowsAddr(ip); err != nil {
			first = cmpErr(first, err)
			continue
		}
		ok = append(ok, ip.Unmap())
	}
	if len(ok) == 0 {
		return nil, first
	}
	return ok, nil
}

func cmpErr(first, err error) error {
	if first == nil {
		return err
	}
	return first
}

// serveTCP connects to the destination and carries the tunnel.
func (e *Exit) serveTCP(c net.Conn, wallet common.Address, req Request) {
	ctx, cancel := context.WithTimeout(e.ctx, e.cfg.DialTimeout)
	ips, err := e.resolve(ctx, req.Host)
	var dst net.Conn
	if err == nil {
		for _, ip := range ips {
			// Dial the address just checked, never the name again: a
			// second resolution could answer a refused address.
			dst, err = e.cfg.Dial(ctx, "tcp", net.JoinHostPort(ip.String(), strconv.Itoa(int(req.Port))))
			if err == nil {
				break
			}
			err = fmt.Errorf("%w: %s: %v", ErrConnect, req.Host, err)
		}
	}
	cancel()
	if err != nil {
		e.refuse(c, wallet, err)
		return
	}
	if !e.track(dst, false) {
		dst.Close()
		return
	}
	defer e.track(dst, true)
	u := e.begin(wallet)
	if _, err := c.Write(AppendReply(nil, Reply{Code: CodeOK, Msg: hex.EncodeToString(u.Session[:])})); err != nil {
		dst.Close()
		e.finish(u, 0, 0, err)
		return
	}
	var up, down atomic.Uint64
	// Bytes are counted before they are forwarded (a limit never lags
	// them), and a wallet over its credit is waited for after: the
	// client has the bytes it is to pay for when the exit waits.
	err = splice(c, dst, &up, &down, func(isUp bool, n int) error {
		if isUp {
			e.up.Add(uint64(n))
		} else {
			e.down.Add(uint64(n))
		}
		return e.count(wallet, n)
	}, func() error { return e.charge(wallet) })
	e.finish(u, up.Load(), down.Load(), err)
}

// begin starts a session of wallet: its Usage, with a fresh session
// ID, is live until finish.
func (e *Exit) begin(wallet common.Address) Usage {
	e.sessions.Add(1)
	u := Usage{Client: wallet, Exit: e.cfg.Host.Addr(), Start: e.cfg.Host.Time()}
	rand.Read(u.Session[:])
	e.mu.Lock()
	e.live[u.Session] = make(chan struct{})
	e.mu.Unlock()
	return u
}

// finish stores the wallet's totals and the session's signed Record,
// and hands the counters to the Meter.
func (e *Exit) finish(u Usage, up, down uint64, err error) {
	u.Up, u.Down, u.End = up, down, e.cfg.Host.Time()
	if err != nil {
		e.log.Debug("vpn: session ended", "wallet", u.Client, "err", err)
	}
	e.totalsMu.Lock()
	tu, td, _ := e.Totals(u.Client)
	v := binary.BigEndian.AppendUint64(nil, tu+up)
	v = binary.BigEndian.AppendUint64(v, td+down)
	writes := []service.Write{{Key: totalsKey(u.Client), Value: v}}
	if e.cfg.Signer != nil {
		if rec, err := SignUsage(u, e.cfg.Signer); err != nil {
			e.log.Warn("vpn: sign usage", "wallet", u.Client, "err", err)
		} else {
			writes = append(writes, service.Write{Key: recordKey(u.Session), Value: AppendRecord(nil, rec)})
		}
	}
	if err := e.cfg.Store.Apply(writes); err != nil {
		e.log.Warn("vpn: store totals", "wallet", u.Client, "err", err)
	}
	e.totalsMu.Unlock()
	e.mu.Lock()
	if ch := e.live[u.Session]; ch != nil {
		close(ch)
		delete(e.live, u.Session)
	}
	e.mu.Unlock()
	if e.cfg.Meter != nil {
		e.cfg.Meter.Record(u)
	}
}

// bufConn reads through r (which may hold bytes read past a request).
type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (b *bufConn) Read(p []byte) (int, error) { return b.r.Read(p) }

// CloseWrite half-closes the underlying conn if it can.
func (b *bufConn) CloseWrite() error {
	if cw, ok := b.Conn.(closeWriter); ok {
		return cw.CloseWrite()
	}
	return nil
}
