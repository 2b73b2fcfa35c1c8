package stream

import (
	"context"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/internal/testwait"
	"github.com/anynet/anynet/link/mem"
)

// TestWHIPPlaysByHLS, with real layers (pion, gVisor, Noise): a pion
// client publishes H.264 (a keyframe every 0.2 s) and Opus by WHIP to
// alice, whose ingest makes the stream LL-HLS in five parts a segment;
// alice's node remuxes the H.264 into MPEG-TS parts of her signed
// playlist. Alice (fan-out 1) serves relay carol, so bob's node joins
// through carol; bob's gateway serves
// http://0xALICE.anynet/live/cam/index.m3u8: the LL-HLS playlist (parts,
// blocking reload, preload hint) is read as hls.js does, ffprobe
// decodes two seconds of H.264 through it with steadily rising
// timestamps, and a whole segment fetched from it is 320x240 H.264 to
// ffprobe.
func TestWHIPPlaysByHLS(t *testing.T) {
	t.Parallel()
	ffmpeg, ffprobe := needTool(t, "ffmpeg"), needTool(t, "ffprobe")
	ctx := apptest.Ctx(t)
	v := encode(t, ctx, ffmpeg, "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "4",
		"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-threads", "1", "-g", "5", "-sc_threshold", "0", "-bf", "0",
		"-profile:v", "baseline", "-pix_fmt", "yuv420p", "-f", "h264", "-")
	a := encode(t, ctx, ffmpeg, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "4",
		"-c:a", "libopus", "-b:a", "32k", "-frame_duration", "20", "-page_duration", "20000", "-f", "ogg", "-")
	m := testMedia{video: accessUnits(t, v), audio: oggPackets(t, a)}
	n := apptest.NewNet(t, mem.Config{})
	alice := upMember(t, ctx, n, Config{Core: CoreConfig{Fanout: 1}, WebRTC: loopbackICE()})
	carol := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	bob := upMember(t, ctx, n, Config{WebRTC: loopbackICE()})
	aw := alice.node.Addr()

	ingest := serveLoopback(t, &Ingest{Stream: alice.svc, Parts: 5})
	publishWHIP(t, ctx, clientAPI(t), ingest, alice.svc.IngestKey(), "cam", m)
	k := Key{Owner: aw, Name: "cam"}
	testwait.Until(t, ctx, "alice's parts from WHIP", func() bool {
		v, err := alice.svc.Playlist(ctx, k)
		return err == nil && len(v.Held) >= 10
	})
	if _, err := carol.svc.Watch(ctx, aw.Hex(), "cam", 10); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, ctx, "carol relaying, known to alice as a relay", func() bool {
		st, _ := alice.svc.Status(ctx)
		return len(st.Streams) == 1 && st.Streams[0].Children == 1 && st.Streams[0].Relays == 1
	})

	gw := serveLoopback(t, &Gateway{Stream: bob.svc})
	url := "http://" + strings.ToLower(aw.Hex()) + ".anynet/live/cam/index.m3u8"
	checkLLHLS(t, ctx, gw, url)
	if st, _ := bob.svc.Status(ctx); len(st.Streams) != 1 || st.Streams[0].Upstream != carol.node.Addr() {
		t.Fatalf("bob's node does not play through relay carol: %+v", st.Streams)
	}
	pts := probe(t, ctx, ffprobe, gw, url, 2)
	if len(pts) < 25 {
		t.Fatalf("ffprobe decoded %d frames through bob's gateway", len(pts))
	}
	for i := 1; i < len(pts); i++ {
		if d := pts[i] - pts[i-1]; d <= 0 || d > 0.1 {
			t.Fatalf("frame %d: pts %.3f after %.3f", i, pts[i], pts[i-1])
		}
	}

	// A whole segment, as a player without LL-HLS fetches it.
	pu, _ := neturl.Parse("http://" + gw)
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}, Timeout: 20 * time.Second}
	pl := httpGet(t, ctx, c, url)
	_, seg, ok := strings.Cut(pl, "#EXTINF:1.000,\n")
	if !ok {
		t.Fatalf("no whole 1 s segment listed:\n%s", pl)
	}
	seg, _, _ = strings.Cut(seg, "\n")
	file := filepath.Join(t.TempDir(), seg)
	if err := os.WriteFile(file, []byte(httpGet(t, ctx, c, strings.TrimSuffix(url, "index.m3u8")+seg)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, ffprobe, "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", file).CombinedOutput()
	// The stream is listed once, and once more under its program.
	if got, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n"); err != nil || got != "h264,320,240,25" {
		t.Fatalf("ffprobe %s: %q, %v; want h264,320,240,25", seg, got, err)
	}
	t.Logf("WHIP → LL-HLS through relay carol: %d frames decoded (pts %.2f to %.2f); segment %s: %s", len(pts), pts[0], last(pts), seg, strings.Fields(string(out))[0])
}

// httpGet GETs u with c and returns the body of a 200.
func httpGet(t *testing.T, ctx context.Context, c *http.Client, u string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatal(fmt.Errorf("GET %s: %s %s", u, resp.Status, b))
	}
	return string(b)
}
