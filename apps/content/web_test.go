package content

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// needTool skips without tool, or fails when CI=true.
func needTool(t *testing.T, tool string) string {
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

// TestWebByName drives the gateway with curl -x, through real nodes:
// alice's static site (her public "www" share) gives its index page,
// a byte range (206), its ETag (the file's ID), a CSS file's type and
// its 404 page; carol's live site (ServeSite over a local server)
// answers with the wallet the overlay verified for bob, the caller, even
// when bob's request forges the header.
func TestWebByName(t *testing.T) {
	curl := needTool(t, "curl")
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob", "carol")
	alice, bob, carol := tn.get("alice"), tn.get("bob"), tn.get("carol")

	site := t.TempDir()
	index := "<html><head><link rel=stylesheet href=style.css></head><body><h1>alice's site</h1></body></html>"
	for p, body := range map[string]string{
		"index.html": index, "style.css": "h1 { color: red }", "docs/index.html": "docs", "404.html": "nothing here",
	} {
		os.MkdirAll(filepath.Join(site, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(site, p), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tn.open(alice, Config{})
	if _, err := alice.svc.Share(ctx, site, SiteShare, true, nil); err != nil {
		t.Fatal(err)
	}

	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s at %s", r.Header.Get(HeaderWallet), r.URL.Path)
	}))
	defer app.Close()
	tn.up(carol)
	live, err := ServeSite(carol.node, app.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()

	tn.open(bob, Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gw := &http.Server{Handler: &Gateway{Service: bob.svc, Addr: ln.Addr().String()}}
	go gw.Serve(ln)
	defer gw.Close()
	proxy := "http://" + ln.Addr().String()

	run := func(args ...string) (string, string) {
		t.Helper()
		var out, hdr bytes.Buffer
		hf := filepath.Join(t.TempDir(), "h")
		cmd := exec.CommandContext(ctx, curl, append([]string{"-sS", "-x", proxy, "-D", hf}, args...)...)
		cmd.Stdout = &out
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("curl %v: %v", args, err)
		}
		h, _ := os.ReadFile(hf)
		hdr.Write(h)
		return out.String(), hdr.String()
	}
	aliceURL := "http://" + alice.Wallet.Hex() + TLD
	body, hdr := run(aliceURL + "/")
	if body != index || !strings.HasPrefix(hdr, "HTTP/1.1 200") {
		t.Fatalf("index: %q\n%s", body, hdr)
	}
	id := Sum([]byte(index))
	if !strings.Contains(hdr, `Etag: "`+id.String()+`"`) {
		t.Fatalf("no ETag of %s:\n%s", id, hdr)
	}
	body, hdr = run("-r", "6-11", aliceURL+"/index.html")
	if body != index[6:12] || !strings.HasPrefix(hdr, "HTTP/1.1 206") {
		t.Fatalf("range: %q\n%s", body, hdr)
	}
	if _, hdr = run(aliceURL + "/style.css"); !strings.Contains(hdr, "Content-Type: text/css") {
		t.Fatalf("css:\n%s", hdr)
	}
	if body, _ = run(aliceURL + "/docs/"); body != "docs" {
		t.Fatalf("docs/: %q", body)
	}
	if body, hdr = run(aliceURL + "/nope"); body != "nothing here" || !strings.HasPrefix(hdr, "HTTP/1.1 404") {
		t.Fatalf("404: %q\n%s", body, hdr)
	}
	body, _ = run("-H", HeaderWallet+": 0xforged", "http://"+carol.Wallet.Hex()+TLD+"/who")
	if want := "hello " + bob.Wallet.Hex() + " at /who"; body != want {
		t.Fatalf("live site: %q, want %q", body, want)
	}
	if body, _ = run(proxy + "/proxy.pac"); !strings.Contains(body, "PROXY "+ln.Addr().String()) {
		t.Fatalf("pac: %q", body)
	}
	gw.Close()
	live.Close()
	for _, m := range tn.members {
		tn.stop(m)
	}
}
