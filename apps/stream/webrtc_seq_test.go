package stream

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// TestSeqKeeper: vectors of one WHEP track's numbering across a
// publisher's two WHIP sessions, the second starting behind the first
// (and across the 16-bit wrap).
func TestSeqKeeper(t *testing.T) {
	t0 := time.Unix(1000, 0)
	type in struct {
		ssrc    uint32
		seq     uint16
		ts      uint32
		at      time.Duration // after t0
		wantSeq uint16
		wantTS  uint32
	}
	for _, c := range []struct {
		name string
		pkts []in
	}{
		{"one stream passes as is, reordered too", []in{
			{1, 30000, 500, 0, 30000, 500},
			{1, 30002, 3500, 40 * time.Millisecond, 30002, 3500},
			{1, 30001, 500, 41 * time.Millisecond, 30001, 500},
			{1, 30003, 7100, 80 * time.Millisecond, 30003, 7100},
		}},
		{"the next session starts behind: it follows on", []in{
			{1, 30000, 500, 0, 30000, 500},
			{1, 30001, 3500, 40 * time.Millisecond, 30001, 3500},
			{2, 1000, 9_000_000, 540 * time.Millisecond, 30002, 3500 + 45000},
			{2, 1001, 9_003_600, 580 * time.Millisecond, 30003, 3500 + 45000 + 3600},
			{2, 999, 8_996_400, 581 * time.Millisecond, 30001, 3500 + 45000 - 3600},
		}},
		{"across the wrap", []in{
			{1, 65535, 4294967000, 0, 65535, 4294967000},
			{2, 40000, 100, time.Second, 0, 89704}, // 4294967000 + 90000, wrapped
			{2, 40001, 3700, time.Second + 40*time.Millisecond, 1, 93304},
			{3, 7, 0, 2 * time.Second, 2, 93304 + 86400},
		}},
	} {
		k := seqKeeper{clock: 90000}
		for i, p := range c.pkts {
			h := rtp.Header{SSRC: p.ssrc, SequenceNumber: p.seq, Timestamp: p.ts}
			k.rewrite(&h, t0.Add(p.at))
			if h.SequenceNumber != p.wantSeq || h.Timestamp != p.wantTS {
				t.Errorf("%s: packet %d: seq %d ts %d, want %d %d", c.name, i, h.SequenceNumber, h.Timestamp, p.wantSeq, p.wantTS)
			}
		}
	}
}
