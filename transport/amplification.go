package transport

import "time"

// No amplification: a message this node sends in answer to one it
// cannot yet authenticate is never longer than that message, so a
// forged source address gets back at most the bytes sent to it:
//
//	answer to             reply            sizes (bytes)
//	XX initiation         XX response      242 -> 242 (the initiation is padded)
//	XX/IK initiation      cookie reply     242/282 -> 64
//	IK initiation         IK response      282 -> 194
//	data, unknown index   stale hint       >= 32 -> 8
//
// The XX initiation carries a zero payload of xxInitPad bytes for this,
// as QUIC pads a client's first flight to 1,200 bytes; the responder
// refuses a shorter one (ErrMalformed) before any DH. The constants
// below fail to compile if a size change breaks the rule.
const (
	_ = uint(xxInitSize - xxRespSize)
	_ = uint(xxInitSize - cookieReplySize)
	_ = uint(ikInitSize - ikRespSize)
	_ = uint(ikInitSize - cookieReplySize)
	_ = uint(DataHeaderSize + tagSize - staleHintSize)
)

// allZero reports whether b holds only zero bytes.
func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Load is the state of the flood defence: how many initiations arrived
// in the current second against the threshold, and whether the node is
// under load (answering initiations without a valid mac2 with cookies).
type Load struct {
	UnderLoad   bool
	Initiations uint64 // in the current counting second
	Threshold   uint64 // Timers.LoadThreshold
	Until       time.Time
}

// Load returns the flood defence's state now.
func (s *Sessions) Load() Load { return s.cookies.load(s.now()) }

// load reports the state without counting an initiation.
func (c *cookieChecker) load(now time.Time) Load {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := Load{Threshold: c.threshold, UnderLoad: now.Before(c.loadUntil)}
	if l.UnderLoad {
		l.Until = c.loadUntil
	}
	if !c.second.IsZero() && now.Sub(c.second) < time.Second && !now.Before(c.second) {
		l.Initiations = c.count
	}
	return l
}
