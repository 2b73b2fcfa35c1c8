package stream

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Ingest is the loopback HTTP endpoint encoders push to: HLS over HTTP
// PUT, as ffmpeg's hls muxer writes it (-f hls -method PUT):
//
//	PUT /<ingest key>/<stream>/<segment>.ts   a segment, held until listed
//	PUT /<ingest key>/<stream>/<any>.m3u8     the encoder's playlist: each
//	                                          newly listed segment is pushed
//	                                          with its #EXTINF duration
//	DELETE …                                  accepted, ignored
//
// The key (Service.IngestKey) is what authenticates the encoder as the
// node's wallet, as an RTMP stream key does; the node then signs.
type Ingest struct {
	Stream *Service
	Logger *slog.Logger
	// Parts, if over 1, makes the stream LL-HLS: each segment the
	// encoder PUTs is one part, Parts of them a segment. The encoder
	// must start every part with a keyframe (ffmpeg at 25 fps:
	// -g 5 -hls_time 0.2 with Parts 5 makes 1 s segments of 0.2 s parts).
	Parts int
	// Access is who may watch what the encoder pushes; zero: everyone.
	Access Access

	mu      sync.Mutex // guards streams and opts
	streams map[string]*ingestState
	opts    map[string]ingestOpts
}

type ingestOpts struct {
	parts  int
	access Access
}

// Set makes stream name's parts and access differ from Parts and
// Access; it applies when the encoder's first playlist arrives.
func (g *Ingest) Set(name string, parts int, access Access) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.opts == nil {
		g.opts = map[string]ingestOpts{}
	}
	g.opts[name] = ingestOpts{parts, access}
}

// optsFor is stream name's parts and access.
func (g *Ingest) optsFor(name string) ingestOpts {
	g.mu.Lock()
	defer g.mu.Unlock()
	if o, ok := g.opts[name]; ok {
		return o
	}
	return ingestOpts{g.Parts, g.Access}
}

type ingestState struct {
	push   sync.Mutex        // held while a playlist is applied: one at a time, in order
	files  map[string][]byte // segments PUT, not yet listed
	pushed map[string]bool
	order  []string // pushed, oldest first (bounded)
	ended  bool
}

// maxPending bounds the segments an ingest holds before they are listed.
const maxPending = 16

func (g *Ingest) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/whip/") {
		g.gateWHIP(r)
		g.Stream.serveWHIP(w, r, g.optsFor) // WebRTC ingest (whip.go)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(parts) != 3 || parts[0] != g.Stream.IngestKey() {
		http.Error(w, ErrDenied.Error(), http.StatusForbidden)
		return
	}
	name, file := parts[1], parts[2]
	if !ValidName(name) {
		http.Error(w, ErrBadName.Error(), http.StatusBadRequest)
		return
	}
	switch r.Method {
	case http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPut, http.MethodPost:
	default:
		http.Error(w, "stream: PUT segments and playlists", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxSegment+1))
	if err != nil || len(body) > MaxSegment {
		http.Error(w, fmt.Sprintf("stream: read %s: too large or %v", file, err), http.StatusBadRequest)
		return
	}
	if err := g.put(r.Context(), name, file, body); err != nil {
		code := http.StatusBadGateway
		if errors.Is(err, ErrMalformed) {
			code = http.StatusBadRequest
		}
		http.Error(w, err.Error(), code)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

// gateWHIP publishes a stream offered by WHIP, before the offer is
// answered, under the access rule Set (or Access) gives it, so that a
// gated stream is never public for a moment; a public one is left to
// serveWHIP. Only an encoder holding the ingest key gets this far.
func (g *Ingest) gateWHIP(r *http.Request) {
	name, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/whip/"), "/")
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if r.Method != http.MethodPost || !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(g.Stream.IngestKey())) != 1 || !ValidName(name) {
		return
	}
	if o := g.optsFor(name); !o.access.Public() {
		g.Stream.PublishWith(r.Context(), whipPublish(name, o))
	}
}

func (g *Ingest) put(ctx context.Context, name, file string, body []byte) error {
	g.mu.Lock()
	if g.streams == nil {
		g.streams = map[string]*ingestState{}
	}
	st := g.streams[name]
	if st == nil {
		st = &ingestState{files: map[string][]byte{}, pushed: map[string]bool{}}
		g.streams[name] = st
	}
	g.mu.Unlock()
	if !strings.HasSuffix(file, ".m3u8") {
		g.mu.Lock()
		defer g.mu.Unlock()
		if len(st.files) >= maxPending {
			return fmt.Errorf("stream: ingest %s: %d segments never listed", name, len(st.files))
		}
		st.files[file] = body
		return nil
	}
	entries, ended, err := parseMediaPlaylist(body)
	if err != nil {
		return err
	}
	o := g.optsFor(name)
	pub := PublishCmd{Name: name, Access: o.access}
	if o.parts > 1 && len(entries) > 0 {
		pub.Parts = o.parts
		pub.Target = time.Duration(o.parts) * entries[0].dur.Round(time.Millisecond)
	}
	if _, err := g.Stream.r.Do(ctx, pub); err != nil {
		return err
	}
	st.push.Lock()
	defer st.push.Unlock()
	// Encoders hang up without waiting for the answer (ffmpeg does):
	// a push that started finishes, so it is never repeated.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for i, e := range entries {
		g.mu.Lock()
		data, ok := st.files[e.uri]
		done := st.pushed[e.uri]
		g.mu.Unlock()
		if done {
			continue
		}
		if !ok {
			break // listed before its PUT ended: the next playlist pushes it
		}
		last := ended && i == len(entries)-1
		if _, err := g.Stream.r.Do(ctx, PushCmd{Name: name, Data: data, Duration: e.dur, End: last}); err != nil {
			return err
		}
		g.mu.Lock()
		delete(st.files, e.uri)
		st.pushed[e.uri] = true
		st.order = append(st.order, e.uri)
		if len(st.order) > 4*MaxWindow {
			delete(st.pushed, st.order[0])
			st.order = st.order[1:]
		}
		g.mu.Unlock()
	}
	return nil
}

type hlsEntry struct {
	uri string
	dur time.Duration
}

// parseMediaPlaylist reads the segments of an HLS media playlist
// (RFC 8216 #EXTINF and URI lines) and whether it has #EXT-X-ENDLIST.
func parseMediaPlaylist(b []byte) ([]hlsEntry, bool, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	var es []hlsEntry
	var dur time.Duration
	inf, ended := false, false
	first := true
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if first {
			if line != "#EXTM3U" {
				return nil, false, fmt.Errorf("%w: playlist does not start with #EXTM3U", ErrMalformed)
			}
			first = false
			continue
		}
		switch {
		case line == "":
		case strings.HasPrefix(line, "#EXTINF:"):
			v, _, _ := strings.Cut(strings.TrimPrefix(line, "#EXTINF:"), ",")
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 3600 {
				return nil, false, fmt.Errorf("%w: %q", ErrMalformed, line)
			}
			dur, inf = time.Duration(f*float64(time.Second)), true
		case line == "#EXT-X-ENDLIST":
			ended = true
		case strings.HasPrefix(line, "#"):
		default:
			if !inf {
				return nil, false, fmt.Errorf("%w: URI %q without #EXTINF", ErrMalformed, line)
			}
			if strings.Contains(line, "/") || len(line) > 255 {
				return nil, false, fmt.Errorf("%w: segment URI %q is not a file name", ErrMalformed, line)
			}
			es = append(es, hlsEntry{uri: line, dur: dur})
			inf = false
			if len(es) > 1024 {
				return nil, false, fmt.Errorf("%w: playlist too long", ErrMalformed)
			}
		}
	}
	if first {
		return nil, false, fmt.Errorf("%w: empty playlist", ErrMalformed)
	}
	return es, ended, sc.Err()
}

// Gateway serves live streams to standard players at
// http://NAME.anynet/live/<stream>/index.m3u8 (and /<seq>.ts) — the
// node joins the stream as a viewer on the first request — and passes
// every other request to Next (content.Gateway for sites).
type Gateway struct {
	Stream *Service
	// Next serves everything else; nil answers 404.
	Next http.Handler
	// Wait bounds how long a request waits for a stream's first
	// playlist or a segment not here yet; 0 means 15 s.
	Wait time.Duration
}

// TLD is the suffix of the hosts the gateway answers for.
const TLD = ".anynet"

func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if strings.HasSuffix(host, TLD) && len(parts) >= 3 && parts[0] == "live" && parts[2] == "whep" {
		g.Stream.serveWHEP(w, r, strings.TrimSuffix(host, TLD), parts[1], parts[3:], cmp.Or(g.Wait, 15*time.Second)) // whep.go
		return
	}
	if !strings.HasSuffix(host, TLD) || len(parts) != 3 || parts[0] != "live" {
		if g.Next != nil {
			g.Next.ServeHTTP(w, r)
		} else {
			http.NotFound(w, r)
		}
		return
	}
	ctx := r.Context()
	wait := g.Wait
	if wait == 0 {
		wait = 15 * time.Second
	}
	k, err := g.Stream.Watch(ctx, strings.TrimSuffix(host, TLD), parts[1], 0)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	file := parts[2]
	if file == "index.m3u8" {
		v, err := g.playlist(ctx, k, r.URL.Query(), wait)
		if errors.Is(err, ErrMalformed) {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if errors.Is(err, ErrDenied) {
			http.Error(w, err.Error(), http.StatusForbidden) // the reason is in the text
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusGatewayTimeout)
			return
		}
		allowPages(w, v)
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(RenderM3U8(v))
		return
	}
	if v, err := g.Stream.Playlist(ctx, k); err == nil {
		allowPages(w, v)
	}
	if msn, ok := strings.CutPrefix(file, "s"); ok {
		g.segment(w, r, k, strings.TrimSuffix(msn, ".ts"), wait)
		return
	}
	seq, err := strconv.ParseUint(strings.TrimSuffix(file, ".ts"), 10, 64)
	if err != nil || !strings.HasSuffix(file, ".ts") {
		http.NotFound(w, r)
		return
	}
	data, err := poll(ctx, wait, func() ([]byte, error) { return g.Stream.Segment(ctx, k, seq) })
	if err != nil {
		http.Error(w, err.Error(), errStatus(err))
		return
	}
	w.Header().Set("Content-Type", "video/mp2t")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// allowPages lets players in any web page (hls.js) read a public
// stream (CORS). A gated stream is admitted by the node's wallet, an
// ambient credential like a cookie: only same-origin pages read it.
func allowPages(w http.ResponseWriter, v PlaylistView) {
	if v.Playlist != nil && v.Playlist.Access.Public() {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}
}

// poll calls f until it succeeds, ctx ends or wait passes.
func poll[T any](ctx context.Context, wait time.Duration, f func() (T, error)) (T, error) {
	deadline := time.Now().Add(wait)
	for {
		v, err := f()
		if err == nil || !errors.Is(err, ErrNotFound) || time.Now().After(deadline) {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

// pollEvery is how often a waiting request looks again.
const pollEvery = 20 * time.Millisecond

// RenderM3U8 writes v as an HLS media playlist (RFC 8216) of the
// newest run of consecutive segments held, named <seq>.ts.
// A stream published in parts is rendered as LL-HLS (llhls.go).
func RenderM3U8(v PlaylistView) []byte {
	if v.Playlist.Parts > 1 {
		return renderLL(v)
	}
	segs := heldRun(v)
	target := int((v.Playlist.Target + time.Second - 1) / time.Second)
	for _, s := range segs {
		target = max(target, int((s.Duration+time.Second-1)/time.Second))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%d\n", max(target, 1))
	if len(segs) > 0 {
		fmt.Fprintf(&b, "#EXT-X-MEDIA-SEQUENCE:%d\n", segs[0].Seq)
	}
	for _, s := range segs {
		fmt.Fprintf(&b, "#EXTINF:%.3f,\n%d.ts\n", s.Duration.Seconds(), s.Seq)
	}
	if v.Playlist.Ended {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	return b.Bytes()
}
