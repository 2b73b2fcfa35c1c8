package relay

import (
	"slices"
)

// Cheats an Edge can try, for simulations and tests of the scoring:
// Misbehave applies one to the frames the Edge sends.
const (
	CheatInflate   = "inflate"    // double the byte counts of the receipts it hands in
	CheatDrop      = "drop"       // drop every third frame it relays
	CheatProbeOnly = "probe-only" // relay only echoed flows, taking them for probes
	CheatOffline   = "offline"    // send nothing at all
)

// Misbehave returns the frame a cheating Edge sends instead of frame, or
// nil if it sends nothing; n counts the frames it relayed.
func Misbehave(cheat string, frame []byte, n *int) []byte {
	if len(frame) == 0 {
		return frame
	}
	switch cheat {
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
			if *n++; *n%3 == 0 {
				return nil
			}
		}
	case CheatProbeOnly:
		if f, err := decodeData(frame); err == nil && f.kind == frameRelayed && f.flags&flagEcho == 0 {
			return nil
		}
	}
	return frame
}
