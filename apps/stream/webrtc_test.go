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

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/link/mem"
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
// ends; every access unit carries its send time in an SEI.
func publishWHIP(t testing.TB, ctx context.Context, api *webrtc.API, ingest, token, name string, m testMedia) string {
	t.Helper()
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	video, _ := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264}, "video", "cam")
	audio, _ := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "audio", "cam")
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

// TestWebRTCEndToEnd, with real layers (pion on both ends, gVisor,
// Noise): a pion client publishes H.264 and Opus (made by ffmpeg) by
// WHIP to alice's ingest; alice (fan-out 2) serves relays carol and
// dave and redirects bob to one of them; a pion client plays by WHEP
// from bob's gateway, http://0xALICE.anynet/live/cam/whep, the media
// carried alice → relay → bob on RTCPort. Each frame carries its send
// time in an SEI: the test reports glass-to-glass latency. Then bob's
// relay is killed: bob's node follows the tree to the other relay and
// the frames go on.
func TestWebRTCEndToEnd(t *testing.T) {
	ffmpeg := needTool(t, "ffmpeg")
	ctx := apptest.Ctx(t)
	m := makeMedia(t, ctx, ffmpeg)
	n := apptest.NewNet(t, mem.Config{})
	alice := upMember(t, ctx, n, Config{Core: CoreConfig{Fanout: 2}, WebRTC: loopbackICE()})
	carol := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	dave := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	bob := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	aw := alice.node.Addr()
	api := clientAPI(t)

	ingest := serveLoopback(t, &Ingest{Stream: alice.svc})
	pctx, stopPublishing := context.WithCancel(ctx)
	defer stopPublishing()
	if loc := publishWHIP(t, pctx, api, ingest, alice.svc.IngestKey(), "cam", m); !strings.HasPrefix(loc, "/whip/cam/") {
		t.Fatalf("WHIP Location %q", loc)
	}
	for _, r := range []*member{carol, dave} {
		if _, err := r.svc.Watch(ctx, aw.Hex(), "cam", 10); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, ctx, "both relays known to alice", func() bool {
		st, _ := alice.svc.Status(ctx)
		return len(st.Streams) == 1 && st.Streams[0].Relays == 2 && st.Streams[0].Children == 2
	})

	gw := serveLoopback(t, &Gateway{Stream: bob.svc})
	v := watchWHEP(t, ctx, api, gw, "http://"+strings.ToLower(aw.Hex())+".anynet/live/cam/whep")
	waitFor(t, ctx, "frames at bob's viewer", func() bool { return v.count() >= 75 })
	st, _ := bob.svc.Status(ctx)
	relay := st.Streams[0].Upstream
	if relay != carol.node.Addr() && relay != dave.node.Addr() {
		t.Fatalf("bob's upstream is %s, not a relay", relay)
	}
	lat, _ := v.since(0)

	killed, other := carol, dave
	if relay == dave.node.Addr() {
		killed, other = dave, carol
	}
	before := v.count()
	killedAt := time.Now()
	killed.down(n) // its service closes, then its node leaves the network
	waitFor(t, ctx, "bob on the other relay", func() bool {
		st, _ := bob.svc.Status(ctx)
		return st.Streams[0].Upstream == other.node.Addr() && st.Streams[0].Joined
	})
	switched := time.Since(killedAt)
	waitFor(t, ctx, "frames after the failover", func() bool { return v.count() >= before+100 })
	_, arrivals := v.since(max(before-1, 0))
	after, _ := v.since(before + 50) // settled on the new relay
	v.mu.Lock()
	audio, idr := v.audio, v.idr
	v.mu.Unlock()
	if audio == 0 || idr < 2 {
		t.Fatalf("bob's viewer got %d Opus packets, %d IDR pictures", audio, idr)
	}
	for i := 1; i < len(lat); i++ {
		if lat[i] <= 0 {
			t.Fatalf("frame %d: latency %v: the clock ran backwards", i, lat[i])
		}
	}
	t.Logf("WebRTC glass-to-glass at bob (alice → relay → bob): p50 %v p95 %v over %d frames; after the failover p50 %v p95 %v over %d",
		percentile(lat, 50).Round(time.Millisecond), percentile(lat, 95).Round(time.Millisecond), len(lat),
		percentile(after, 50).Round(time.Millisecond), percentile(after, 95).Round(time.Millisecond), len(after))
	t.Logf("relay %s killed: longest gap between frames %v (bob joined %s within %v); %d Opus packets, %d IDR pictures",
		relay, maxGap(arrivals).Round(time.Millisecond), other.node.Addr(), switched.Round(time.Millisecond), audio, idr)
}

// BenchmarkWebRTCLatency measures glass-to-glass latency of WHEP
// viewers while a pion client publishes by WHIP to alice: one on
// alice's own gateway (the baseline: pion in, pion out, no overlay)
// and one on bob's, the media carried across the overlay (gVisor,
// Noise) on RTCPort through relay carol (alice's fan-out is 1, taken by
// carol). Each iteration is one frame at bob's viewer (25 fps). Run:
//
//	go test ./apps/stream -run '^$' -bench WebRTCLatency -benchtime 250x
func BenchmarkWebRTCLatency(b *testing.B) {
	ffmpeg := needTool(b, "ffmpeg")
	ctx := apptest.Ctx(b)
	m := makeMedia(b, ctx, ffmpeg)
	n := apptest.NewNet(b, mem.Config{})
	alice := upMember(b, ctx, n, Config{Core: CoreConfig{Fanout: 1}, WebRTC: loopbackICE()})
	carol := upMember(b, ctx, n, Config{WebRTC: loopbackICE()})
	bob := upMember(b, ctx, n, Config{WebRTC: loopbackICE()})
	api := clientAPI(b)
	ingest := serveLoopback(b, &Ingest{Stream: alice.svc})
	publishWHIP(b, ctx, api, ingest, alice.svc.IngestKey(), "cam", m)
	if _, err := carol.svc.Watch(ctx, alice.node.Addr().Hex(), "cam", 10); err != nil {
		b.Fatal(err)
	}
	waitFor(b, ctx, "carol relays", func() bool {
		st, _ := alice.svc.Status(ctx)
		return len(st.Streams) == 1 && st.Streams[0].Relays == 1
	})
	url := "http://" + strings.ToLower(alice.node.Addr().Hex()) + ".anynet/live/cam/whep"
	local := watchWHEP(b, ctx, api, serveLoopback(b, &Gateway{Stream: alice.svc}), url)
	remote := watchWHEP(b, ctx, api, serveLoopback(b, &Gateway{Stream: bob.svc}), url)
	waitFor(b, ctx, "frames at both viewers", func() bool { return local.count() >= 25 && remote.count() >= 25 })
	if st, _ := bob.svc.Status(ctx); st.Streams[0].Upstream != carol.node.Addr() {
		b.Fatalf("bob's upstream is %s, not relay carol", st.Streams[0].Upstream)
	}
	l0, r0 := local.count(), remote.count()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		waitFor(b, ctx, "a frame", func() bool { return remote.count() > r0+i })
	}
	b.StopTimer()
	ll, _ := local.since(l0)
	rl, _ := remote.since(r0)
	b.ReportMetric(float64(percentile(rl, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(rl, 95).Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(percentile(ll, 95).Microseconds())/1000, "local-p95-ms")
	b.ReportMetric(float64(percentile(rl, 95))/float64(max(percentile(ll, 95), time.Microsecond)), "p95/local")
	b.ReportMetric(0, "ns/op")
}

// TestWHIPSessions drives the WHIP endpoint's answers with a pion
// client: the bearer key, the media type, one publisher per stream,
// no trickle ICE, DELETE.
func TestWHIPSessions(t *testing.T) {
	ctx := apptest.Ctx(t)
	n := apptest.NewNet(t, mem.Config{})
	alice := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	ingest := "http://" + serveLoopback(t, &Ingest{Stream: alice.svc})
	api := clientAPI(t)
	offer := func() string {
		pc, err := api.NewPeerConnection(webrtc.Configuration{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pc.Close() })
		video, _ := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264}, "video", "cam")
		if _, err := pc.AddTransceiverFromTrack(video, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err != nil {
			t.Fatal(err)
		}
		o, _ := pc.CreateOffer(nil)
		gathered := webrtc.GatheringCompletePromise(pc)
		pc.SetLocalDescription(o)
		<-gathered
		return pc.LocalDescription().SDP
	}
	do := func(method, path, ctype, token, body string) *http.Response {
		req, _ := http.NewRequestWithContext(ctx, method, ingest+path, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	key := alice.svc.IngestKey()
	sdp := offer()
	for _, c := range []struct {
		name, method, path, ctype, token string
		want                             int
	}{
		{"no key", "POST", "/whip/cam", "application/sdp", "", http.StatusUnauthorized},
		{"wrong key", "POST", "/whip/cam", "application/sdp", key + "x", http.StatusUnauthorized},
		{"not SDP", "POST", "/whip/cam", "text/plain", key, http.StatusUnsupportedMediaType},
		{"bad name", "POST", "/whip/Cam", "application/sdp", key, http.StatusBadRequest},
		{"first", "POST", "/whip/cam", "application/sdp", key, http.StatusCreated},
		{"second publisher", "POST", "/whip/cam", "application/sdp", key, http.StatusConflict},
	} {
		if resp := do(c.method, c.path, c.ctype, c.token, sdp); resp.StatusCode != c.want {
			t.Fatalf("%s: %s, want %d", c.name, resp.Status, c.want)
		}
	}
	var loc string
	alice.svc.rtc.mu.Lock()
	for id, s := range alice.svc.rtc.sessions {
		loc = "/whip/cam/" + id
		if !s.whip || s.key.Name != "cam" {
			t.Fatalf("session %+v", s)
		}
	}
	alice.svc.rtc.mu.Unlock()
	if resp := do("PATCH", loc, "application/trickle-ice-sdpfrag", key, ""); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("PATCH: %s", resp.Status)
	}
	if resp := do("DELETE", loc, "", "", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("DELETE without the key: %s", resp.Status)
	}
	if resp := do("DELETE", loc, "", key, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE: %s", resp.Status)
	}
	if resp := do("DELETE", loc, "", key, ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("DELETE again: %s", resp.Status)
	}
	if resp := do("POST", "/whip/cam", "application/sdp", key, offer()); resp.StatusCode != http.StatusCreated {
		t.Fatalf("a new publisher after DELETE: %s", resp.Status)
	}
}

// TestRTCPortServesChildrenOnly: a wallet that is not a child of the
// node in the stream's tree gets End, not media.
func TestRTCPortServesChildrenOnly(t *testing.T) {
	ctx := apptest.Ctx(t)
	n := apptest.NewNet(t, mem.Config{})
	alice := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	eve := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	k, err := alice.svc.Publish(ctx, "cam", 0)
	if err != nil {
		t.Fatal(err)
	}
	c, err := eve.node.Dial(ctx, "tcp", fmt.Sprintf("%s:%d", alice.node.Addr().Hex(), RTCPort))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := writeRTC(c, nil, encWant(k)); err != nil {
		t.Fatal(err)
	}
	f, err := readRTC(c)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := decodeRTC(f); err != nil || m.typ != rtcEnd || !strings.Contains(m.reason, "not a child") {
		t.Fatalf("a stranger's Want: %+v %v", m, err)
	}
}

// TestWebRTCPublisherReturns: the encoder ends its WHIP session
// (DELETE) and publishes again; bob's WHEP session stays up and its
// frames come back.
func TestWebRTCPublisherReturns(t *testing.T) {
	ffmpeg := needTool(t, "ffmpeg")
	ctx := apptest.Ctx(t)
	m := makeMedia(t, ctx, ffmpeg)
	n := apptest.NewNet(t, mem.Config{})
	alice := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	bob := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	api := clientAPI(t)
	ingest := serveLoopback(t, &Ingest{Stream: alice.svc})
	key := alice.svc.IngestKey()

	first, stopFirst := context.WithCancel(ctx)
	loc := publishWHIP(t, first, api, ingest, key, "cam", m)
	v := watchWHEP(t, ctx, api, serveLoopback(t, &Gateway{Stream: bob.svc}), "http://"+strings.ToLower(alice.node.Addr().Hex())+".anynet/live/cam/whep")
	waitFor(t, ctx, "frames", func() bool { return v.count() >= 25 })

	stopFirst()
	req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, "http://"+ingest+loc, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE %s: %v %v", loc, resp, err)
	}
	resp.Body.Close()
	waitFor(t, ctx, "alice without a WHIP source", func() bool { return alice.svc.rtc.local(Key{alice.node.Addr(), "cam"}) == nil })
	time.Sleep(300 * time.Millisecond) // the last packets in flight land
	before := v.count()

	publishWHIP(t, ctx, api, ingest, key, "cam", m)
	waitFor(t, ctx, "frames from the second session", func() bool { return v.count() >= before+50 })
	if st := v.pc.ConnectionState(); st != webrtc.PeerConnectionStateConnected {
		t.Fatalf("bob's WHEP session is %s", st)
	}
	t.Logf("%d frames, then %d more after the publisher came back", before, v.count()-before)
}
