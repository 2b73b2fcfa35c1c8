package sim

import (
	"github.com/anynet/anynet/apps/im"
)

// imConv is the sending side of one conversation (sender, recipient),
// a task of the sender node. Its accepted messages (msgs) and their
// states are the sender's store: they survive the node's crashes. The
// connection is lost with the netstack.
//
// Delivery is direct (HELLO, then one MSG per message not yet
// delivered, oldest first) until imMailboxAfter attempts in a row
// failed; then the messages not yet delivered are sealed for the
// recipient and deposited at its mailbox (HELLO, DEPOSIT… answered by
// STORED), oldest first. While any message of the conversation waits in
// the mailbox, later ones follow it there, so the recipient, which
// fetches its mailbox in order, never stores a message before an older
// one. A message in the mailbox is delivered when the recipient's
// RECEIPT reaches the sender's listener after a fetch (im_mailbox.go).
type imConv struct {
	load     *imLoad
	id       int
	src, dst *node
	box      *node    // the recipient's mailbox node
	msgs     []*imMsg // accepted, oldest first
	next     int      // msgs[:next] are delivered

	k        imClient
	viaBox   bool // the connection goes to the mailbox
	queued   int  // msgs[:queued] were written on this connection, or need not be
	attempts int  // connections opened, for reports
	fails    int  // attempts failed since the last receipt or STORED
	waiting  bool // a begin is scheduled
	// abandoned: an end left for good (churn.go); nothing more is sent.
	abandoned bool
}

var _ task = (*imConv)(nil)

func (c *imConv) schedule(*Sim) {}

func (c *imConv) done() bool { return c.abandoned || c.next == len(c.msgs) }

func (c *imConv) describe() string {
	if c.done() {
		return "im conversation complete"
	}
	return describeIM(c.msgs[c.next])
}

// inBox reports whether a message not yet delivered waits in the
// mailbox.
func (c *imConv) inBox() bool {
	for _, m := range c.msgs[c.next:] {
		if m.inBox {
			return true
		}
	}
	return false
}

// kick sends newly accepted messages: on the open connection, or on a
// new one unless one is already scheduled.
func (c *imConv) kick(s *Sim) {
	switch {
	case c.k.ep != nil:
		if c.k.connected {
			c.enqueue(s)
		}
	case !c.waiting:
		c.begin(s)
	}
}

// begin opens a connection: to the recipient, or to its mailbox.
func (c *imConv) begin(s *Sim) {
	if c.k.ep != nil || c.src.down || c.done() {
		return
	}
	c.viaBox = c.box != nil && (c.fails >= imMailboxAfter || c.inBox())
	target := c.dst
	if c.viaBox {
		target = c.box
		if c.box == c.src {
			c.keepLocal(s)
		}
		if c.deposited() {
			return // all in the mailbox: the recipient's receipts follow
		}
	}
	c.attempts++
	s.stats.IMConnections++
	if !c.k.open(s, c.src, target) {
		c.retry(s)
		return
	}
	c.watch(s, c.k.since+int64(imAckTimeout))
}

// keepLocal deposits in the sender's own mailbox, when it keeps the
// recipient's (mailbox.go's deposit to isSelf).
func (c *imConv) keepLocal(s *Sim) {
	for _, m := range c.msgs[c.next:] {
		if m.inBox || m.delivered {
			continue
		}
		blob, err := c.load.seal(s, m)
		if err != nil {
			s.fail("im conversation %d: seal: %v", c.id, err)
			return
		}
		c.load.recv[c.src.id].keep(c.dst.id, m.id, c.src.id, blob)
		m.inBox = true
		s.stats.IMDeposited++
	}
	c.fails = 0
}

// deposited reports whether every message not yet delivered is in the
// mailbox.
func (c *imConv) deposited() bool {
	for _, m := range c.msgs[c.next:] {
		if !m.inBox && !m.delivered {
			return false
		}
	}
	return true
}

// watch checks at time t whether the connection waited too long: to
// connect, or for an answer.
func (c *imConv) watch(s *Sim, t int64) {
	attempt := c.k.attempt
	s.at(t, kindApp, c.src.id, func() {
		if c.k.attempt != attempt || c.k.ep == nil {
			return
		}
		if due := c.k.since + int64(imAckTimeout); c.idle() || due > s.now.Load() {
			c.watch(s, max(due, s.now.Load()+int64(imAckTimeout)))
			return
		}
		s.stats.IMStalls++
		c.retry(s)
	})
}

// idle reports whether the connection waits for no answer.
func (c *imConv) idle() bool {
	if !c.k.connected {
		return false
	}
	for _, m := range c.msgs[c.next:c.queued] {
		if !m.delivered && !(c.viaBox && m.inBox) {
			return false
		}
	}
	return true
}

// retry abandons the connection and schedules the next one after the
// backoff (imRetryBase doubling up to imRetryMax).
func (c *imConv) retry(s *Sim) {
	c.drop(s)
	c.fails++
	c.later(s, int64(min(imRetryBase<<min(c.fails-1, 8), imRetryMax)))
}

// later schedules begin after wait, unless one is scheduled.
func (c *imConv) later(s *Sim, wait int64) {
	if c.done() || c.waiting {
		return
	}
	c.waiting = true
	s.at(s.now.Load()+wait, kindApp, c.src.id, func() {
		c.waiting = false
		c.begin(s)
		if !c.src.down {
			s.settle(c.src)
		}
	})
}

// drop closes the connection, if any.
func (c *imConv) drop(s *Sim) {
	if c.k.ep == nil {
		return
	}
	c.k.abort()
	if !c.src.down {
		s.settle(c.src)
	}
}

// enqueue writes a MSG (or, to the mailbox, a DEPOSIT) for every
// accepted message not yet on this connection.
func (c *imConv) enqueue(s *Sim) {
	if c.idle() && c.queued < len(c.msgs) {
		c.k.since = s.now.Load() // a new wait for an answer begins
	}
	for ; c.queued < len(c.msgs); c.queued++ {
		m := c.msgs[c.queued]
		if !c.viaBox {
			c.k.out = im.AppendTextMsg(c.k.out, m.id, m.sent, m.text)
			continue
		}
		if m.inBox || m.delivered {
			continue
		}
		blob, err := c.load.seal(s, m)
		if err != nil {
			s.fail("im conversation %d: seal: %v", c.id, err)
			return
		}
		c.k.out = im.AppendDeposit(c.k.out, c.dst.self.Wallet, m.id, blob)
	}
}

func (c *imConv) poll(s *Sim, n *node) bool {
	if n != c.src || c.k.ep == nil {
		return false
	}
	progress, failed := c.k.pump(s, func() {
		c.k.out = im.AppendHello(c.k.out, c.load.keys[c.src.id].pub)
		c.queued = c.next
		c.enqueue(s)
	}, func(f im.WireFrame) bool { return c.answer(s, f) })
	switch {
	case failed && c.k.ep != nil:
		c.retry(s)
		return true
	case c.viaBox && c.k.ep != nil && c.deposited():
		c.drop(s) // all deposited: the mailbox connection is done
		return true
	}
	return progress
}

// answer handles one frame from the recipient or the mailbox; false
// stops reading.
func (c *imConv) answer(s *Sim, f im.WireFrame) bool {
	switch f.Type {
	case im.FrameReceipt:
		if f.Status == im.Delivered && !c.load.receipt(s, c.src, c.dst.id, f.IDs) {
			c.drop(s)
			return false
		}
		c.fails = 0
		c.k.since = s.now.Load()
	case im.FrameStored:
		m := c.load.msgs[f.ID]
		if !c.viaBox || m == nil || m.conv != c || !m.accepted {
			s.fail("im conversation %d: STORED for message %s it did not deposit", c.id, f.ID)
			c.drop(s)
			return false
		}
		if !m.inBox {
			m.inBox = true
			s.stats.IMDeposited++
		}
		c.fails = 0
		c.k.since = s.now.Load()
	case im.FrameError:
		s.fail("im conversation %d: node %d refused message %s: code %d: %s", c.id, c.dst.id, f.ID, f.Code, f.Reason)
		c.drop(s)
		return false
	}
	// HELLO: the peer's seal key; a Service keeps it for sealing. The
	// simulator knows every node's (imLoad.keys).
	return true
}

func (c *imConv) crashed(s *Sim, n *node) {
	if n == c.src {
		c.k.lost() // gone with the netstack
		for _, m := range c.msgs[c.next:] {
			m.senderCrashed = true // still in the store: sent after the restart
		}
	}
}

func (c *imConv) restarted(s *Sim, n *node) {
	if n == c.src {
		c.later(s, int64(imRetryBase))
	}
}
