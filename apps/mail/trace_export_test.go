package mail

import (
	"fmt"
	"slices"
)

// DebugState describes what the core knows of message id (for
// TestSimMail's -mail.trace).
func (c *Core) DebugState(id MessageID) string {
	s := ""
	if o := c.out[id]; o != nil {
		p := c.peers[o.To]
		s += fmt.Sprintf("out: status=%v reason=%q parts=%d; peer: doc=%d key=%v hasBox=%v box=%s outbox=%d idx=%d inflight=%d ackBy=%v nextTry=%v fails=%d passed=%v; boxWait=%v dep=%v sending=%v bounce=%q",
			o.Status, o.Reason, o.Parts, p.doc, p.key != nil, p.hasBox, p.box.Hex()[:8], len(p.outbox), slices.Index(p.outbox, id), p.inflight, p.ackBy, p.nextTry, p.fails, p.passed[id], c.boxWait[id], c.depositing[id], c.sending[id], c.bounce[id])
	}
	for k, bi := range c.boxIn {
		if k.id == id {
			s += fmt.Sprintf(" boxIn: to=%s next=%d/%d at=%v", bi.to.Hex()[:8], bi.next, bi.parts, bi.at)
		}
	}
	for w, items := range c.kept {
		for _, it := range items {
			if it.id == id {
				s += fmt.Sprintf(" kept for %s seq=%d large=%v at=%v", w.Hex()[:8], it.seq, it.large, it.at)
			}
		}
	}
	for k, r := range c.receiving {
		if k.id == id {
			s += fmt.Sprintf(" receiving: next=%d/%d", r.next, r.parts)
		}
	}
	if c.fetch.stream != nil && c.fetch.stream.id == id {
		f := c.fetch
		s += fmt.Sprintf(" fetchstream: seq=%d pulled=%d ended=%v", f.stream.seq, f.stream.pulled, f.stream.ended)
	}
	return s
}

// DebugFetch describes the fetch under way (-mail.trace).
func (c *Core) DebugFetch() string {
	f := c.fetch
	st := ""
	if f.stream != nil {
		st = fmt.Sprintf("stream seq=%d id=%s pulled=%d/%d ended=%v", f.stream.seq, f.stream.id.String()[:8], f.stream.pulled, f.stream.parts, f.stream.ended)
	}
	return fmt.Sprintf("fetch: hasBox=%v box=%s phase=%d until=%v next=%v pending=%v applied=%d blocked=%v stalled=%s %s", f.hasBox, f.box.Hex()[:8], f.phase, f.until, f.next, f.pending, f.applied, f.blocked, f.stalled.Hex()[:8], st)
}

// FrameInfo reads a frame's type, id, seq and n (-mail.trace).
func FrameInfo(b []byte) (typ byte, id MessageID, seq uint64, n uint32, ok bool) {
	f, err := parseFrame(b)
	if err != nil {
		return 0, id, 0, 0, false
	}
	return f.typ, f.id, f.seq, f.n, true
}
