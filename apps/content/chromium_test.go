package content

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestChromium loads alice's static site in a headless Chromium (the
// Debian package; .ci/run installs it) through bob's gateway, as a
// browser with --proxy-server opens http://NAME.anynet/: the page, its
// stylesheet and its image all come over the overlay, verified. A
// script in the page writes what the browser rendered — the heading's
// computed colour (from the CSS) and the image's decoded size — into
// the DOM that --dump-dom prints.
func TestChromium(t *testing.T) {
	chromium := needTool(t, "chromium")
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob")
	alice, bob := tn.get("alice"), tn.get("bob")

	img := image.NewRGBA(image.Rect(0, 0, 7, 5))
	for x := range 7 {
		for y := range 5 {
			img.Set(x, y, color.RGBA{0, 0, 255, 255})
		}
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	site := t.TempDir()
	page := `<!doctype html><html><head><link rel="stylesheet" href="css/site.css"></head><body>
<h1 id="h">alice's site</h1><img id="i" src="img/dot.png"><p id="r">not rendered</p>
<script>window.addEventListener("load", function () {
  var i = document.getElementById("i");
  document.getElementById("r").textContent = "color=" + getComputedStyle(document.getElementById("h")).color +
    " img=" + i.naturalWidth + "x" + i.naturalHeight;
});</script></body></html>`
	for p, body := range map[string][]byte{
		"index.html": []byte(page), "css/site.css": []byte("h1 { color: rgb(12, 34, 56) }"), "img/dot.png": pngBuf.Bytes(),
	} {
		os.MkdirAll(filepath.Join(site, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(site, p), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tn.open(alice, Config{})
	if _, err := alice.svc.PublishSite(ctx, site, ""); err != nil {
		t.Fatal(err)
	}
	tn.open(bob, Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gw := &http.Server{Handler: &Gateway{Service: bob.svc, Addr: ln.Addr().String()}}
	go gw.Serve(ln)
	defer gw.Close()

	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--user-data-dir="+t.TempDir(), "--proxy-server=http://"+ln.Addr().String(),
		"--virtual-time-budget=30000", "--dump-dom", "http://"+alice.Wallet.Hex()+TLD+"/")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errOut.String())
	}
	want := `<p id="r">color=rgb(12, 34, 56) img=7x5</p>`
	if !strings.Contains(out.String(), want) {
		t.Fatalf("rendered page lacks %s:\n%s\nstderr:\n%s", want, out.String(), errOut.String())
	}
	gw.Close()
	for _, m := range tn.members {
		tn.stop(m)
	}
}
