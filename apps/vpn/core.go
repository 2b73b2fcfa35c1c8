package vpn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Core is the exits' control plane as a sans-I/O state machine
// (service.Core): an exit's admission of tunnel requests (the policy's
// wallet, port and destination checks and the per-wallet gate, the
// same code Exit runs) and a client's choice of exits (ranking by
// probed round trip, failover to the next exit when one is refused on
// its limits, times out or goes down). Frames are the tunnel protocol's
// own Request and Reply (doc.go, "Wire format"), one per frame; replies
// come back in order on a connection, so a client matches each to its
// oldest request outstanding at that exit.
//
// What it leaves out, and why the exit is not one core: a tunnel is a
// byte stream spliced with a socket of the machine (pipe.go), whose
// flow control is TCP's own on both sides; carrying it as framed
// messages through a core would mean writing TCP again. Names are
// resolved by the runtime (a request naming a host, not an address, is
// refused here with ErrResolve). The simulator drives Core at scale
// (TestSimExits); a real node uses Exit and Client, which run the same
// checker and gate.
type Core struct {
	cfg   CoreConfig
	st    service.Store
	check checker
	gate  *gate

	// The client's state; rebuilt on Start.
	opens   map[uint64]*coreOpen
	queue   map[common.Address][]uint64 // per exit, oldest first; 0 is a probe
	stale   map[common.Address]int      // replies still to come for abandoned requests
	down    map[common.Address]time.Time
	rtt     map[common.Address]time.Duration
	probeAt map[common.Address]time.Time
	next    uint64
}

// CoreConfig configures a Core.
type CoreConfig struct {
	// Serve makes the core an exit with Policy (own networks: none).
	Serve  bool
	Policy Policy
	// Exits are the exits a client uses.
	Exits []common.Address
	// AttemptTimeout and RetryAfter are Client's (zero: 1 s, 30 s).
	AttemptTimeout, RetryAfter time.Duration
}

// Open is a client Core's command: a tunnel to Host:Port (Host an IP
// address). Its result is the open's ID; its outcome an Opened or
// OpenFailed event.
type Open struct {
	Host string
	Port uint16
}

// Opened: the open ID went through Exit after Failovers other exits,
// Took after the command.
type Opened struct {
	ID        uint64
	Exit      common.Address
	Failovers int
	Took      time.Duration
}

// OpenFailed: the open ID was refused (a *RefusedError) or no exit
// answered (ErrNoExit).
type OpenFailed struct {
	ID  uint64
	Err error
}

// coreOpen is an open in flight; it is in the store until it ends.
type coreOpen struct {
	id        uint64
	req       Request
	start     time.Time
	sent      time.Time
	exit      common.Address
	tried     []common.Address
	failovers int
}

var _ service.Core = (*Core)(nil)

// NewCore returns a core over st.
func NewCore(cfg CoreConfig, st service.Store) *Core {
	if cfg.AttemptTimeout == 0 {
		cfg.AttemptTimeout = time.Second
	}
	if cfg.RetryAfter == 0 {
		cfg.RetryAfter = 30 * time.Second
	}
	return &Core{cfg: cfg, st: st, check: checker{p: cfg.Policy, own: []netip.Prefix{}}, gate: newGate(cfg.Policy.Limits)}
}

func openKey(id uint64) []byte { return binary.BigEndian.AppendUint64([]byte("o"), id) }

// Handle implements service.Core.
func (c *Core) Handle(now time.Time, in service.Input, out *service.Effects) {
	switch in.Kind {
	case service.Start:
		c.start(now, out)
	case service.Frame:
		if c.cfg.Serve {
			c.admitFrame(now, in.Peer, in.Frame, out)
		} else {
			c.reply(now, in.Peer, in.Frame, out)
		}
	case service.Command:
		o, ok := in.Cmd.(Open)
		if !ok || c.cfg.Serve {
			out.Err = fmt.Errorf("vpn: core: command %T", in.Cmd)
			return
		}
		req := Request{Kind: KindTCP, Host: o.Host, Port: o.Port}
		b, err := AppendRequest(nil, req)
		if err != nil {
			out.Err = err
			return
		}
		c.next++
		op := &coreOpen{id: c.next, req: req, start: now}
		c.opens[op.id] = op
		out.Put([]byte("n"), binary.BigEndian.AppendUint64(nil, c.next)) // IDs are never reused
		out.Put(openKey(op.id), binary.BigEndian.AppendUint64(b, uint64(now.UnixNano())))
		out.Result = op.id
		c.send(now, op, out)
	case service.Down:
		c.fail(now, in.Peer, out)
		c.stale[in.Peer] = 0
	case service.Timer:
		for _, e := range c.cfg.Exits {
			if q := c.queue[e]; len(q) > 0 && !c.sentAt(e, q[0]).Add(c.cfg.AttemptTimeout).After(now) {
				c.stale[e] += len(q)
				c.fail(now, e, out)
			}
		}
	}
	c.wake(out)
}

// start reloads the opens in flight and probes every exit.
func (c *Core) start(now time.Time, out *service.Effects) {
	c.opens, c.queue, c.stale = map[uint64]*coreOpen{}, map[common.Address][]uint64{}, map[common.Address]int{}
	c.down, c.rtt, c.probeAt = map[common.Address]time.Time{}, map[common.Address]time.Duration{}, map[common.Address]time.Time{}
	if c.cfg.Serve {
		return
	}
	if v, err := c.st.Get([]byte("n")); err == nil && len(v) == 8 {
		c.next = binary.BigEndian.Uint64(v)
	}
	var ids []uint64
	c.st.Scan([]byte("o"), func(k, v []byte) bool {
		id := binary.BigEndian.Uint64(k[1:])
		if req, err := ReadRequest(bytes.NewReader(v)); err == nil && len(v) >= 8 {
			start := time.Unix(0, int64(binary.BigEndian.Uint64(v[len(v)-8:])))
			c.opens[id] = &coreOpen{id: id, req: req, start: start}
			ids = append(ids, id)
		}
		c.next = max(c.next, id)
		return true
	})
	probe, _ := AppendRequest(nil, Request{Kind: KindProbe})
	for _, e := range c.cfg.Exits {
		c.probeAt[e] = now
		c.queue[e] = append(c.queue[e], 0)
		out.To(e, probe)
	}
	slices.Sort(ids)
	for _, id := range ids {
		c.send(now, c.opens[id], out)
	}
}

// sentAt is when the request id (0: the probe) went to exit.
func (c *Core) sentAt(exit common.Address, id uint64) time.Time {
	if id == 0 {
		return c.probeAt[exit]
	}
	if op := c.opens[id]; op != nil {
		return op.sent
	}
	return time.Time{}
}

// ranked returns the exits best first: up before down, then by round
// trip (unprobed last), then in configured order.
func (c *Core) ranked(now time.Time) []common.Address {
	ex := slices.Clone(c.cfg.Exits)
	rtt := func(e common.Address) time.Duration {
		if d, ok := c.rtt[e]; ok {
			return d
		}
		return time.Hour
	}
	slices.SortStableFunc(ex, func(a, b common.Address) int {
		da, db := now.Before(c.down[a]), now.Before(c.down[b])
		if da != db {
			if da {
				return 1
			}
			return -1
		}
		return int(rtt(a) - rtt(b))
	})
	return ex
}

// send sends op to the best exit it has not tried, or ends it.
func (c *Core) send(now time.Time, op *coreOpen, out *service.Effects) {
	for _, e := range c.ranked(now) {
		if slices.Contains(op.tried, e) {
			continue
		}
		if len(op.tried) > 0 {
			op.failovers++
		}
		op.tried, op.exit, op.sent = append(op.tried, e), e, now
		c.queue[e] = append(c.queue[e], op.id)
		b, _ := AppendRequest(nil, op.req)
		out.To(e, b)
		return
	}
	c.end(op, OpenFailed{ID: op.id, Err: fmt.Errorf("%w: tried %d exits", ErrNoExit, len(op.tried))}, out)
}

func (c *Core) end(op *coreOpen, ev any, out *service.Effects) {
	delete(c.opens, op.id)
	out.Del(openKey(op.id))
	out.Emit(ev)
}

// fail marks exit down and sends what waited on it to the next exit.
func (c *Core) fail(now time.Time, exit common.Address, out *service.Effects) {
	q := c.queue[exit]
	if len(q) == 0 {
		return
	}
	c.down[exit] = now.Add(c.cfg.RetryAfter)
	delete(c.queue, exit)
	for _, id := range q {
		if op := c.opens[id]; op != nil {
			c.send(now, op, out)
		}
	}
}

// reply takes an exit's Reply to the oldest request outstanding there.
func (c *Core) reply(now time.Time, exit common.Address, frame []byte, out *service.Effects) {
	if c.stale[exit] > 0 {
		c.stale[exit]--
		return
	}
	q := c.queue[exit]
	if len(q) == 0 {
		return
	}
	id := q[0]
	c.queue[exit] = q[1:]
	rep, err := ReadReply(bytes.NewReader(frame))
	if id == 0 {
		if err == nil && rep.Code == CodeOK {
			c.rtt[exit] = now.Sub(c.probeAt[exit])
		}
		return
	}
	op := c.opens[id]
	if op == nil {
		return
	}
	switch {
	case err != nil:
		c.send(now, op, out)
	case rep.Code == CodeOK:
		c.end(op, Opened{ID: id, Exit: exit, Failovers: op.failovers, Took: now.Sub(op.start)}, out)
	default:
		ref := &RefusedError{Exit: exit.Hex(), Code: rep.Code, Msg: rep.Msg}
		if errors.Is(ref, ErrWallet) || errors.Is(ref, ErrRate) || errors.Is(ref, ErrBytes) || errors.Is(ref, ErrUnpaid) {
			c.send(now, op, out) // another exit may take this wallet
			return
		}
		c.end(op, OpenFailed{ID: id, Err: ref}, out)
	}
}

// admitFrame is the exit's side: one Request, one Reply.
func (c *Core) admitFrame(now time.Time, wallet common.Address, frame []byte, out *service.Effects) {
	req, err := ReadRequest(bytes.NewReader(frame))
	if err == nil && req.Kind != KindProbe {
		err = c.admitCore(now, wallet, req)
	} else if err != nil {
		err = fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	rep := Reply{Code: CodeOK}
	if err != nil {
		rep = Reply{Code: codeOf(err), Msg: err.Error()}
	}
	out.To(wallet, AppendReply(nil, rep))
}

// admitCore runs Exit.admit's checks, then the destination's.
func (c *Core) admitCore(now time.Time, wallet common.Address, req Request) error {
	if err := c.check.allowsWallet(wallet); err != nil {
		return err
	}
	if req.Kind == KindTCP {
		if err := c.check.allowsPort(req.Port); err != nil {
			return err
		}
	}
	if err := c.gate.open(wallet, now); err != nil {
		return err
	}
	ip, err := netip.ParseAddr(req.Host)
	if err != nil {
		return fmt.Errorf("%w: %s: names are resolved by the runtime", ErrResolve, req.Host)
	}
	return c.check.allowsAddr(ip)
}

// wake asks for the earliest attempt deadline.
func (c *Core) wake(out *service.Effects) {
	for _, e := range c.cfg.Exits {
		if q := c.queue[e]; len(q) > 0 {
			out.Wake(c.sentAt(e, q[0]).Add(c.cfg.AttemptTimeout))
		}
	}
}
