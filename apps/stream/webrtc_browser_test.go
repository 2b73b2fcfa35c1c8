package stream

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/link/mem"
)

// TestChromiumWebRTC drives both WebRTC ends with a browser: a page in
// headless Chromium publishes its (fake) camera and microphone by WHIP
// to alice's ingest, H.264 and Opus encoded by Chromium; a page in a
// second Chromium plays http://0xALICE.anynet/live/cam/whep by WHEP
// through bob's gateway as its web proxy, the media carried alice → bob
// on RTCPort over real nodes (gVisor, Noise), and reports from getStats
// that it decoded frames. ICE runs on loopback only: the nodes' pion
// gathers loopback candidates (loopbackICE), and Chromium, which leaves
// loopback out of its candidates by default, is started with
// --allow-loopback-in-peer-connection.
func TestChromiumWebRTC(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs two browsers")
	}
	chromium := needTool(t, "chromium")
	ctx := apptest.Ctx(t)
	n := apptest.NewNet(t, mem.Config{})
	alice := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	bob := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	aw := alice.node.Addr()

	started := time.Now()
	ingest := serveLoopback(t, &Ingest{Stream: alice.svc})
	pubPages := servePages(t)
	pub := startChromium(t, chromium, "", "http://"+pubPages.addr+"/whip.html?url="+url.QueryEscape("http://"+ingest+"/whip/cam")+"&token="+alice.svc.IngestKey())
	r := pubPages.wait(t, ctx, pub, 2*time.Minute)
	if !r.OK || r.Fatal != "" || !strings.HasPrefix(r.Location, "/whip/cam/") || r.Codec != "video/H264" {
		t.Fatalf("WHIP publisher: %+v\nchromium:\n%s", r, pub.output())
	}
	t.Logf("Chromium publishes by WHIP: %s, %d frames encoded, session %s", r.Codec, r.Encoded, r.Location)

	gw := serveLoopback(t, &Gateway{Stream: bob.svc})
	viewPages := servePages(t)
	target := "http://" + strings.ToLower(aw.Hex()) + ".anynet/live/cam/whep"
	view := startChromium(t, chromium, gw, "http://"+viewPages.addr+"/whep.html?frames=50&url="+url.QueryEscape(target))
	v := viewPages.wait(t, ctx, view, 2*time.Minute)
	if !v.OK || v.Fatal != "" || v.Decoded < 50 || v.Codec != "video/H264" || v.Width == 0 || v.Audio == 0 {
		t.Fatalf("WHEP viewer: %+v\nchromium:\n%s", v, view.output())
	}
	st, err := bob.svc.Status(ctx)
	if err != nil || len(st.Streams) != 1 || st.Streams[0].Upstream != aw {
		t.Fatalf("bob's node did not carry the stream: %+v %v", st, err)
	}
	t.Logf("Chromium plays by WHEP through bob: %s %d px wide, %d frames decoded in %d ms, %d audio packets; %v from the first launch",
		v.Codec, v.Width, v.Decoded, v.MS, v.Audio, time.Since(started).Round(100*time.Millisecond))
}
