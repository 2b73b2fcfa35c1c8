package stream

import (
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/link/mem"
)

// TestHLSJS plays a live stream in a real player: ffmpeg pushes a test
// pattern as LL-HLS (0.2 s parts) to alice's ingest; a page in headless
// Chromium, served from another origin, loads hls.js (from npm) and
// plays http://0xALICE.anynet/live/cam/index.m3u8 through bob's
// gateway as the browser's web proxy (over real nodes: gVisor, Noise).
// The page reports that video.currentTime advanced 3 s and that hls.js
// raised no fatal error.
func TestHLSJS(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ffmpeg and a browser")
	}
	ffmpeg, chromium := needTool(t, "ffmpeg"), needTool(t, "chromium")
	needHLSJS(t)
	ctx := apptest.Ctx(t)
	n := apptest.NewNet(t, mem.Config{})
	alice := upMember(t, ctx, n, Config{})
	bob := upMember(t, ctx, n, Config{})
	aw := alice.node.Addr()

	ingest := serveLoopback(t, &Ingest{Stream: alice.svc, Parts: 5})
	enc := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-re",
		"-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
		"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "5", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
		"-f", "hls", "-hls_time", "0.2", "-hls_list_size", "10", "-method", "PUT",
		"http://"+ingest+"/"+alice.svc.IngestKey()+"/cam/index.m3u8")
	enc.Stderr = os.Stderr
	if err := enc.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { enc.Process.Kill(); enc.Wait() }()
	waitFor(t, ctx, "alice publishes", func() bool {
		v, err := alice.svc.Playlist(ctx, Key{Owner: aw, Name: "cam"})
		return err == nil && len(v.Held) >= 5
	})

	gw := serveLoopback(t, &Gateway{Stream: bob.svc})
	pages := servePages(t)
	src := "http://" + strings.ToLower(aw.Hex()) + ".anynet/live/cam/index.m3u8"
	started := time.Now()
	b := startChromium(t, chromium, gw, "http://"+pages.addr+"/hls.html?seconds=3&src="+url.QueryEscape(src))
	r := pages.wait(t, ctx, b, 2*time.Minute)
	if !r.OK || r.Fatal != "" {
		t.Fatalf("hls.js: %+v\nchromium:\n%s", r, b.output())
	}
	if r.Played < 3 || r.Decoded == 0 || r.Width != 320 || !r.LowLatency {
		t.Fatalf("hls.js played %.2f s, %d frames decoded, %d px wide, low latency %v; want 3 s of 320 px LL-HLS", r.Played, r.Decoded, r.Width, r.LowLatency)
	}
	st, err := bob.svc.Status(ctx)
	if err != nil || len(st.Streams) != 1 || st.Streams[0].Upstream != aw || st.Streams[0].Last == 0 {
		t.Fatalf("bob's node did not carry the stream: %+v %v", st, err)
	}
	t.Logf("hls.js %s played %.1f s (currentTime %.1f), %d frames decoded, %d dropped, live latency %.2f s, non-fatal errors %v; %v from launch",
		r.Version, r.Played, r.CurrentTime, r.Decoded, r.Dropped, r.Latency, r.Errors, time.Since(started).Round(100*time.Millisecond))
}
