package stream

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/internal/testwait"
	"github.com/anynet/anynet/link/mem"
	"github.com/anynet/anynet/stack"
	"github.com/anynet/anynet/transport"
)

func needTool(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI (.ci/run installs it)", tool)
		}
		t.Skipf("%s not installed", tool)
	}
	return p
}

// member is one node of the test network with its stream service.
type member struct {
	node *stack.Node
	svc  *Service
	key  *ecdsa.PrivateKey
}

func upMember(t testing.TB, ctx context.Context, n *apptest.Net, cfg Config) *member {
	t.Helper()
	k := apptest.NewKeys(t)
	node := n.Up(ctx, k)
	cfg.Host, cfg.Wallet = node, transport.NewKeySigner(k.Key)
	svc, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := &member{node: node, svc: svc, key: k.Key}
	t.Cleanup(func() { m.down(n) })
	return m
}

func (m *member) down(n *apptest.Net) {
	if m.svc != nil {
		m.svc.Close()
		m.svc = nil
	}
	n.Down(m.node)
}

// serveLoopback serves h on a loopback port until the test ends.
func serveLoopback(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// probe decodes about seconds of the live stream with ffprobe
// through bob's gateway and returns the decoded frames' timestamps.
func probe(t *testing.T, ctx context.Context, ffprobe, proxy, url string, seconds int) []float64 {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(cctx, ffprobe, "-v", "warning", "-http_proxy", "http://"+proxy,
		"-select_streams", "v:0", "-show_entries", "frame=pts_time", "-of", "csv=p=0", "-read_intervals", "%+"+strconv.Itoa(seconds), url)
	cmd.Env = append(os.Environ(), "http_proxy=http://"+proxy, "no_proxy=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("ffprobe %s: %v\n%s", url, err, stderr.String())
		return nil
	}
	if stderr.Len() > 0 {
		t.Logf("ffprobe: %s", stderr.String())
	}
	var pts []float64
	for _, l := range strings.Fields(string(out)) {
		if f, err := strconv.ParseFloat(strings.Trim(l, ","), 64); err == nil {
			pts = append(pts, f)
		}
	}
	return pts
}

// TestLiveEndToEnd, with real tools on real nodes (gVisor, Noise):
// ffmpeg pushes a generated test pattern as HLS over HTTP PUT to
// alice's ingest; alice (fan-out 2) serves relays carol and dave, and
// redirects bob to one of them; bob's gateway serves
// http://0xALICE.anynet/live/cam/index.m3u8 and ffprobe decodes frames
// through it. Then bob's relay is killed mid-stream: bob switches to
// the other relay without asking alice again, and ffprobe decodes
// later frames.
func TestLiveEndToEnd(t *testing.T) {
	ffmpeg, ffprobe := needTool(t, "ffmpeg"), needTool(t, "ffprobe")
	ctx := apptest.Ctx(t)
	n := apptest.NewNet(t, mem.Config{})
	alice := upMember(t, ctx, n, Config{Core: CoreConfig{Fanout: 2}})
	carol := upMember(t, ctx, n, Config{})
	dave := upMember(t, ctx, n, Config{})
	bob := upMember(t, ctx, n, Config{})
	aw := alice.node.Addr()

	// LL-HLS: the encoder's 0.2 s segments (a keyframe each) are parts,
	// five to a 1 s segment.
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

	k := Key{Owner: aw, Name: "cam"}
	testwait.Until(t, ctx, "alice publishes", func() bool {
		v, err := alice.svc.Playlist(ctx, k)
		return err == nil && len(v.Held) >= 10
	})
	for _, r := range []*member{carol, dave} {
		if _, err := r.svc.Watch(ctx, aw.Hex(), "cam", 10); err != nil {
			t.Fatal(err)
		}
	}
	testwait.Until(t, ctx, "both relays known to alice", func() bool {
		st, _ := alice.svc.Status(ctx)
		return len(st.Streams) == 1 && st.Streams[0].Relays == 2 && st.Streams[0].Children == 2
	})

	// Arrival latency at bob: a segment's first frame's glass time (the
	// encoder works in real time, so its PUT ended one duration after)
	// to its verified arrival at bob's node.
	var lmu sync.Mutex
	var lat []time.Duration
	seen := 0
	defer bob.svc.Subscribe(func(e Event) {
		if e.Kind == EventSegment {
			lmu.Lock()
			if seen++; seen > 10 { // not the backlog a newcomer gets
				lat = append(lat, time.Since(e.Captured))
			}
			lmu.Unlock()
		}
	})()

	gw := serveLoopback(t, &Gateway{Stream: bob.svc})
	url := "http://" + strings.ToLower(aw.Hex()) + ".anynet/live/cam/index.m3u8"
	first := probe(t, ctx, ffprobe, gw, url, 2)
	if len(first) < 25 {
		t.Fatalf("ffprobe decoded %d frames through bob's gateway", len(first))
	}
	checkLLHLS(t, ctx, gw, url)

	// One player across the failure: ffprobe decodes 8 s of the stream
	// while bob's relay is killed under it.
	got := make(chan []float64, 1)
	go func() { got <- probe(t, ctx, ffprobe, gw, url, 8) }()
	st, _ := bob.svc.Status(ctx)
	lastBefore := st.Streams[0].Last
	testwait.Until(t, ctx, "bob two segments further", func() bool {
		st, _ = bob.svc.Status(ctx)
		return st.Streams[0].Last >= lastBefore+10
	})
	relay := st.Streams[0].Upstream
	if relay != carol.node.Addr() && relay != dave.node.Addr() {
		t.Fatalf("bob's upstream is %s, not a relay", relay)
	}
	killed, other := carol, dave
	if relay == dave.node.Addr() {
		killed, other = dave, carol
	}
	killedAt := time.Now()
	killed.down(n)
	testwait.Until(t, ctx, "bob on the other relay", func() bool {
		st, _ := bob.svc.Status(ctx)
		return st.Streams[0].Upstream == other.node.Addr() && st.Streams[0].Joined
	})
	t.Logf("killed relay %s at segment %d; bob on %s after %v", relay, st.Streams[0].Last, other.node.Addr(), time.Since(killedAt).Round(time.Millisecond))
	pts := <-got
	if len(pts) < 150 {
		t.Fatalf("the player across the failure decoded %d frames", len(pts))
	}
	for i := 1; i < len(pts); i++ {
		if d := pts[i] - pts[i-1]; d <= 0 || d > 0.1 {
			t.Fatalf("frame %d: pts %.3f after %.3f: a gap or a repeat across the failover", i, pts[i], pts[i-1])
		}
	}
	st, _ = bob.svc.Status(ctx)
	if st.Stats.Failovers < 1 || st.Stats.Rejoins != 0 {
		t.Fatalf("bob: %d failovers, %d rejoins through alice; want ≥ 1 and 0", st.Stats.Failovers, st.Stats.Rejoins)
	}
	if st.Stats.Corrupt != 0 || st.Stats.BadPlaylist != 0 {
		t.Fatalf("bob: %+v", st.Stats)
	}
	lmu.Lock()
	slices.Sort(lat)
	if len(lat) > 0 {
		t.Logf("glass to bob's node (0.2 s parts): p50 %v p95 %v over %d segments", lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*95/100].Round(time.Millisecond), len(lat))
	}
	lmu.Unlock()
	t.Logf("frames decoded %d, then %d across the failure (pts %.2f to %.2f); bob %+v", len(first), len(pts), pts[0], last(pts), st.Stats)
}

// checkLLHLS reads bob's LL-HLS playlist as hls.js does: parts listed
// with a preload hint, a blocking reload for the next part that returns
// once it is listed, and the hinted part itself.
func checkLLHLS(t *testing.T, ctx context.Context, proxy, url string) {
	t.Helper()
	pu, _ := neturl.Parse("http://" + proxy)
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}, Timeout: 20 * time.Second}
	get := func(u string) string {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s %s", u, resp.Status, b)
		}
		return string(b)
	}
	pl := get(url)
	for _, tag := range []string{"#EXT-X-PART-INF:PART-TARGET=0.200", "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES", "#EXT-X-PART:DURATION=0.200,URI=", "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=", "#EXTINF:1.000,\ns"} {
		if !strings.Contains(pl, tag) {
			t.Fatalf("LL-HLS playlist lacks %q:\n%s", tag, pl)
		}
	}
	_, hint, _ := strings.Cut(pl, "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"")
	next, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(hint), ".ts\""), 10, 64)
	if err != nil {
		t.Fatalf("preload hint %q: %v", hint, err)
	}
	msn, part := (next-1)/5, (next-1)%5
	blocked := get(fmt.Sprintf("%s?_HLS_msn=%d&_HLS_part=%d", url, msn, part))
	if !strings.Contains(blocked, fmt.Sprintf("URI=\"%d.ts\"", next)) {
		t.Fatalf("blocking reload for part %d.%d (%d.ts) answered without it:\n%s", msn, part, next, blocked)
	}
	if got := get(strings.TrimSuffix(url, "index.m3u8") + fmt.Sprintf("%d.ts", next)); len(got) == 0 || got[0] != 0x47 {
		t.Fatalf("part %d is not MPEG-TS (%d bytes)", next, len(got))
	}
}

func last(xs []float64) float64 {
	if len(xs) == 0 {
		return -1
	}
	return xs[len(xs)-1]
}
