package relay

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/pay"
)

// DefaultReceiptEvery is how many bytes a Meter lets through between
// receipts: at 138 bytes a receipt, 0.2 % of the traffic at most, and an
// Edge risks no more than this per session if the endpoint vanishes.
const DefaultReceiptEvery = 64 << 10

// A Meter is the endpoint's side of proof of relay for one session
// through one Edge: it counts what arrives through the Edge and signs a
// cumulative receipt each time Every more bytes have arrived, and when
// the epoch ends. It is not safe for concurrent use.
type Meter struct {
	Wallet  pay.Wallet
	Edge    common.Address
	Epoch   uint64
	Session uint64
	Every   uint64 // zero: DefaultReceiptEvery

	bytes, frames uint64
	signedAt      uint64 // bytes in the last receipt
}

// Delivered counts a frame of n bytes that came through the Edge and
// returns a receipt to send it when one is due.
func (m *Meter) Delivered(n int) (*Receipt, error) {
	m.bytes += uint64(n)
	m.frames++
	every := m.Every
	if every == 0 {
		every = DefaultReceiptEvery
	}
	if m.bytes-m.signedAt < every {
		return nil, nil
	}
	return m.Receipt()
}

// Receipt signs a receipt for everything delivered so far (at the end of
// the epoch or of the session).
func (m *Meter) Receipt() (*Receipt, error) {
	r := &Receipt{Epoch: m.Epoch, Edge: m.Edge, Session: m.Session, Bytes: m.bytes, Frames: m.frames}
	if err := r.Sign(m.Wallet); err != nil {
		return nil, err
	}
	m.signedAt = m.bytes
	return r, nil
}

// A Collector is an Edge's side: it keeps, per session, the latest valid
// receipt its endpoints sent, ready to hand to a Guardian. It is not safe
// for concurrent use.
type Collector struct {
	Edge  common.Address
	Epoch uint64

	latest map[collectKey]Receipt
}

type collectKey struct {
	endpoint common.Address
	session  uint64
}

// Add checks r and keeps it if it is the session's highest so far. A
// receipt that is not for this Edge and epoch, or not signed by its
// endpoint, is refused: handing it on would mark the Edge fraudulent.
func (c *Collector) Add(r Receipt) error {
	if r.Edge != c.Edge || r.Epoch != c.Epoch {
		return fmt.Errorf("%w: %s epoch %d (collecting for %s epoch %d)", ErrNotForUs, r.Edge, r.Epoch, c.Edge, c.Epoch)
	}
	if err := r.Verify(); err != nil {
		return err
	}
	if c.latest == nil {
		c.latest = map[collectKey]Receipt{}
	}
	k := collectKey{r.Endpoint, r.Session}
	if have, ok := c.latest[k]; !ok || r.Bytes > have.Bytes {
		c.latest[k] = r
	}
	return nil
}

// Submissions returns the receipts to hand to a Guardian.
func (c *Collector) Submissions() []Submitted {
	out := make([]Submitted, 0, len(c.latest))
	for _, r := range c.latest {
		out = append(out, Submitted{By: c.Edge, Receipt: r})
	}
	return out
}

// Bytes returns what the kept receipts add up to.
func (c *Collector) Bytes() uint64 {
	var n uint64
	for _, r := range c.latest {
		n += r.Bytes
	}
	return n
}
