package stream

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/internal/testwait"
	"github.com/anynet/anynet/link/mem"
	"github.com/pion/webrtc/v4"
)

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
	t.Parallel()
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
	testwait.Until(t, ctx, "both relays known to alice", func() bool {
		st, _ := alice.svc.Status(ctx)
		return len(st.Streams) == 1 && st.Streams[0].Relays == 2 && st.Streams[0].Children == 2
	})

	gw := serveLoopback(t, &Gateway{Stream: bob.svc})
	v := watchWHEP(t, ctx, api, gw, "http://"+strings.ToLower(aw.Hex())+".anynet/live/cam/whep")
	testwait.Until(t, ctx, "frames at bob's viewer", func() bool { return v.count() >= 75 })
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
	testwait.Until(t, ctx, "bob on the other relay", func() bool {
		st, _ := bob.svc.Status(ctx)
		return st.Streams[0].Upstream == other.node.Addr() && st.Streams[0].Joined
	})
	switched := time.Since(killedAt)
	testwait.Until(t, ctx, "frames after the failover", func() bool { return v.count() >= before+100 })
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
	testwait.Until(b, ctx, "carol relays", func() bool {
		st, _ := alice.svc.Status(ctx)
		return len(st.Streams) == 1 && st.Streams[0].Relays == 1
	})
	url := "http://" + strings.ToLower(alice.node.Addr().Hex()) + ".anynet/live/cam/whep"
	local := watchWHEP(b, ctx, api, serveLoopback(b, &Gateway{Stream: alice.svc}), url)
	remote := watchWHEP(b, ctx, api, serveLoopback(b, &Gateway{Stream: bob.svc}), url)
	testwait.Until(b, ctx, "frames at both viewers", func() bool { return local.count() >= 25 && remote.count() >= 25 })
	if st, _ := bob.svc.Status(ctx); st.Streams[0].Upstream != carol.node.Addr() {
		b.Fatalf("bob's upstream is %s, not relay carol", st.Streams[0].Upstream)
	}
	l0, r0 := local.count(), remote.count()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		testwait.Until(b, ctx, "a frame", func() bool { return remote.count() > r0+i })
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
// frames come back. The second session's RTP sequence numbers start
// far behind the first's (an encoder picks them at random): a viewer's
// SRTP replay window drops packets behind the newest it took, so bob's
// node must carry the numbers on from the first session's.
func TestWebRTCPublisherReturns(t *testing.T) {
	t.Parallel()
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
	loc := publishWHIP(t, first, api, ingest, key, "cam", m, webrtc.WithRTPSequenceNumber(30000))
	v := watchWHEP(t, ctx, api, serveLoopback(t, &Gateway{Stream: bob.svc}), "http://"+strings.ToLower(alice.node.Addr().Hex())+".anynet/live/cam/whep")
	testwait.Until(t, ctx, "frames", func() bool { return v.count() >= 25 })

	stopFirst()
	req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, "http://"+ingest+loc, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE %s: %v %v", loc, resp, err)
	}
	resp.Body.Close()
	testwait.Until(t, ctx, "alice without a WHIP source", func() bool { return alice.svc.rtc.local(Key{alice.node.Addr(), "cam"}) == nil })
	time.Sleep(300 * time.Millisecond) // the last packets in flight land
	before := v.count()

	publishWHIP(t, ctx, api, ingest, key, "cam", m, webrtc.WithRTPSequenceNumber(1000))
	// A hang here is a bug, not a slow machine: fail well within the
	// test's context, saying where the media stopped.
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	testwait.UntilOr(t, wctx, "frames from the second session", func() bool { return v.count() >= before+50 }, func() {
		t.Logf("bob's viewer: %d frames, %d before the second session; %s", v.count(), before, rtpStats(v.pc, "inbound-rtp"))
		t.Logf("alice:\n%s", alice.svc.rtc.dump(ctx))
		t.Logf("bob:\n%s", bob.svc.rtc.dump(ctx))
		var b strings.Builder
		pprof.Lookup("goroutine").WriteTo(&b, 1)
		t.Logf("goroutines:\n%s", b.String())
	})
	if st := v.pc.ConnectionState(); st != webrtc.PeerConnectionStateConnected {
		t.Fatalf("bob's WHEP session is %s", st)
	}
	t.Logf("%d frames, then %d more after the publisher came back", before, v.count()-before)
}
