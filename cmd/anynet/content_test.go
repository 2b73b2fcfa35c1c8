package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
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
	eventually(t, "names registered", func() error {
		for _, d := range []string{a, b, cdir} {
			var s control.Status
			if err := c.json(&s, "--dir", d, "status"); err != nil {
				return err
			}
			if s.Published == "" || s.Name == "" {
				return fmt.Errorf("%s not published yet", d)
			}
		}
		return nil
	})
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
