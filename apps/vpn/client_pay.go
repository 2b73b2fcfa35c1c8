package vpn

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"time"

	"github.com/anynet/anynet/apps/pay"
	"github.com/ethereum/go-ethereum/common"
)

// Payment is how a Client pays exits that charge (doc.go, "Paying for
// an exit"): Price per Unit bytes, both directions counted, paid in
// vouchers of Every units on the payment channel to the exit's wallet
// its Payer (the node's pay.Service) holds, against the "vpn" budget.
type Payment struct {
	// Payer pays; required (a node's *pay.Service).
	Payer pay.Payer
	// Token is what the exit is paid in; zero means ether.
	Token common.Address
	// Price is what one Unit costs; required.
	Price *big.Int
	// Unit is how many bytes one unit is; zero means 1024.
	Unit uint64
	// Every is how many units one voucher pays for; zero means 64 (a
	// voucher per 64 KiB with the default Unit). The exit's credit
	// must be at least this.
	Every uint64
	// Timeout bounds one payment; zero means 30 s.
	Timeout time.Duration
}

// meter returns the meter paying exit, or nil if c does not pay.
func (c *Client) meter(exit common.Address) *pay.Meter {
	if c.Pay == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.meters == nil {
		c.meters = make(map[common.Address]*pay.Meter)
	}
	m := c.meters[exit]
	if m == nil {
		unit := c.Pay.Unit
		if unit == 0 {
			unit = 1024
		}
		every := c.Pay.Every
		if every == 0 {
			every = 64
		}
		m = &pay.Meter{Payer: c.Pay.Payer, To: exit, Token: c.Pay.Token, Price: c.Pay.Price, Unit: unit, Every: every, App: "vpn"}
		c.meters[exit] = m
	}
	return m
}

// Paid returns what c paid exit so far: the units and their cost.
func (c *Client) Paid(exit common.Address) (units uint64, amount *big.Int) {
	c.mu.Lock()
	m := c.meters[exit]
	c.mu.Unlock()
	if m == nil {
		return 0, new(big.Int)
	}
	return m.Paid()
}

func (c *Client) payTimeout() time.Duration {
	if c.Pay == nil || c.Pay.Timeout == 0 {
		return 30 * time.Second
	}
	return c.Pay.Timeout
}

// pay counts n bytes of the tunnel and pays for them as vouchers fall
// due; a refused payment (a budget, an empty channel) fails the
// tunnel's read or write with the reason.
func (m *meteredConn) pay(n int) error {
	if m.meter == nil || n <= 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.c.payTimeout())
	defer cancel()
	if err := m.meter.Use(ctx, uint64(n)); err != nil {
		m.Conn.Close()
		return fmt.Errorf("vpn: paying exit %s: %w", m.u.Exit, err)
	}
	return nil
}

// flush pays, when the tunnel closes, for the whole units used.
func (m *meteredConn) flush() {
	if m.meter == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.c.payTimeout())
	defer cancel()
	if err := m.meter.Flush(ctx); err != nil {
		m.c.log().Info("vpn: paying exit at close", "exit", m.u.Exit, "err", err)
	}
}

// SessionOf returns the exit's wallet and the session ID of a tunnel
// Client.Dial returned, as the exit named it; ok is false for other
// conns and for exits that do not name sessions.
func SessionOf(conn net.Conn) (exit common.Address, session [16]byte, ok bool) {
	m, isTunnel := conn.(*meteredConn)
	if !isTunnel || !m.named {
		return common.Address{}, [16]byte{}, false
	}
	return m.u.Exit, m.u.Session, true
}

// Usage asks exit (a name or "0x…" wallet) for the signed Record of
// one of the client's ended sessions (SessionOf) and checks it: signed
// by the wallet the overlay verified for exit, for this client and
// session. It waits while the session is still running at the exit.
func (c *Client) Usage(ctx context.Context, exit string, session [16]byte) (Record, error) {
	conn, rep, err := c.attempt(ctx, exit, Request{Kind: KindUsage, Host: hex.EncodeToString(session[:])}, true)
	if err != nil {
		return Record{}, err
	}
	m := conn.(*meteredConn)
	m.Conn.Close()
	b, err := hex.DecodeString(rep.Msg)
	if err != nil {
		return Record{}, fmt.Errorf("%w: usage record is not hex: %v", ErrMalformed, err)
	}
	rec, err := ParseRecord(b)
	if err != nil {
		return Record{}, err
	}
	if err := rec.Verify(m.u.Exit); err != nil {
		return Record{}, err
	}
	if rec.Client != c.Host.Addr() || rec.Session != session {
		return Record{}, fmt.Errorf("%w: record of session %x for %s, asked %x for %s", ErrForged, rec.Session, rec.Client, session, c.Host.Addr())
	}
	return rec, nil
}
