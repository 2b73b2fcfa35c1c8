package stream

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/asticode/go-astits"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"
)

// A WHIP stream plays by HLS too: the publisher's node depacketises the
// session's H.264 (pion's H264Packet and samplebuilder) and remuxes it
// into MPEG-TS (go-astits) cut into the stream's entries, as an encoder
// pushing HLS would: each entry starts with a keyframe (PAT and PMT
// before it), is cut at the first keyframe at least partTarget after
// its start (a PLI asks the encoder for one then), and is pushed with
// its duration from the RTP clock and the arrival of its first frame
// as its glass time. PTS start at the wall clock (90 kHz, mod 2^33),
// so a publisher's next session goes on where the last one stopped. Video only: the Opus track goes out by WHEP alone.

// Remux tunables.
const (
	tsVideoPID = 256
	tsPCRAhead = 9000      // PCR runs 100 ms ahead of PTS
	tsMask     = 1<<33 - 1 // PTS and PCR are 33-bit
	// sampleLate is how many packets the sample builder waits for a
	// late one.
	sampleLate = 256
)

// cutter cuts H.264 access units into MPEG-TS entries.
type cutter struct {
	target time.Duration // an entry's least duration
	push   func(data []byte, d time.Duration, captured time.Time)
	ask    func() // asks the encoder for a keyframe; may be nil

	mux      *astits.Muxer
	buf      bytes.Buffer
	started  bool
	asked    bool
	last     uint32 // the last RTP timestamp seen
	ts       int64  // last, unwrapped, from the first access unit
	base     int64  // PTS of the first access unit: its arrival, 90 kHz
	entryTS  int64  // the current entry's first access unit
	entryAt  time.Time
	sps, pps []byte // the newest parameter sets, for a keyframe without them
}

func newCutter(target time.Duration, push func([]byte, time.Duration, time.Time), ask func()) *cutter {
	c := &cutter{target: target, push: push, ask: ask}
	c.mux = astits.NewMuxer(context.Background(), &c.buf)
	c.mux.AddElementaryStream(astits.PMTElementaryStream{ElementaryPID: tsVideoPID, StreamType: astits.StreamTypeH264Video})
	c.mux.SetPCRPID(tsVideoPID)
	return c
}

// nalUnits splits an Annex B access unit into its NAL units (without
// start codes).
func nalUnits(au []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(au); i++ {
		if au[i] != 0 || au[i+1] != 0 || au[i+2] != 1 {
			continue
		}
		if start >= 0 {
			out = append(out, bytes.TrimRight(au[start:i], "\x00"))
		}
		start = i + 3
		i += 2
	}
	if start >= 0 && start < len(au) {
		out = append(out, au[start:])
	}
	return out
}

// add takes one access unit (Annex B) with its RTP timestamp (90 kHz)
// and arrival time.
func (c *cutter) add(au []byte, rtpTS uint32, at time.Time) error {
	var key, hasSPS bool
	var nals [][]byte
	for _, n := range nalUnits(au) {
		if len(n) == 0 {
			continue
		}
		switch n[0] & 0x1f {
		case 5:
			key = true
		case 7:
			c.sps, hasSPS = append([]byte(nil), n...), true
		case 8:
			c.pps = append([]byte(nil), n...)
		case 9:
			continue // an access unit delimiter: one is written below
		}
		nals = append(nals, n)
	}
	if len(nals) == 0 {
		return nil
	}
	if !c.started {
		if !key {
			return nil // from the first keyframe on
		}
		c.started, c.last, c.entryAt = true, rtpTS, at
		c.base = at.UnixNano() * 9 / 100_000 // a new session's PTS go on from the last one's
	}
	c.ts += int64(int32(rtpTS - c.last))
	c.last = rtpTS
	elapsed := time.Duration(c.ts-c.entryTS) * time.Second / 90000
	if key && elapsed >= c.target {
		c.cut(elapsed, at)
	} else if !key && elapsed >= c.target && !c.asked && c.ask != nil {
		c.asked = true
		c.ask()
	}
	if key && !hasSPS && c.sps != nil && c.pps != nil {
		nals = append([][]byte{c.sps, c.pps}, nals...)
	}
	data := []byte{0, 0, 0, 1, 9, 0xf0} // access unit delimiter
	for _, n := range nals {
		data = append(append(data, 0, 0, 0, 1), n...)
	}
	pts := (c.base + c.ts) & tsMask
	_, err := c.mux.WriteData(&astits.MuxerData{
		PID: tsVideoPID,
		AdaptationField: &astits.PacketAdaptationField{RandomAccessIndicator: key, HasPCR: true,
			PCR: &astits.ClockReference{Base: (pts - tsPCRAhead) & tsMask}},
		PES: &astits.PESData{
			Header: &astits.PESHeader{StreamID: 0xe0, OptionalHeader: &astits.PESOptionalHeader{MarkerBits: 2,
				PTSDTSIndicator: astits.PTSDTSIndicatorOnlyPTS, PTS: &astits.ClockReference{Base: pts}, DataAlignmentIndicator: true}},
			Data: data,
		},
	})
	if err != nil {
		return fmt.Errorf("stream: remux: %w", err)
	}
	return nil
}

// cut pushes the current entry, elapsed long, and starts the next at.
func (c *cutter) cut(elapsed time.Duration, at time.Time) {
	if c.buf.Len() > 0 {
		c.push(bytes.Clone(c.buf.Bytes()), elapsed, c.entryAt)
	}
	c.buf.Reset()
	c.entryTS, c.entryAt, c.asked = c.ts, at, false
}

// remuxer feeds one WHIP H.264 track's RTP packets to a cutter.
type remuxer struct {
	sb  *samplebuilder.SampleBuilder
	cut *cutter
}

func newRemuxer(c *cutter) *remuxer {
	return &remuxer{sb: samplebuilder.New(sampleLate, &codecs.H264Packet{}, 90000), cut: c}
}

// rtp takes one RTP packet (not kept).
func (r *remuxer) rtp(b []byte) error {
	p := &rtp.Packet{}
	if err := p.Unmarshal(b); err != nil {
		return fmt.Errorf("%w: rtp: %v", ErrMalformed, err)
	}
	p.Payload = bytes.Clone(p.Payload)
	r.sb.Push(p)
	for s := r.sb.Pop(); s != nil; s = r.sb.Pop() {
		if err := r.cut.add(s.Data, s.PacketTimestamp, time.Now()); err != nil {
			return err
		}
	}
	return nil
}
