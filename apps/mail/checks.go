package mail

import (
	"fmt"
	"time"
)

// What a sender remembers of a recipient's refusals, so that its SMTP
// gateway can answer the next submission with the right code at once
// instead of a 250 and a bounce (CheckCmd). The memory is per node run
// (a restart forgets it: the next message is taken and bounced, or
// retried, as before).
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
func (c *Core) noteRefusal(now time.Time, p *peer, o *Outgoing, code byte) {
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
func (p *peer) noteTaken() {
	p.refused.rateAt, p.refused.deniedAt = time.Time{}, time.Time{}
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
