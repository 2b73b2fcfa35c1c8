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
// an exit"): at the Rate each exit advertises in its DID document, up
// to Max, in vouchers on the payment channel to the exit's wallet its
// Payer (the node's pay.Service) holds, against the "vpn" budget.
type Payment struct {
	// Payer pays; required (a node's *pay.Service).
	Payer pay.Payer
	// Max is the most the client pays per byte: an exit whose Rate
	// Exceeds it (more than Max.Price per Max.Unit bytes, or another
	// token) is not used, and the next exit is tried (ErrPrice). The
	// zero Max pays no exit: every priced exit is ErrPrice.
	Max Rate
	// Agreed, if set, is a rate agreed with the exits out of band,
	// used instead of their adverts (which are then not read); Max
	// still bounds it.
	Agreed *Rate
	// Every is how many units one voucher pays for; zero means half the
	// exit's credit (at least 1), or 64 when the rate names no credit.
	Every uint64
	// Timeout bounds one payment; zero means 30 s.
	Timeout time.Duration
}

// RateTTL is how long a client trusts an exit's advertised rate before
// it reads the exit's DID document again.
const RateTTL = time.Minute

type knownRate struct {
	r  Rate
	at time.Time
}

// rateOf returns the wallet of exit (a name or "0x…") and the rate the
// client pays it, or ErrPrice if that is more than Pay.Max.
func (c *Client) rateOf(ctx context.Context, exit string) (common.Address, Rate, error) {
	w, err := c.Host.Lookup(ctx, exit)
	if err != nil {
		return common.Address{}, Rate{}, fmt.Errorf("vpn: exit %s: %w", exit, err)
	}
	var r Rate
	if c.Pay.Agreed != nil {
		r = *c.Pay.Agreed
	} else {
		now := time.Now()
		c.mu.Lock()
		k, ok := c.rates[w]
		c.mu.Unlock()
		if ok && now.Sub(k.at) < RateTTL {
			r = k.r
		} else {
			doc, err := c.Host.Document(ctx, w)
			if err != nil {
				return w, Rate{}, fmt.Errorf("vpn: exit %s: reading its advert: %w", exit, err)
			}
			if a, ok := AdvertOf(doc); ok {
				r = a.Rate
			}
			c.mu.Lock()
			if c.rates == nil {
				c.rates = make(map[common.Address]knownRate)
			}
			c.rates[w] = knownRate{r: r, at: now}
			c.mu.Unlock()
		}
	}
	if r.Exceeds(c.Pay.Max) {
		most := c.Pay.Max.String()
		if c.Pay.Max.Free() {
			most = "nothing"
		}
		return w, r, fmt.Errorf("%w: exit %s asks %s; this client pays at most %s", ErrPrice, exit, r, most)
	}
	return w, r, nil
}

// meter returns the meter paying exit at r.
func (c *Client) meter(exit common.Address, r Rate) *pay.Meter {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.meters == nil {
		c.meters = make(map[common.Address]*pay.Meter)
	}
	m := c.meters[exit]
	if m == nil || m.Price.Cmp(r.Price) != 0 || m.Unit != r.Unit || m.Token != r.Token {
		every := c.Pay.Every
		if every == 0 {
			every = max(r.Credit/2, 1)
			if r.Credit == 0 {
				every = 64
			}
		}
		m = &pay.Meter{Payer: c.Pay.Payer, To: exit, Token: r.Token, Price: r.Price, Unit: r.Unit, Every: every, App: "vpn"}
		c.meters[exit] = m
	}
	return m
}

// Tally returns an apps/pay Tally charging r: what an exit's
// ExitConfig.Charge is, fed with its payment service's Received events.
func (r Rate) Tally() *pay.Tally {
	return &pay.Tally{Price: r.Price, Unit: r.Unit, Credit: r.Credit, Token: r.Token}
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
