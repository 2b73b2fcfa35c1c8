package stream

import (
	"time"

	"github.com/pion/rtp"
)

// seqKeeper keeps the RTP sequence numbers and timestamps of one WHEP
// track continuous when the stream under it changes: a publisher's
// next WHIP session comes with its own SSRC and its own random first
// sequence number and timestamp. A viewer's SRTP replay window (64
// packets in pion, 128 in libwebrtc) drops every packet whose index is
// further behind the newest it took, so a viewer that stayed through
// the change would see nothing until the new numbers passed the old
// ones: up to 32767 packets, minutes of media. A relay failover keeps
// the SSRC and the numbers, and changes nothing here.
type seqKeeper struct {
	clock  uint32 // the track's clock rate (Hz)
	ssrc   uint32 // of the stream coming in
	seqOff uint16 // added to its sequence numbers
	tsOff  uint32 // added to its timestamps
	sent   bool
	seq    uint16    // the newest sequence number sent
	ts     uint32    // its timestamp
	at     time.Time // when it was sent
}

// rewrite renumbers h, a packet that is sent at now.
func (k *seqKeeper) rewrite(h *rtp.Header, now time.Time) {
	if k.sent && h.SSRC != k.ssrc {
		// A new stream: its first packet follows the newest one sent,
		// its clock runs on by the wall clock since.
		k.seqOff = k.seq + 1 - h.SequenceNumber
		k.tsOff = k.ts + ticks(now.Sub(k.at), k.clock) - h.Timestamp
	}
	k.ssrc = h.SSRC
	h.SequenceNumber += k.seqOff
	h.Timestamp += k.tsOff
	if !k.sent || int16(h.SequenceNumber-k.seq) > 0 {
		k.sent, k.seq, k.ts, k.at = true, h.SequenceNumber, h.Timestamp, now
	}
}

// ticks is d at clock Hz (90 kHz when unknown): at least one tick, at
// most an hour's.
func ticks(d time.Duration, clock uint32) uint32 {
	if clock == 0 {
		clock = 90000
	}
	d = min(max(d, 0), time.Hour)
	return max(1, uint32(uint64(d)*uint64(clock)/uint64(time.Second)))
}
