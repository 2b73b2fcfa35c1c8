package pay

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"sync"

	"github.com/ethereum/go-ethereum/common"
)

// Metering: how other services (VPN exits by the byte, content by the
// byte or request, streams by the minute) charge per unit over a payment
// channel. The consumer's side holds a Meter: it counts units as they are
// used and pays for them in vouchers, Every units at a time, counted
// against the budget of its App. The provider's side holds a Tally: it
// counts units served per wallet, learns payments from its Service's
// Received events, and says when a wallet has used more than Credit
// units it has not paid for (ErrUnpaid): the provider stops serving it.
//
//	m := &pay.Meter{Payer: svc, To: exit, Price: big.NewInt(1), Unit: 1024, Every: 64, App: "vpn"}
//	conn = pay.MeterConn(ctx, conn, m) // pays 1 wei per KiB read, a voucher per 64 KiB
//
//	t := &pay.Tally{Price: big.NewInt(1), Unit: 1024, Credit: 128}
//	svc's OnEvent: t.Received(e) for each pay.Received
//	if t.Served(peer, n) != nil && t.Await(ctx2s, peer) != nil { close the tunnel }

// ErrUnpaid: a wallet used more units than it paid for, beyond its credit.
var ErrUnpaid = errors.New("pay: used more than paid for")

// Payer pays on channels; *Service satisfies it.
type Payer interface {
	Pay(ctx context.Context, to, token common.Address, amount *big.Int, app string) (Payment, error)
}

var _ Payer = (*Service)(nil)

// Meter pays for units used, on the consumer's side. Set the fields
// before first use; its methods are safe for concurrent use.
type Meter struct {
	// Payer pays (a node's Service); required.
	Payer Payer
	// To is the provider's wallet; Token what it is paid in (zero:
	// ether).
	To, Token common.Address
	// Price is what one Unit costs; required.
	Price *big.Int
	// Unit is how many counted things (bytes, say) one unit is; zero
	// means 1.
	Unit uint64
	// Every is how many units one voucher pays for; zero means 1.
	Every uint64
	// App is the budget the payments count against ("vpn", "content").
	App string

	mu    sync.Mutex // guards the fields below
	used  uint64     // counted things not yet paid for
	units uint64     // units paid for
	paid  *big.Int
}

// Use counts n things used and pays for every Every units they complete.
func (m *Meter) Use(ctx context.Context, n uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.used += n
	per := max(m.Unit, 1) * max(m.Every, 1)
	if m.used < per {
		return nil
	}
	return m.payLocked(ctx, m.used/max(m.Unit, 1))
}

// Flush pays for every whole unit used and not paid for yet.
func (m *Meter) Flush(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if u := m.used / max(m.Unit, 1); u > 0 {
		return m.payLocked(ctx, u)
	}
	return nil
}

func (m *Meter) payLocked(ctx context.Context, units uint64) error {
	amount := new(big.Int).Mul(m.Price, new(big.Int).SetUint64(units))
	if _, err := m.Payer.Pay(ctx, m.To, m.Token, amount, m.App); err != nil {
		return fmt.Errorf("pay: meter %s: %w", m.App, err)
	}
	m.used -= units * max(m.Unit, 1)
	m.units += units
	if m.paid == nil {
		m.paid = new(big.Int)
	}
	m.paid.Add(m.paid, amount)
	return nil
}

// Paid returns the units paid for and what they cost.
func (m *Meter) Paid() (units uint64, amount *big.Int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.paid == nil {
		return m.units, new(big.Int)
	}
	return m.units, new(big.Int).Set(m.paid)
}

// MeterConn returns c whose reads are counted (in bytes) by m: a read
// that completes a voucher's worth pays before it returns; a payment
// refused (a budget, an empty channel) fails the read.
func MeterConn(ctx context.Context, c net.Conn, m *Meter) net.Conn {
	return &meteredConn{Conn: c, ctx: ctx, m: m}
}

type meteredConn struct {
	net.Conn
	ctx context.Context
	m   *Meter
}

func (c *meteredConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		if perr := c.m.Use(c.ctx, uint64(n)); perr != nil {
			return n, perr
		}
	}
	return n, err
}

// Tally counts units served per wallet on the provider's side, against
// what each paid. Set the fields before first use; its methods are safe
// for concurrent use.
type Tally struct {
	// Price is what one Unit costs; required.
	Price *big.Int
	// Token is what payments must be in (zero: ether).
	Token common.Address
	// Unit is how many counted things one unit is; zero means 1.
	Unit uint64
	// Credit is how many units a wallet may use unpaid (a voucher's
	// worth or more, so the consumer can pay in batches).
	Credit uint64

	mu      sync.Mutex // guards the fields below
	served  map[common.Address]uint64
	paid    map[common.Address]*big.Int
	changed chan struct{} // closed and replaced on every payment
}

func (t *Tally) init() {
	if t.served == nil {
		t.served, t.paid, t.changed = map[common.Address]uint64{}, map[common.Address]*big.Int{}, make(chan struct{})
	}
}

// Await waits until wallet's unpaid units are within Credit again (its
// vouchers travel behind the data they pay for), or ctx ends: then it
// returns ErrUnpaid and the provider stops serving.
func (t *Tally) Await(ctx context.Context, wallet common.Address) error {
	for {
		t.mu.Lock()
		t.init()
		err := t.checkLocked(wallet)
		changed := t.changed
		t.mu.Unlock()
		if err == nil {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return err
		}
	}
}

func (t *Tally) checkLocked(wallet common.Address) error {
	owed := t.owedLocked(wallet)
	limit := new(big.Int).Mul(t.Price, new(big.Int).SetUint64(t.Credit))
	if owed.Cmp(limit) > 0 {
		return fmt.Errorf("%w: %s owes %s, credit %s", ErrUnpaid, wallet, owed, limit)
	}
	return nil
}

// Received credits a payment (a Service's Received event, in Token).
func (t *Tally) Received(e Received) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	if e.Token != t.Token {
		return
	}
	if t.paid[e.From] == nil {
		t.paid[e.From] = new(big.Int)
	}
	t.paid[e.From].Add(t.paid[e.From], e.Amount)
	close(t.changed)
	t.changed = make(chan struct{})
}

// Served counts n things served to wallet; it returns ErrUnpaid when the
// wallet's unpaid units exceed Credit.
func (t *Tally) Served(wallet common.Address, n uint64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	t.served[wallet] += n
	return t.checkLocked(wallet)
}

// Owed is what wallet owes for whole units served and not paid for.
func (t *Tally) Owed(wallet common.Address) *big.Int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	return t.owedLocked(wallet)
}

func (t *Tally) owedLocked(wallet common.Address) *big.Int {
	units := t.served[wallet] / max(t.Unit, 1)
	owed := new(big.Int).Mul(t.Price, new(big.Int).SetUint64(units))
	if p := t.paid[wallet]; p != nil {
		owed.Sub(owed, p)
	}
	return owed
}
