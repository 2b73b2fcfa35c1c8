package mail

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// What a sender remembers of a recipient's refusals, so that its SMTP
// gateway can answer the next submission with the right code at once
// instead of a 250 and a bounce (CheckCmd). The memory is kept in the
// store, so a restart keeps it until it expires:
//
//	"r" to[20] → rateAt µs[8] | deniedAt µs[8] | bigAt µs[8] | tooLarge u64
//
// (a zero time: none); Start loads the records still in force and
// deletes the rest.
const (
	// rateMemory: after a rate-limited refusal, new mail to that
	// recipient is refused (450 4.2.1) this long, unless it takes a
	// message first.
	rateMemory = time.Minute
	// refusalMemory: after a refusal for consent or size, new mail to
	// that recipient is refused (550 5.7.1, 552 5.2.3) this long,
	// unless it takes a message first (consent).
	refusalMemory = 10 * time.Minute
)

// refusals is what one recipient's node refused lately.
type refusals struct {
	rateAt   time.Time // the last rate-limited refusal
	deniedAt time.Time // the last consent refusal
	// tooLarge is the smallest size refused as too large, at bigAt.
	tooLarge int
	bigAt    time.Time
}

// noteRefusal remembers a refusal of o by its recipient.
func (c *Core) noteRefusal(now time.Time, p *peer, o *Outgoing, code byte, out *service.Effects) {
	defer c.putRefusals(o.To, p, out)
	switch code {
	case CodeRateLimited:
		p.refused.rateAt = now
	case CodeDenied:
		p.refused.deniedAt = now
	case CodeTooLarge:
		if p.refused.tooLarge == 0 || o.Size < p.refused.tooLarge || now.Sub(p.refused.bigAt) >= refusalMemory {
			p.refused.tooLarge = o.Size
		}
		p.refused.bigAt = now
	}
}

// noteTaken: the recipient's node took a message: it does not refuse
// for rate or consent now.
func (c *Core) noteTaken(w common.Address, p *peer, out *service.Effects) {
	if p.refused.rateAt.IsZero() && p.refused.deniedAt.IsZero() {
		return
	}
	p.refused.rateAt, p.refused.deniedAt = time.Time{}, time.Time{}
	c.putRefusals(w, p, out)
}

// until is when r is no longer in force.
func (r *refusals) until() time.Time {
	var t time.Time
	for _, x := range []time.Time{r.rateAt.Add(rateMemory), r.deniedAt.Add(refusalMemory), r.bigAt.Add(refusalMemory)} {
		if x.After(t) {
			t = x
		}
	}
	return t
}

func refusalsKey(w common.Address) []byte { return append([]byte("r"), w[:]...) }

func micros(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixMicro())
}

func fromMicros(v uint64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(int64(v))
}

// putRefusals writes what w's node refused, or deletes the record when
// there is nothing.
func (c *Core) putRefusals(w common.Address, p *peer, out *service.Effects) {
	r := &p.refused
	if r.rateAt.IsZero() && r.deniedAt.IsZero() && r.bigAt.IsZero() {
		out.Del(refusalsKey(w))
		return
	}
	v := binary.BigEndian.AppendUint64(nil, micros(r.rateAt))
	v = binary.BigEndian.AppendUint64(v, micros(r.deniedAt))
	v = binary.BigEndian.AppendUint64(v, micros(r.bigAt))
	v = binary.BigEndian.AppendUint64(v, uint64(r.tooLarge))
	out.Put(refusalsKey(w), v)
}

// loadRefusals reads the refusals still in force at now (Start) and
// deletes the others.
func (c *Core) loadRefusals(now time.Time, out *service.Effects) {
	c.cfg.Store.Scan([]byte("r"), func(k, v []byte) bool {
		if len(k) != 21 {
			return true
		}
		r := refusals{}
		if len(v) == 32 {
			r = refusals{rateAt: fromMicros(be64(v)), deniedAt: fromMicros(be64(v[8:])), bigAt: fromMicros(be64(v[16:])), tooLarge: int(be64(v[24:]))}
		}
		if !now.Before(r.until()) {
			out.Del(bytes.Clone(k))
			return true
		}
		c.peer(common.Address(k[1:])).refused = r
		return true
	})
}

// check answers a CheckCmd from what the recipient refused lately.
func (c *Core) check(now time.Time, cmd CheckCmd) error {
	p := c.peers[cmd.To]
	if p == nil {
		return nil
	}
	r := &p.refused
	recent := func(at time.Time, d time.Duration) bool { return !at.IsZero() && now.Sub(at) < d }
	switch {
	case recent(r.deniedAt, refusalMemory):
		return fmt.Errorf("%w: %s does not take mail from %s", ErrDenied, WalletAddress(cmd.To), WalletAddress(c.self))
	case cmd.Size > 0 && r.tooLarge > 0 && cmd.Size >= r.tooLarge && recent(r.bigAt, refusalMemory):
		return fmt.Errorf("%w: %s refused %d bytes from this node", ErrTooLarge, WalletAddress(cmd.To), r.tooLarge)
	case recent(r.rateAt, rateMemory):
		return fmt.Errorf("%w: %s takes no more mail from this node for now", ErrRateLimited, WalletAddress(cmd.To))
	}
	return nil
}
