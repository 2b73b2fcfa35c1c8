package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
	"github.com/anynet/anynet/cmd/anynet/internal/tuiadapter"
)

// TestContentTwoProcesses drives content through the built binary:
// alice shares a directory with bob only; bob lists it (`ls alice/`)
// and gets it (`get alice/photos`), byte for byte; carol is refused.
// Alice publishes a site with `publish DIR --name alice`, and bob's web
// proxy (through Go's http client set to it, as `curl -x` would be) serves http://alice.anynet/
// from the contenthash on chain; then `serve PORT` makes the same name
// a live site whose handler sees bob's verified wallet; `serve off`
// brings the static site back. Bob's live site survives a kill -9 of
// his daemon (served again at start, reached through carol's proxy).
// The journal carries content events.
func TestContentTwoProcesses(t *testing.T) {
	t.Parallel() // processes of its own: runs beside the others
	if testing.Short() {
		t.Skip("builds the binary and runs three nodes")
	}
	bin := binary(t)
	root := sockDir(t)
	a, b, cdir := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")
	c := newCLI(t, bin, root)
	c.must("--dir", a, "init", "--scrypt", "light", "--name", "alice")
	c.must("--dir", b, "init", "--scrypt", "light", "--name", "bob")
	c.must("--dir", cdir, "init", "--scrypt", "light", "--name", "carol")
	c.start("alice", "--dir", a, "up", "--headless", "--listen", "127.0.0.1:0", "--serve-chain", "127.0.0.1:0", "--mq-gateway", "off")
	chain := c.chain(a)
	bobUp := []string{"--dir", b, "up", "--headless", "--listen", "127.0.0.1:0", "--chain", chain.URL, "--mq-gateway", "off", "--web-proxy", "127.0.0.1:0"}
	bobCmd := c.start("bob", bobUp...)
	c.start("carol", "--dir", cdir, "up", "--headless", "--listen", "127.0.0.1:0", "--chain", chain.URL, "--mq-gateway", "off", "--web-proxy", "127.0.0.1:0")

	photos := filepath.Join(t.TempDir(), "photos")
	files := map[string][]byte{"a.jpg": bytes.Repeat([]byte("jpeg"), 300_000), "sub/b.txt": []byte("hello"), "sub/dup.jpg": bytes.Repeat([]byte("jpeg"), 300_000)}
	for p, data := range files {
		os.MkdirAll(filepath.Join(photos, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(photos, p), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c.published(a, b, cdir)
	var sh control.ContentShare
	if err := c.json(&sh, "--dir", a, "share", photos, "--to", "bob"); err != nil {
		t.Fatal(err)
	}
	if sh.Link != "alice.anynet/photos" || !sh.Collection || !strings.HasPrefix(sh.CID, "bafkr4i") {
		t.Fatalf("share: %+v", sh)
	}
	var ls []control.ContentShare
	eventually(t, "bob lists alice's shares", func() error {
		if err := c.json(&ls, "--dir", b, "ls", "alice/"); err != nil {
			return err
		}
		if len(ls) != 1 || ls[0].Name != "photos" || ls[0].ID != sh.ID {
			return fmt.Errorf("ls: %+v", ls)
		}
		return nil
	})
	if out, _ := c.run("--dir", cdir, "ls", "alice/"); !strings.Contains(out, "shares nothing") {
		t.Fatalf("carol's ls: %s", out)
	}
	into := t.TempDir()
	out := c.must("--dir", b, "get", "alice/photos", "-o", into)
	if strings.TrimSpace(out) != filepath.Join(into, "photos") {
		t.Fatalf("get printed %q", out)
	}
	for p, data := range files {
		got, err := os.ReadFile(filepath.Join(into, "photos", p))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s: %d bytes, %v", p, len(got), err)
		}
	}
	if out, err := c.run("--dir", cdir, "get", "alice/photos", "-o", t.TempDir()); err == nil {
		t.Fatalf("carol got alice's photos: %s", out)
	}
	var st control.ContentStatus
	if err := c.json(&st, "--dir", b, "content", "status"); err != nil || st.Stats.Completed < 3 || st.Proxy == "" {
		t.Fatalf("bob's status: %+v %v", st, err)
	}
	// The TUI's Files view, through its adapter over the same control
	// API: alice's share (a directory, for bob only) and bob's transfers'
	// counters and web proxy.
	if l, err := tuiadapter.New(a).ContentShares(t.Context()); err != nil || !slices.ContainsFunc(l, func(s tui.Share) bool {
		return s.Name == "photos" && s.ID == sh.ID && s.Link == sh.Link && s.Dir && !s.Public
	}) {
		t.Fatalf("TUI files view of alice: %+v, %v", l, err)
	}
	if fs, err := tuiadapter.New(b).ContentState(t.Context()); err != nil || fs.Completed < 3 || fs.Fetched == 0 || fs.Proxy != st.Proxy {
		t.Fatalf("TUI files view of bob: %+v, %v", fs, err)
	}

	// The web by name: a static site by contenthash, then a live one.
	site := filepath.Join(t.TempDir(), "site")
	os.MkdirAll(site, 0o755)
	index := "<html><body><h1>alice's static site</h1></body></html>"
	os.WriteFile(filepath.Join(site, "index.html"), []byte(index), 0o644)
	var pub control.ContentPublished
	if err := c.json(&pub, "--dir", a, "publish", site, "--name", "alice"); err != nil {
		t.Fatal(err)
	}
	if pub.URL != "http://alice.anynet/" || pub.Name != "alice.anynet" {
		t.Fatalf("publish: %+v", pub)
	}
	proxy, _ := url.Parse("http://" + st.Proxy)
	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}, Timeout: time.Minute}
	get := func(u string) (string, error) {
		resp, err := hc.Get(u)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		if resp.StatusCode != 200 {
			return "", fmt.Errorf("%s: %s", resp.Status, buf.String())
		}
		return buf.String(), nil
	}
	eventually(t, "bob's proxy serves alice's published site", func() error {
		body, err := get("http://alice.anynet/")
		if err == nil && body != index {
			err = fmt.Errorf("body %q", body)
		}
		return err
	})
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "live: %s", r.Header.Get("X-Anynet-Wallet"))
	}))
	defer app.Close()
	port := app.URL[strings.LastIndex(app.URL, ":")+1:]
	if out := c.must("--dir", a, "serve", port); !strings.Contains(out, "at http://alice.anynet/") {
		t.Fatalf("serve: %s", out)
	}
	var bs control.Status
	c.json(&bs, "--dir", b, "status")
	body, err := get("http://alice.anynet/who")
	if want := "live: " + bs.Wallet; err != nil || body != want {
		t.Fatalf("live site: %q %v, want %q", body, err, want)
	}
	c.must("--dir", a, "serve", "off")
	if body, err := get("http://alice.anynet/"); err != nil || body != index {
		t.Fatalf("after serve off: %q %v", body, err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	errFound := errors.New("found")
	err = control.NewClient(b).StreamEvents(ctx, 0, false, func(e control.Event) error {
		if e.Kind == control.EventContent && e.Content.What == "done" && e.Content.ID == sh.ID {
			return errFound
		}
		return nil
	})
	if !errors.Is(err, errFound) {
		t.Fatalf("no content event for the download in bob's journal: %v", err)
	}

	// A live site survives its daemon's restart, even a kill -9: bob
	// serves one, is killed, comes back (on another port) and serves
	// it again; carol's proxy reaches it with her wallet in the header.
	if out := c.must("--dir", b, "serve", port); !strings.Contains(out, "at http://bob.anynet/") {
		t.Fatalf("bob's serve: %s", out)
	}
	if err := bobCmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	bobCmd.Wait()
	c.start("bob-again", bobUp...)
	var cs control.Status
	var cst control.ContentStatus
	eventually(t, "carol's status", func() error {
		if err := c.json(&cs, "--dir", cdir, "status"); err != nil {
			return err
		}
		return c.json(&cst, "--dir", cdir, "content", "status")
	})
	cproxy, _ := url.Parse("http://" + cst.Proxy)
	chc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(cproxy)}, Timeout: time.Minute}
	eventually(t, "bob's live site after his restart, through carol's proxy", func() error {
		resp, err := chc.Get("http://bob.anynet/who")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		if want := "live: " + cs.Wallet; resp.StatusCode != 200 || buf.String() != want {
			return fmt.Errorf("%s: %q, want %q", resp.Status, buf.String(), want)
		}
		return nil
	})
	c.must("--dir", b, "serve", "off")
	if _, err := os.Stat(filepath.Join(b, "content", "serve")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("serve off left the live site's record: %v", err)
	}

}

// TestContentGetKilledResumes is the must-show "a 100 MB collection
// shared by alice, fetched by bob; killed at 50 %, resumed, verified"
// through the real binaries: bob's `anynet get alice/big -o DIR` runs as
// a process and is SIGKILLed once his daemon has verified half the
// bytes; `anynet get` run again completes, every file equals alice's
// (SHA-256), and the second run fetches only what was missing.
//
// What a kill leaves, as tested: the get process drives the collection
// file by file, so the files after the one in flight are not fetched
// and nothing more is written into -o DIR; the daemon finishes the blob
// that was in flight (a blob fetch, once asked for, runs to its end in
// the daemon, as it resumes by itself after a restart), and the second
// run takes it from the daemon's store without fetching it again.
func TestContentGetKilledResumes(t *testing.T) {
	t.Parallel()              // processes of its own: runs beside the others
	nfiles, size := 20, 5<<20 // 100 MB
	if testing.Short() {
		nfiles, size = 16, 1<<20
	}
	bin := binary(t)
	root := sockDir(t)
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	c := newCLI(t, bin, root)
	c.must("--dir", a, "init", "--scrypt", "light", "--name", "alice")
	c.must("--dir", b, "init", "--scrypt", "light", "--name", "bob")
	c.start("alice", "--dir", a, "up", "--headless", "--listen", "127.0.0.1:0", "--serve-chain", "127.0.0.1:0", "--mq-gateway", "off")
	chain := c.chain(a)
	c.start("bob", "--dir", b, "up", "--headless", "--listen", "127.0.0.1:0", "--chain", chain.URL, "--mq-gateway", "off")

	big := filepath.Join(t.TempDir(), "big")
	rng := rand.NewChaCha8([32]byte{17})
	sums := map[string][32]byte{}
	total := int64(0)
	for i := range nfiles {
		p := fmt.Sprintf("f%02d.bin", i)
		if i%4 == 3 {
			p = "sub/" + p
		}
		data := make([]byte, size+i) // sizes differ: no two files are one blob
		rng.Read(data)
		os.MkdirAll(filepath.Join(big, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(big, p), data, 0o644); err != nil {
			t.Fatal(err)
		}
		sums[p] = sha256.Sum256(data)
		total += int64(len(data))
	}
	c.published(a, b)
	var sh control.ContentShare
	if err := c.json(&sh, "--dir", a, "share", big, "--to", "bob"); err != nil {
		t.Fatal(err)
	}
	if !sh.Collection || sh.Size <= 0 { // Size: the collection blob's
		t.Fatalf("share: %+v, files of %d bytes", sh, total)
	}
	eventually(t, "bob lists alice's share", func() error {
		var ls []control.ContentShare
		if err := c.json(&ls, "--dir", b, "ls", "alice/"); err != nil {
			return err
		}
		if len(ls) != 1 || ls[0].ID != sh.ID {
			return fmt.Errorf("ls: %+v", ls)
		}
		return nil
	})
	bc := control.NewClient(b)
	fetched := func() (control.ContentStatus, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		return bc.ContentStatus(ctx)
	}
	// Collection blob plus every file: the bytes a whole get fetches.
	unique := sh.Size + total

	into := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	get := exec.CommandContext(ctx, bin, "--dir", b, "get", "alice/big", "-o", into)
	get.Env = c.env
	var getOut bytes.Buffer
	get.Stdout, get.Stderr = &getOut, &getOut
	if err := get.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- get.Wait() }()
	var atKill int64
	for atKill == 0 {
		select {
		case err := <-exited:
			t.Fatalf("anynet get ended before half was fetched, nothing to resume (use more or larger files): %v\n%s", err, getOut.String())
		case <-time.After(10 * time.Millisecond):
		}
		st, err := fetched()
		if err != nil {
			t.Fatal(err)
		}
		if st.Stats.Fetched >= unique/2 {
			atKill = st.Stats.Fetched
			if err := get.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
		}
	}
	if err := <-exited; err == nil {
		t.Fatalf("anynet get finished before the kill landed: nothing to resume\n%s", getOut.String())
	}
	// The blob in flight is finished by the daemon; nothing after it.
	var before control.ContentStatus
	eventually(t, "bob's daemon settles after the kill", func() error {
		var err error
		if before, err = fetched(); err != nil {
			return err
		}
		if len(before.Downloads) != 0 {
			return fmt.Errorf("still downloading: %+v", before.Downloads)
		}
		return nil
	})
	if before.Stats.Fetched >= unique {
		t.Fatalf("the daemon fetched all %d bytes after get was killed at %d: the collection went on without get", before.Stats.Fetched, atKill)
	}
	if before.Stats.Completed >= int64(nfiles+1) {
		t.Fatalf("%d blobs complete after the kill, of %d", before.Stats.Completed, nfiles+1)
	}
	var written int
	filepath.WalkDir(into, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			written++
		}
		return nil
	})
	if written >= nfiles {
		t.Fatalf("all %d files written before the kill", written)
	}
	// Complete: the collection, the files written and at most the one
	// in flight (done in the daemon, not written: get was gone).
	if n := before.Stats.Completed - int64(written); n < 1 || n > 2 {
		t.Fatalf("%d blobs complete and %d files written after the kill: the daemon went past the blob in flight", before.Stats.Completed, written)
	}
	t.Logf("killed at %d of %d bytes; the daemon ended at %d (%d blobs complete, %d files written)",
		atKill, unique, before.Stats.Fetched, before.Stats.Completed, written)

	out := c.must("--dir", b, "get", "alice/big", "-o", into)
	if strings.TrimSpace(out) != filepath.Join(into, "big") {
		t.Fatalf("get printed %q", out)
	}
	for p, sum := range sums {
		got, err := os.ReadFile(filepath.Join(into, "big", p))
		if err != nil || sha256.Sum256(got) != sum {
			t.Fatalf("%s: %d bytes, %v: not alice's", p, len(got), err)
		}
	}
	after, err := fetched()
	if err != nil {
		t.Fatal(err)
	}
	second := after.Stats.Fetched - before.Stats.Fetched
	t.Logf("second get fetched %d bytes; %d were missing", second, unique-before.Stats.Fetched)
	// The second run fetches what was missing, once: none of what the
	// first verified again (the collection blob and the files done).
	if second <= 0 || second != unique-before.Stats.Fetched {
		t.Fatalf("second get fetched %d bytes, %d were missing (%d in all, %d before)", second, unique-before.Stats.Fetched, unique, before.Stats.Fetched)
	}
}
