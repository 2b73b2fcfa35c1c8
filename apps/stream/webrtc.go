package stream

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// RTCPort is the overlay TCP port on which nodes carry WebRTC media
// (RTP) down a stream's tree.
const RTCPort = 4201

// The WebRTC media path (see doc.go, "WebRTC"):
//
//  1. A WHIP session (whip.go) on the publisher's node feeds a local
//     source: each RTP packet read from pion, header extensions
//     stripped, becomes an RTP frame.
//  2. A node that wants the media (a WHEP viewer, or a relay whose
//     child asks) keeps a pulled source: one connection to RTCPort of
//     its upstream in the core's tree (TreeCmd), Want, then Tracks and
//     RTP frames. When the core moves it to another upstream
//     (failover), the pull follows and asks for a keyframe.
//  3. Whoever serves RTCPort answers only its children in the tree
//     (the origin: its own; a relay: its own) from its source.
//  4. Each subscriber (a connection, a WHEP session) has a bounded
//     queue; when it is full the packet is dropped and counted: late
//     media is worth less than the next packet.
//  5. A viewer's PLI or FIR goes up the same way, at most one per
//     keyframeEvery per track, to the WHIP encoder.

// Tunables of the media path.
const (
	subQueue      = 512                    // frames a subscriber may fall behind
	keyframeEvery = 300 * time.Millisecond // at most one PLI upstream per track
	pullLinger    = 10 * time.Second       // a pulled source with no subscribers ends
	tracksGrace   = 2 * time.Second        // tracks announced this long after the first, even if some never came
)

// ErrNoMedia: no WebRTC media for the stream here (no WHIP publisher,
// or the node is not in its tree).
var ErrNoMedia = errors.New("stream: no WebRTC media")

// rtc carries a node's WebRTC media: WHIP and WHEP sessions, sources,
// and RTCPort.
type rtc struct {
	svc  *Service
	host service.Host
	api  *webrtc.API
	log  *slog.Logger
	ln   net.Listener
	ctx  context.Context // ends on close
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu       sync.Mutex // guards sources and sessions
	sources  map[Key]*source
	sessions map[string]*session
}

// session is one WHIP or WHEP peer connection.
type session struct {
	id   string
	key  Key
	whip bool
	pc   *webrtc.PeerConnection
}

// newRTCAPI makes the pion API: H.264 (packetization mode 1) and Opus,
// NACK, RTCP reports and TWCC; se nil means host candidates on every
// interface, loopback included, without mDNS.
func newRTCAPI(se *webrtc.SettingEngine) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	fb := []webrtc.RTCPFeedback{{Type: "goog-remb"}, {Type: "ccm", Parameter: "fir"}, {Type: "nack"}, {Type: "nack", Parameter: "pli"}}
	for i, profile := range []string{"42e01f", "42001f", "4d001f", "64001f"} {
		c := webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
				SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + profile, RTCPFeedback: fb},
			PayloadType: webrtc.PayloadType(102 + 2*i),
		}
		if err := m.RegisterCodec(c, webrtc.RTPCodecTypeVideo); err != nil {
			return nil, fmt.Errorf("stream: register H.264: %w", err)
		}
	}
	opus := webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"},
		PayloadType:        111,
	}
	if err := m.RegisterCodec(opus, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, fmt.Errorf("stream: register Opus: %w", err)
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		return nil, fmt.Errorf("stream: interceptors: %w", err)
	}
	if se == nil {
		se = &webrtc.SettingEngine{}
		se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
		se.SetIncludeLoopbackCandidate(true)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(*se)), nil
}

// startRTC listens on RTCPort and serves it.
func startRTC(svc *Service, se *webrtc.SettingEngine, log *slog.Logger) (*rtc, error) {
	api, err := newRTCAPI(se)
	if err != nil {
		return nil, err
	}
	ln, err := svc.host.Listen("tcp", fmt.Sprintf(":%d", RTCPort))
	if err != nil {
		return nil, fmt.Errorf("stream: listen on %d: %w", RTCPort, err)
	}
	ctx, stop := context.WithCancel(context.Background())
	r := &rtc{svc: svc, host: svc.host, api: api, log: log, ln: ln, ctx: ctx, stop: stop,
		sources: map[Key]*source{}, sessions: map[string]*session{}}
	r.wg.Add(1)
	go r.acceptLoop()
	return r, nil
}

// close ends every session, source and connection and waits for them.
func (r *rtc) close() {
	r.stop()
	r.ln.Close()
	r.mu.Lock()
	ss := make([]*session, 0, len(r.sessions))
	for _, s := range r.sessions {
		ss = append(ss, s)
	}
	for _, src := range r.sources {
		src.close()
	}
	r.mu.Unlock()
	for _, s := range ss {
		r.endSession(s.id)
	}
	r.wg.Wait()
}

func newSessionID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (r *rtc) addSession(s *session) {
	r.mu.Lock()
	r.sessions[s.id] = s
	r.mu.Unlock()
}

// endSession closes a session's peer connection (and, for WHIP, its
// source); it reports whether there was one.
func (r *rtc) endSession(id string) bool {
	r.mu.Lock()
	s := r.sessions[id]
	delete(r.sessions, id)
	var src *source
	if s != nil && s.whip && r.sources[s.key] != nil && r.sources[s.key].local {
		src = r.sources[s.key]
		delete(r.sources, s.key)
	}
	r.mu.Unlock()
	if s == nil {
		return false
	}
	if src != nil {
		src.close()
	}
	s.pc.Close()
	return true
}

// session returns the session id of key k, if it is there.
func (r *rtc) session(id string, k Key) *session {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.sessions[id]; s != nil && s.key == k {
		return s
	}
	return nil
}

// publishLocal makes the source a WHIP session on this node feeds.
func (r *rtc) publishLocal(k Key) (*source, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := r.sources[k]; old != nil && old.local && !old.ended() {
		return nil, fmt.Errorf("%w: %s already has a WHIP publisher", ErrBusy, k)
	}
	s := newSource(k, true)
	r.sources[k] = s
	return s, nil
}

// local returns the WHIP-fed source of k, or nil.
func (r *rtc) local(k Key) *source {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.sources[k]; s != nil && s.local && !s.ended() {
		return s
	}
	return nil
}

// pulled returns the source that pulls k from this node's upstream,
// starting it if needed.
func (r *rtc) pulled(k Key) *source {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.sources[k]; s != nil && !s.local && !s.ended() {
		return s
	}
	s := newSource(k, false)
	r.sources[k] = s
	r.wg.Add(1)
	go r.pullLoop(s)
	return s
}

// sourceFor returns the source a subscriber of k on this node reads:
// the local one at the publisher, else the pulled one.
func (r *rtc) sourceFor(ctx context.Context, k Key) (*source, error) {
	t, err := r.svc.tree(ctx, k)
	if err != nil {
		return nil, err
	}
	if t.Publishing {
		if s := r.local(k); s != nil {
			return s, nil
		}
		return nil, fmt.Errorf("%w: %s has no WHIP publisher", ErrNoMedia, k)
	}
	return r.pulled(k), nil
}

// acceptLoop is the long-lived listener of RTCPort.
func (r *rtc) acceptLoop() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.wg.Add(1)
		go r.serveConn(c)
	}
}

// serveConn serves one child's Want: Tracks, then RTP frames until
// either side ends; the child's PLIs go to the source.
func (r *rtc) serveConn(c net.Conn) {
	defer r.wg.Done()
	defer c.Close()
	stop := context.AfterFunc(r.ctx, func() { c.Close() })
	defer stop()
	peer, err := r.host.PeerOf(c)
	if err != nil {
		return
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	f, err := readRTC(c)
	if err != nil {
		return
	}
	m, err := decodeRTC(f)
	if err != nil || m.typ != rtcWant {
		writeRTC(c, nil, encEnd("want first"))
		return
	}
	c.SetReadDeadline(time.Time{})
	t, err := r.svc.tree(r.ctx, m.key)
	if err != nil || !slices.Contains(t.Children, peer) {
		writeRTC(c, nil, encEnd("not a child here"))
		return
	}
	src, err := r.sourceFor(r.ctx, m.key)
	if err != nil {
		writeRTC(c, nil, encEnd(err.Error()))
		return
	}
	sub := src.subscribe()
	defer src.unsubscribe(sub)
	tracks, err := src.wait(r.ctx, 15*time.Second)
	if err != nil {
		writeRTC(c, nil, encEnd(err.Error()))
		return
	}
	buf, err := writeRTC(c, nil, encTracks(tracks))
	if err != nil {
		return
	}
	gone := make(chan struct{})
	go func() { // the child's PLIs; its end
		defer close(gone)
		for {
			f, err := readRTC(c)
			if err != nil {
				return
			}
			if m, err := decodeRTC(f); err == nil && m.typ == rtcPLI {
				src.askKeyframe(m.track)
			}
		}
	}()
	// A child cut off by the stream's access rule (its tokens gone) or
	// gone from the tree stops getting media within childCheck.
	check := time.NewTicker(childCheck)
	defer check.Stop()
	var batch [][]byte
	for {
		select {
		case <-check.C:
			if t, err := r.svc.tree(r.ctx, m.key); err != nil || !slices.Contains(t.Children, peer) {
				writeRTC(c, buf, encEnd("not a child here"))
				return
			}
		case f := <-sub.q:
			batch = append(batch[:0], f)
			for len(batch) < 64 && len(sub.q) > 0 {
				batch = append(batch, <-sub.q)
			}
			if buf, err = writeRTC(c, buf, batch...); err != nil {
				return
			}
		case <-src.done:
			writeRTC(c, buf, encEnd("source ended"))
			return
		case <-gone:
			return
		}
	}
}

// childCheck is how often a node serving media on RTCPort checks that
// the peer is still its child in the tree.
const childCheck = time.Second

// pullLoop is the long-lived puller of one source: it follows this
// node's upstream in the tree until the source has had no subscriber
// for pullLinger.
func (r *rtc) pullLoop(s *source) {
	defer r.wg.Done()
	defer func() {
		r.mu.Lock()
		if r.sources[s.key] == s {
			delete(r.sources, s.key)
		}
		r.mu.Unlock()
		s.close()
	}()
	for r.ctx.Err() == nil && !s.ended() && !s.idle(pullLinger) {
		t, err := r.svc.tree(r.ctx, s.key)
		if err == nil && t.Joined && !t.Publishing {
			err = r.pullFrom(s, t.Up)
			r.log.Debug("rtc pull ended", "stream", s.key, "upstream", t.Up, "err", err)
		}
		select {
		case <-r.ctx.Done():
		case <-s.done:
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// pullFrom reads the stream from up until the connection ends, the
// tree moves this node to another upstream, or the source idles.
func (r *rtc) pullFrom(s *source, up common.Address) error {
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	dctx, dcancel := context.WithTimeout(ctx, 5*time.Second)
	c, err := r.host.Dial(dctx, "tcp", fmt.Sprintf("%s:%d", up.Hex(), RTCPort))
	dcancel()
	if err != nil {
		return fmt.Errorf("stream: rtc dial %s: %w", up, err)
	}
	defer c.Close()
	r.wg.Add(1)
	go func() { // the watcher: the tree moved, the source idles, or close
		defer r.wg.Done()
		defer c.Close()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.done:
				return
			case <-tick.C:
				t, err := r.svc.tree(ctx, s.key)
				if err != nil || t.Up != up || s.idle(pullLinger) {
					return
				}
			}
		}
	}()
	var wmu sync.Mutex // guards writes to c
	if _, err := writeRTC(c, nil, encWant(s.key)); err != nil {
		return err
	}
	f, err := readRTC(c)
	if err != nil {
		return err
	}
	m, err := decodeRTC(f)
	switch {
	case err != nil:
		return err
	case m.typ == rtcEnd:
		return fmt.Errorf("%w: %s: %s", ErrNoMedia, up, m.reason)
	case m.typ != rtcTracks:
		return fmt.Errorf("%w: rtc: type %d before Tracks", ErrMalformed, m.typ)
	}
	s.setTracks(m.tracks)
	remap := s.remap(m.tracks)
	s.setKeyframe(func(track int) {
		wmu.Lock()
		defer wmu.Unlock()
		writeRTC(c, nil, encPLI(track))
	})
	defer s.setKeyframe(nil)
	for i, t := range m.tracks { // a new upstream: start from a keyframe
		if t.Kind == kindVideo && remap[i] >= 0 {
			s.askKeyframe(remap[i])
		}
	}
	for {
		f, err := readRTC(c)
		if err != nil {
			return err
		}
		m, err := decodeRTC(f)
		if err != nil {
			return err
		}
		switch m.typ {
		case rtcRTP:
			switch t := remap[m.track]; {
			case t == m.track:
				s.send(f)
			case t >= 0:
				s.send(encRTP(t, m.pkt))
			}
		case rtcEnd:
			return fmt.Errorf("%w: %s: %s", ErrNoMedia, up, m.reason)
		}
	}
}

// ingestRTP makes the frame of a packet a WHIP session received: the
// header extensions, whose IDs only that session negotiated, are
// dropped.
func ingestRTP(track int, b []byte) ([]byte, error) {
	var p rtp.Packet
	if err := p.Unmarshal(b); err != nil {
		return nil, fmt.Errorf("%w: rtp: %v", ErrMalformed, err)
	}
	p.Header.Extension, p.Header.Extensions, p.Header.ExtensionProfile = false, nil, 0
	raw, err := p.Marshal()
	if err != nil {
		return nil, fmt.Errorf("stream: rtp: %w", err)
	}
	return encRTP(track, raw), nil
}

// trackInfo describes a negotiated codec.
func trackInfo(kind webrtc.RTPCodecType, c webrtc.RTPCodecParameters) TrackInfo {
	t := TrackInfo{Kind: kindAudio, MimeType: c.MimeType, ClockRate: c.ClockRate, Channels: uint8(c.Channels), Fmtp: c.SDPFmtpLine}
	if kind == webrtc.RTPCodecTypeVideo {
		t.Kind = kindVideo
	}
	return t
}

// ErrBusy: a stream that already has a WHIP publisher on this node.
var ErrBusy = errors.New("stream: busy")
