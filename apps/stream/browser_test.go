package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The browser tests drive a headless Chromium (Debian's package; .ci/run
// installs it) through pages in testdata/browser. A page reports by
// POSTing JSON to /result of the loopback server that served it (loopback
// bypasses the proxy); the test reads what the browser saw from there.

// browserDir holds the test pages and, after `npm ci` there, hls.js.
const browserDir = "testdata/browser"

// pageResult is what a test page posts: ok or a fatal error, with the
// page's own figures.
type pageResult struct {
	OK     bool     `json:"ok"`
	Fatal  string   `json:"fatal"`
	Errors []string `json:"errors"`
	// hls.html
	Version     string  `json:"version"`
	Played      float64 `json:"played"`
	CurrentTime float64 `json:"currentTime"`
	Latency     float64 `json:"latency"`
	LowLatency  bool    `json:"lowLatency"`
	Width       int     `json:"width"`
	Decoded     int     `json:"decoded"`
	Dropped     int     `json:"dropped"`
	// whip.html, whep.html
	Location string `json:"location"`
	Encoded  int    `json:"encoded"`
	Codec    string `json:"codec"`
	Audio    int    `json:"audio"`
	MS       int    `json:"ms"`
}

// pageServer serves testdata/browser on loopback and collects results.
type pageServer struct {
	addr    string
	results chan pageResult
}

func servePages(t testing.TB) *pageServer {
	t.Helper()
	p := &pageServer{results: make(chan pageResult, 4)}
	files := http.FileServer(http.Dir(browserDir))
	p.addr = serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/result" {
			files.ServeHTTP(w, r)
			return
		}
		var res pageResult
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err := json.Unmarshal(b, &res); err != nil {
			res.Fatal = "result: " + err.Error() + ": " + string(b)
		}
		select {
		case p.results <- res:
		default:
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	return p
}

// wait returns the first result a page posts, failing the test after
// timeout with the browser's output.
func (p *pageServer) wait(t testing.TB, ctx context.Context, b *browser, timeout time.Duration) pageResult {
	t.Helper()
	select {
	case r := <-p.results:
		return r
	case <-b.exited:
		t.Fatalf("chromium exited before the page reported:\n%s", b.output())
	case <-time.After(timeout):
		t.Fatalf("no result from the page in %v; chromium:\n%s", timeout, b.output())
	case <-ctx.Done():
		t.Fatalf("waiting for the page: %v", ctx.Err())
	}
	return pageResult{}
}

// needHLSJS skips the test when `npm ci` has not been run in
// testdata/browser (failing under CI=true: .ci/run runs it).
func needHLSJS(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(browserDir, "node_modules/hls.js/dist/hls.min.js")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("hls.js is required in CI (.ci/run: npm ci in apps/stream/%s): %v", browserDir, err)
		}
		t.Skipf("hls.js not installed (npm ci in apps/stream/%s)", browserDir)
	}
}

// browser is one headless Chromium process (and its children).
type browser struct {
	cmd    *exec.Cmd
	exited chan struct{}
	mu     sync.Mutex
	out    bytes.Buffer
}

func (b *browser) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.out.Len() < 1<<20 {
		b.out.Write(p)
	}
	return len(p), nil
}

// output is what the browser wrote, without its complaints about D-Bus.
func (b *browser) output() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out strings.Builder
	for l := range strings.Lines(b.out.String()) {
		if !strings.Contains(l, "dbus") {
			out.WriteString(l)
		}
	}
	return out.String()
}

// startChromium opens url in a headless Chromium with proxy as its web
// proxy ("" none) and a fake camera and microphone granted to pages;
// the browser's process group is killed when the test ends.
func startChromium(t testing.TB, bin, proxy, url string) *browser {
	t.Helper()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
		"--user-data-dir=" + t.TempDir(), "--autoplay-policy=no-user-gesture-required",
		"--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
		"--disable-features=WebRtcHideLocalIpsWithMdns", "--allow-loopback-in-peer-connection", "--enable-logging=stderr", "--v=0"}
	if proxy != "" {
		args = append(args, "--proxy-server=http://"+proxy)
	}
	b := &browser{cmd: exec.Command(bin, append(args, url)...), exited: make(chan struct{})}
	b.cmd.Stdout, b.cmd.Stderr = b, b
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := b.cmd.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	go func() { b.cmd.Wait(); close(b.exited) }()
	t.Cleanup(func() {
		syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		<-b.exited
	})
	return b
}
