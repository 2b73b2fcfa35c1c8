package relay

import (
	"slices"
)

// Cheats an Edge can try, for simulations and tests of the scoring: a
// Cheater applies one to the frames the Edge sends.
const (
	CheatInflate   = "inflate"    // double the byte counts of the receipts it hands in
	CheatDrop      = "drop"       // drop every third frame it relays
	CheatProbeOnly = "probe-only" // relay only echoed flows and their replies, taking them for probes
	CheatOffline   = "offline"    // send nothing at all
)

// A Cheater is an Edge's way of cheating (Kind, one of the Cheat…
// constants), applied to every frame the Edge sends, in order.
type Cheater struct {
	Kind string
	// relayed counts the frames relayed (drop); echoed holds the flows
	// the Edge saw flagged for echo, whose replies it relays too
	// (probe-only).
	relayed int
	echoed  map[uint64]bool
}

// Filter returns the frame the Edge sends instead of frame, or nil if it
// sends nothing.
func (c *Cheater) Filter(frame []byte) []byte {
	if len(frame) == 0 {
		return frame
	}
	switch c.Kind {
	case CheatOffline:
		return nil
	case CheatInflate:
		if frame[0] != frameSubmit {
			return frame
		}
		out := slices.Clone(frame)
		for at := batchHeader; at+ReceiptSize <= len(out); at += ReceiptSize {
			var r Receipt
			if r.UnmarshalBinary(out[at:at+ReceiptSize]) == nil {
				r.Bytes *= 2
				b, _ := r.MarshalBinary()
				copy(out[at:], b)
			}
		}
		return out
	case CheatDrop:
		if frame[0] == frameRelayed {
			if c.relayed++; c.relayed%3 == 0 {
				return nil
			}
		}
	case CheatProbeOnly:
		f, err := decodeData(frame)
		if err != nil || f.kind != frameRelayed {
			return frame
		}
		if f.flags&flagEcho != 0 {
			if c.echoed == nil {
				c.echoed = map[uint64]bool{}
			}
			c.echoed[f.flow] = true
			return frame
		}
		if !c.echoed[f.flow] {
			return nil
		}
	}
	return frame
}
