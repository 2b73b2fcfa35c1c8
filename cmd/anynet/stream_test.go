package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

// needFFmpeg skips without ffmpeg and ffprobe (fails under CI=true:
// .ci/run installs them).
func needFFmpeg(t *testing.T) (ffmpeg, ffprobe string) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required in CI", tool)
			}
			t.Skipf("%s not installed", tool)
		}
		if tool == "ffmpeg" {
			ffmpeg = p
		} else {
			ffprobe = p
		}
	}
	return ffmpeg, ffprobe
}

// TestStreamTwoProcesses drives live streams through the built binary:
// alice readies an LL-HLS stream gated to bob (`stream publish cam
// --parts 5 --allow bob`), ffmpeg pushes a test pattern to the ingest
// URL it prints, alice records it; bob's `stream play alice/cam` gives
// the URL that ffprobe decodes through bob's web proxy, carol's proxy
// answers 403 with the reason; `stream record cam --stop --public`
// shares the recording as a collection bob lists.
func TestStreamTwoProcesses(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs three nodes")
	}
	ffmpeg, ffprobe := needFFmpeg(t)
	bin := binary(t)
	root := sockDir(t)
	a, b, cdir := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")
	c := newCLI(t, bin, root)
	c.must("--dir", a, "init", "--scrypt", "light", "--name", "alice")
	c.must("--dir", b, "init", "--scrypt", "light", "--name", "bob")
	c.must("--dir", cdir, "init", "--scrypt", "light", "--name", "carol")
	c.start("alice", "--dir", a, "up", "--headless", "--listen", "127.0.0.1:0", "--serve-chain", "127.0.0.1:0", "--mq-gateway", "off")
	chain := c.chain(a)
	for _, x := range []struct{ name, dir string }{{"bob", b}, {"carol", cdir}} {
		c.start(x.name, "--dir", x.dir, "up", "--headless", "--listen", "127.0.0.1:0", "--chain", chain.URL, "--mq-gateway", "off", "--web-proxy", "127.0.0.1:0")
	}
	c.published(a, b, cdir)
	var pub control.StreamPublished
	if err := c.json(&pub, "--dir", a, "stream", "publish", "cam", "--parts", "5", "--allow", "bob"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pub.Ingest, "http://127.0.0.1:") || pub.Watch != "alice.anynet/cam" {
		t.Fatalf("publish: %+v", pub)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	enc := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-re",
		"-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
		"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "5", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
		"-f", "hls", "-hls_time", "0.2", "-hls_list_size", "10", "-method", "PUT", pub.Ingest)
	enc.Stderr = os.Stderr
	if err := enc.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); enc.Wait() }()
	var list []control.StreamInfo
	eventually(t, "alice publishes", func() error {
		if err := c.json(&list, "--dir", a, "stream", "list"); err != nil {
			return err
		}
		if len(list) != 1 || list[0].Role != "publisher" || list[0].Last < 5 {
			return fmt.Errorf("list: %+v", list)
		}
		return nil
	})
	c.must("--dir", a, "stream", "record", "cam")

	var play control.StreamPlaying
	if err := c.json(&play, "--dir", b, "stream", "play", "alice/cam"); err != nil {
		t.Fatal(err)
	}
	if play.URL != "http://alice.anynet/live/cam/index.m3u8" || play.Proxy == "" {
		t.Fatalf("play: %+v", play)
	}
	pctx, pcancel := context.WithTimeout(ctx, time.Minute)
	defer pcancel()
	probe := exec.CommandContext(pctx, ffprobe, "-v", "warning", "-http_proxy", "http://"+play.Proxy,
		"-select_streams", "v:0", "-show_entries", "frame=pts_time", "-of", "csv=p=0", "-read_intervals", "%+3", play.URL)
	out, err := probe.Output()
	if frames := len(strings.Fields(string(out))); err != nil || frames < 50 {
		t.Fatalf("ffprobe through bob's proxy: %d frames, %v", frames, err)
	}

	var carolPlay control.StreamPlaying
	if err := c.json(&carolPlay, "--dir", cdir, "stream", "play", "alice/cam"); err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse("http://" + carolPlay.Proxy)
	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}, Timeout: 30 * time.Second}
	resp, err := hc.Get(carolPlay.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "not on the publisher's list") {
		t.Fatalf("carol: %s %s; want 403 with the reason", resp.Status, body)
	}

	var rec control.StreamRecording
	if err := c.json(&rec, "--dir", a, "stream", "record", "cam", "--stop", "--public"); err != nil {
		t.Fatal(err)
	}
	if rec.Segments < 2 || rec.Link != "alice.anynet/cam" {
		t.Fatalf("record: %+v", rec)
	}
	var ls []control.ContentShare
	eventually(t, "bob lists the recording", func() error {
		if err := c.json(&ls, "--dir", b, "ls", "alice/"); err != nil {
			return err
		}
		if len(ls) != 1 || ls[0].Name != "cam" || !ls[0].Collection || ls[0].ID != rec.ID {
			return fmt.Errorf("ls: %+v", ls)
		}
		return nil
	})
	t.Logf("recorded %d segments (%.1f s), collection %s; carol: %s", rec.Segments, rec.Seconds, rec.ID, strings.TrimSpace(string(body)))
}
