package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// LL-HLS (RFC 8216bis: EXT-X-PART, EXT-X-PRELOAD-HINT, blocking
// playlist reload) for streams published in parts (Playlist.Parts > 1).
//
// Entry seq is part (seq−1) mod Parts of media segment (seq−1) div
// Parts. The gateway names a part <seq>.ts and a whole segment
// s<msn>.ts (its parts, concatenated: MPEG-TS parts of one encoder run
// are one transport stream), lists whole segments with #EXTINF so that
// players without LL-HLS (ffplay, VLC) play them, and the parts of the
// newest segments with #EXT-X-PART for those with it (hls.js, Safari).
// Every part starts with a keyframe (the ingest's contract), so every
// part is INDEPENDENT.

// llParts is how many of the newest segments list their parts.
const llParts = 3

// renderLL writes v, a playlist of parts, as an LL-HLS media playlist:
// the newest run of held parts from a segment's first part on.
func renderLL(v PlaylistView) []byte {
	pl := v.Playlist
	P := uint64(pl.Parts)
	segs := heldRun(v)
	for len(segs) > 0 && (segs[0].Seq-1)%P != 0 {
		segs = segs[1:] // from a segment's first part
	}
	partTarget := pl.PartTarget()
	for _, s := range segs {
		partTarget = max(partTarget, s.Duration)
	}
	type group struct {
		msn   uint64
		parts []Segment
		dur   time.Duration
	}
	var groups []group
	for _, s := range segs {
		msn, _ := pl.MSN(s.Seq)
		if len(groups) == 0 || groups[len(groups)-1].msn != msn {
			groups = append(groups, group{msn: msn})
		}
		g := &groups[len(groups)-1]
		g.parts = append(g.parts, s)
		g.dur += s.Duration
	}
	target := pl.Target
	for _, g := range groups {
		target = max(target, g.dur)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:%d\n", max(1, int(math.Ceil(target.Seconds()))))
	fmt.Fprintf(&b, "#EXT-X-PART-INF:PART-TARGET=%.3f\n", partTarget.Seconds())
	fmt.Fprintf(&b, "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=%.3f\n", (3 * partTarget).Seconds())
	if len(groups) > 0 {
		fmt.Fprintf(&b, "#EXT-X-MEDIA-SEQUENCE:%d\n", groups[0].msn)
	}
	for i, g := range groups {
		complete := len(g.parts) == pl.Parts || pl.Ended && i == len(groups)-1
		if i >= len(groups)-llParts {
			for _, p := range g.parts {
				fmt.Fprintf(&b, "#EXT-X-PART:DURATION=%.3f,URI=\"%d.ts\",INDEPENDENT=YES\n", p.Duration.Seconds(), p.Seq)
			}
		}
		if complete {
			fmt.Fprintf(&b, "#EXTINF:%.3f,\ns%d.ts\n", g.dur.Seconds(), g.msn)
		}
	}
	if pl.Ended {
		b.WriteString("#EXT-X-ENDLIST\n")
	} else if len(segs) > 0 {
		fmt.Fprintf(&b, "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"%d.ts\"\n", segs[len(segs)-1].Seq+1)
	}
	return b.Bytes()
}

// errStatus is the HTTP status of a failed segment request.
func errStatus(err error) int {
	if errors.Is(err, ErrDenied) {
		return http.StatusForbidden
	}
	return http.StatusNotFound
}

// heldRun is the newest run of consecutive entries of v held here.
func heldRun(v PlaylistView) []Segment {
	held := make(map[uint64]bool, len(v.Held))
	for _, q := range v.Held {
		held[q] = true
	}
	segs := v.Playlist.Segments
	i := len(segs)
	for i > 0 && held[segs[i-1].Seq] {
		i--
	}
	return segs[i:]
}

// blockFor parses a blocking playlist reload's _HLS_msn and _HLS_part:
// the entry (sequence number) the answer must list; 0 when the request
// does not block.
func blockFor(q url.Values, pl *Playlist) (uint64, error) {
	ms, ps := q.Get("_HLS_msn"), q.Get("_HLS_part")
	if ms == "" {
		if ps != "" {
			return 0, fmt.Errorf("%w: _HLS_part without _HLS_msn", ErrMalformed)
		}
		return 0, nil
	}
	msn, err := strconv.ParseUint(ms, 10, 63)
	if err != nil {
		return 0, fmt.Errorf("%w: _HLS_msn %q", ErrMalformed, ms)
	}
	if pl.Parts <= 1 {
		if ps != "" {
			return 0, fmt.Errorf("%w: _HLS_part on a stream without parts", ErrMalformed)
		}
		return msn, nil
	}
	P := uint64(pl.Parts)
	if ps == "" {
		return (msn + 1) * P, nil // the whole segment msn
	}
	part, err := strconv.ParseUint(ps, 10, 16)
	if err != nil || part >= P {
		return 0, fmt.Errorf("%w: _HLS_part %q", ErrMalformed, ps)
	}
	return msn*P + part + 1, nil
}

// playlist waits for k's first playlist, and for a blocking reload
// (_HLS_msn, _HLS_part in q) until it lists the entry asked for.
func (g *Gateway) playlist(ctx context.Context, k Key, q url.Values, wait time.Duration) (PlaylistView, error) {
	want := uint64(0)
	return poll(ctx, wait, func() (PlaylistView, error) {
		v, err := g.Stream.Playlist(ctx, k)
		if err != nil {
			return v, err
		}
		if len(v.Held) == 0 {
			return v, ErrNotFound
		}
		if want == 0 {
			if want, err = blockFor(q, v.Playlist); err != nil {
				return v, err
			}
			if last := v.Playlist.Last(); want > last+2*uint64(max(1, v.Playlist.Parts)) {
				return v, fmt.Errorf("%w: _HLS_msn more than two segments ahead", ErrMalformed)
			}
		}
		if want > 0 && !slices.Contains(v.Held, want) && !v.Playlist.Ended {
			if run := heldRun(v); len(run) == 0 || run[len(run)-1].Seq < want {
				return v, ErrNotFound
			}
		}
		return v, nil
	})
}

// segment serves s<msn>.ts of a stream in parts: its parts in order.
func (g *Gateway) segment(w http.ResponseWriter, r *http.Request, k Key, msnText string, wait time.Duration) {
	ctx := r.Context()
	msn, err := strconv.ParseUint(msnText, 10, 63)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	v, err := g.Stream.Playlist(ctx, k)
	if err != nil || v.Playlist.Parts <= 1 {
		http.NotFound(w, r)
		return
	}
	P := uint64(v.Playlist.Parts)
	var parts [][]byte
	size := 0
	for seq := msn*P + 1; seq <= msn*P+P; seq++ {
		data, err := poll(ctx, wait, func() ([]byte, error) { return g.Stream.Segment(ctx, k, seq) })
		if err != nil {
			if len(parts) > 0 && v.Playlist.Ended {
				break // the last segment of an ended stream may be short
			}
			http.Error(w, err.Error(), errStatus(err))
			return
		}
		parts = append(parts, data)
		size += len(data)
	}
	w.Header().Set("Content-Type", "video/mp2t")
	w.Header().Set("Content-Length", strconv.Itoa(size))
	for _, p := range parts {
		w.Write(p)
	}
}
