package stream

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/internal/testwait"
	"github.com/anynet/anynet/link/mem"
)

// pushTestPattern runs ffmpeg until the test ends, pushing a 320×240
// test pattern at 25 fps to m's ingest as stream "cam" in LL-HLS: 0.2 s
// parts (a keyframe each), five to a segment; it returns once m holds
// five parts.
func pushTestPattern(t *testing.T, ctx context.Context, ffmpeg string, m *member) {
	t.Helper()
	ingest := serveLoopback(t, &Ingest{Stream: m.svc, Parts: 5})
	enc := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-re",
		"-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
		"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "5", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
		"-f", "hls", "-hls_time", "0.2", "-hls_list_size", "10", "-method", "PUT",
		"http://"+ingest+"/"+m.svc.IngestKey()+"/cam/index.m3u8")
	enc.Stderr = os.Stderr
	if err := enc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { enc.Process.Kill(); enc.Wait() })
	testwait.Until(t, ctx, "the publisher holds five parts", func() bool {
		v, err := m.svc.Playlist(ctx, Key{Owner: m.node.Addr(), Name: "cam"})
		return err == nil && len(v.Held) >= 5
	})
}

// TestHLSJS plays a live stream in a real player: ffmpeg pushes a test
// pattern as LL-HLS (0.2 s parts) to alice's ingest; a page in headless
// Chromium, served from another origin, loads hls.js (from npm) and
// plays http://0xALICE.anynet/live/cam/index.m3u8 through bob's
// gateway as the browser's web proxy (over real nodes: gVisor, Noise).
// The page reports that video.currentTime advanced 3 s and that hls.js
// raised no fatal error.
func TestHLSJS(t *testing.T) {
	t.Parallel()
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

	pushTestPattern(t, ctx, ffmpeg, alice)
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

// TestVLC plays the live stream in VLC (Debian's cvlc; .ci/run installs
// it): ffmpeg pushes LL-HLS to alice, VLC opens
// http://0xALICE.anynet/live/cam/index.m3u8 through bob's gateway as its
// HTTP proxy, headless (dummy interface, video and audio outputs), for
// 5 s; its scene filter writes every decoded frame as a PNG, which the
// test counts. VLC ignores the LL-HLS parts and plays the whole
// segments the playlist also lists. VLC refuses to run as root: then
// it runs as nobody.
func TestVLC(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs ffmpeg and VLC")
	}
	ffmpeg, cvlc := needTool(t, "ffmpeg"), needTool(t, "cvlc")
	ctx := apptest.Ctx(t)
	n := apptest.NewNet(t, mem.Config{})
	alice := upMember(t, ctx, n, Config{})
	bob := upMember(t, ctx, n, Config{})
	aw := alice.node.Addr()
	pushTestPattern(t, ctx, ffmpeg, alice)
	gw := serveLoopback(t, &Gateway{Stream: bob.svc})

	dir, err := os.MkdirTemp("", "anynet-vlc-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	src := "http://" + strings.ToLower(aw.Hex()) + ".anynet/live/cam/index.m3u8"
	vctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(vctx, cvlc, "-I", "dummy", "--vout", "dummy", "--aout", "dummy", "--no-audio",
		"--http-proxy", gw, "--run-time", "5", "--play-and-exit",
		"--video-filter", "scene", "--scene-path", dir, "--scene-ratio", "1", "--scene-prefix", "f", "--scene-format", "png", src)
	cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "http_proxy=http://" + gw}
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	started := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cvlc: %v\n%s", err, out)
	}
	frames, _ := filepath.Glob(filepath.Join(dir, "f*.png"))
	if len(frames) < 50 {
		t.Fatalf("VLC decoded %d frames in 5 s through bob's gateway; want ≥ 50\n%s", len(frames), out)
	}
	st, err := bob.svc.Status(ctx)
	if err != nil || len(st.Streams) != 1 || st.Streams[0].Upstream != aw {
		t.Fatalf("bob's node did not carry the stream: %+v %v", st, err)
	}
	t.Logf("VLC decoded %d frames in %v", len(frames), time.Since(started).Round(100*time.Millisecond))
}
