package stream

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/h264reader"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
)

// loopbackICE keeps every WebRTC candidate of a test on loopback.
func loopbackICE() *webrtc.SettingEngine {
	se := &webrtc.SettingEngine{}
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	return se
}

// clientAPI is the test's WebRTC clients: pion with its default codecs
// (VP8, VP9, AV1, H.264, Opus, …) and interceptors, as an application
// built on pion would be.
func clientAPI(t testing.TB) *webrtc.API {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(*loopbackICE()))
}

// seiUUID marks the SEI (user data unregistered) in which the test's
// publisher writes each frame's send time as 16 hex digits of Unix
// microseconds; no zero bytes, so no emulation prevention is needed.
var seiUUID = []byte("anynet-glass-ts!")

func seiNAL(at time.Time) []byte {
	b := []byte{0, 0, 0, 1, 0x06, 0x05, byte(len(seiUUID) + 16)}
	b = append(b, seiUUID...)
	b = fmt.Appendf(b, "%016x", at.UnixMicro())
	return append(b, 0x80)
}

// seiTime finds the send time in an access unit's bytes.
func seiTime(b []byte) (time.Time, bool) {
	i := bytes.Index(b, seiUUID)
	if i < 0 || len(b) < i+len(seiUUID)+16 {
		return time.Time{}, false
	}
	us, err := strconv.ParseInt(string(b[i+len(seiUUID):i+len(seiUUID)+16]), 16, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMicro(us), true
}

// encode runs ffmpeg on a generated source and returns its output.
func encode(t testing.TB, ctx context.Context, ffmpeg string, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(ctx, ffmpeg, append([]string{"-hide_banner", "-loglevel", "error"}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

// accessUnits splits an H.264 Annex B stream (one slice per picture)
// into access units: the parameter sets and SEI before a picture, then
// the picture.
func accessUnits(t testing.TB, b []byte) [][]byte {
	r, err := h264reader.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var aus [][]byte
	var cur []byte
	for {
		nal, err := r.NextNAL()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		cur = append(cur, 0, 0, 0, 1)
		cur = append(cur, nal.Data...)
		if nal.UnitType == h264reader.NalUnitTypeCodedSliceNonIdr || nal.UnitType == h264reader.NalUnitTypeCodedSliceIdr {
			aus = append(aus, cur)
			cur = nil
		}
	}
	return aus
}

// oggPackets returns the Opus packets of an Ogg stream (one a page, as
// ffmpeg writes 20 ms frames).
func oggPackets(t testing.TB, b []byte) [][]byte {
	r, _, err := oggreader.NewWith(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var ps [][]byte
	for {
		page, _, err := r.ParseNextPage()
		if err != nil {
			break
		}
		if bytes.HasPrefix(page, []byte("OpusHead")) || bytes.HasPrefix(page, []byte("OpusTags")) {
			continue
		}
		ps = append(ps, page)
	}
	return ps
}

// media is a generated test pattern (H.264, 25 fps, a keyframe a
// second) and a tone (Opus, 20 ms packets).
type testMedia struct {
	video [][]byte
	audio [][]byte
}

func makeMedia(t testing.TB, ctx context.Context, ffmpeg string) testMedia {
	v := encode(t, ctx, ffmpeg, "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "4",
		"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-threads", "1", "-g", "25", "-bf", "0",
		"-profile:v", "baseline", "-pix_fmt", "yuv420p", "-f", "h264", "-")
	a := encode(t, ctx, ffmpeg, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "4",
		"-c:a", "libopus", "-b:a", "32k", "-frame_duration", "20", "-page_duration", "20000", "-f", "ogg", "-")
	m := testMedia{video: accessUnits(t, v), audio: oggPackets(t, a)}
	if len(m.video) < 50 || len(m.audio) < 100 {
		t.Fatalf("ffmpeg made %d access units, %d Opus packets", len(m.video), len(m.audio))
	}
	return m
}

// sdpExchange POSTs pc's offer (every candidate gathered) to url and
// applies the answer; it returns the session's Location.
func sdpExchange(t testing.TB, ctx context.Context, client *http.Client, pc *webrtc.PeerConnection, url, token string) string {
	t.Helper()
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(pc.LocalDescription().SDP))
	req.Header.Set("Content-Type", "application/sdp")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Content-Type") != "application/sdp" {
		t.Fatalf("POST %s: %s %s", url, resp.Status, body)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)}); err != nil {
		t.Fatal(err)
	}
	return resp.Header.Get("Location")
}

// publishWHIP publishes m, looped, through WHIP at ingest until ctx
// ends; every access unit carries its send time in an SEI. opts apply
// to both tracks (e.g. webrtc.WithRTPSequenceNumber).
func publishWHIP(t testing.TB, ctx context.Context, api *webrtc.API, ingest, token, name string, m testMedia, opts ...func(*webrtc.TrackLocalStaticRTP)) string {
	t.Helper()
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	video, _ := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264}, "video", "cam", opts...)
	audio, _ := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "audio", "cam", opts...)
	for _, tr := range []webrtc.TrackLocal{video, audio} {
		snd, err := pc.AddTransceiverFromTrack(tr, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			t.Fatal(err)
		}
		go func() { // RTCP must be read for the interceptors
			for {
				if _, _, err := snd.Sender().ReadRTCP(); err != nil {
					return
				}
			}
		}()
	}
	loc := sdpExchange(t, ctx, http.DefaultClient, pc, "http://"+ingest+"/whip/"+name, token)
	go func() {
		tick := time.NewTicker(40 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ctx.Err() == nil; i++ {
			au := m.video[i%len(m.video)]
			video.WriteSample(media.Sample{Data: append(seiNAL(time.Now()), au...), Duration: 40 * time.Millisecond})
			audio.WriteSample(media.Sample{Data: m.audio[(2*i)%len(m.audio)], Duration: 20 * time.Millisecond})
			audio.WriteSample(media.Sample{Data: m.audio[(2*i+1)%len(m.audio)], Duration: 20 * time.Millisecond})
			select {
			case <-ctx.Done():
			case <-tick.C:
			}
		}
	}()
	return loc
}

// viewer is a WHEP client that records each frame's glass-to-glass
// latency: from the SEI send time to the arrival of the access unit's
// last packet (RTP marker).
type viewer struct {
	pc *webrtc.PeerConnection

	mu     sync.Mutex // guards the fields below
	frames []time.Time
	lat    []time.Duration
	audio  int
	idr    int
}

func watchWHEP(t testing.TB, ctx context.Context, api *webrtc.API, gateway, target string) *viewer {
	t.Helper()
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	v := &viewer{pc: pc}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		if tr.Kind() == webrtc.RTPCodecTypeAudio {
			for {
				if _, _, err := tr.ReadRTP(); err != nil {
					return
				}
				v.mu.Lock()
				v.audio++
				v.mu.Unlock()
			}
		}
		var dep codecs.H264Packet
		var sent time.Time // of the access unit under way
		for {
			p, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			b, err := dep.Unmarshal(p.Payload)
			if err != nil {
				continue
			}
			if at, ok := seiTime(b); ok {
				sent = at
			}
			now := time.Now()
			v.mu.Lock()
			if bytes.Contains(b, []byte{0, 0, 0, 1, 0x65}) || bytes.Contains(b, []byte{0, 0, 1, 0x65}) {
				v.idr++
			}
			if p.Marker && !sent.IsZero() { // the access unit's last packet: the frame is here
				v.frames = append(v.frames, now)
				v.lat = append(v.lat, now.Sub(sent))
				sent = time.Time{}
			}
			v.mu.Unlock()
		}
	})
	proxy, _ := url.Parse("http://" + gateway)
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
	loc := sdpExchange(t, ctx, client, pc, target, "")
	if !strings.Contains(loc, "/whep/") {
		t.Fatalf("WHEP Location %q", loc)
	}
	return v
}

func (v *viewer) count() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.frames)
}

// since returns the latencies and arrival times of frames from i on.
func (v *viewer) since(i int) ([]time.Duration, []time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.lat[i:]), slices.Clone(v.frames[i:])
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return -1
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func maxGap(ts []time.Time) time.Duration {
	var g time.Duration
	for i := 1; i < len(ts); i++ {
		g = max(g, ts[i].Sub(ts[i-1]))
	}
	return g
}

// dump describes r's sources and sessions and k's tree for a test
// that failed: where the media stopped.
func (r *rtc) dump(ctx context.Context) string {
	var b strings.Builder
	r.mu.Lock()
	srcs := make([]*source, 0, len(r.sources))
	for _, s := range r.sources {
		srcs = append(srcs, s)
	}
	ss := make([]*session, 0, len(r.sessions))
	for _, s := range r.sessions {
		ss = append(ss, s)
	}
	r.mu.Unlock()
	for _, s := range srcs {
		s.mu.Lock()
		fmt.Fprintf(&b, "  source %s local=%v ended=%v tracks=%d subs=%d idle since %v keyframe=%v dropped=%d\n",
			s.key, s.local, s.ended(), len(s.tracks), len(s.subs), s.idleAt.Format(time.StampMilli), s.keyframe != nil, s.dropped.Load())
		for u := range s.subs {
			fmt.Fprintf(&b, "    sub queue %d/%d\n", len(u.q), cap(u.q))
		}
		s.mu.Unlock()
		t, err := r.svc.tree(ctx, s.key)
		fmt.Fprintf(&b, "    tree %+v %v\n", t, err)
	}
	for _, s := range ss {
		fmt.Fprintf(&b, "  session %s %s whip=%v %s; %s\n", s.id, s.key, s.whip, s.pc.ConnectionState(), rtpStats(s.pc, "outbound-rtp", "inbound-rtp"))
	}
	return b.String()
}

// rtpStats lists pc's RTP stream statistics of the given types.
func rtpStats(pc *webrtc.PeerConnection, types ...string) string {
	var out []string
	for _, st := range pc.GetStats() {
		switch s := st.(type) {
		case webrtc.InboundRTPStreamStats:
			if slices.Contains(types, "inbound-rtp") {
				out = append(out, fmt.Sprintf("in %s ssrc %d: %d packets, %d lost, %d NACKs", s.Kind, s.SSRC, s.PacketsReceived, s.PacketsLost, s.NACKCount))
			}
		case webrtc.OutboundRTPStreamStats:
			if slices.Contains(types, "outbound-rtp") {
				out = append(out, fmt.Sprintf("out %s ssrc %d: %d packets, %d NACKs", s.Kind, s.SSRC, s.PacketsSent, s.NACKCount))
			}
		}
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}
