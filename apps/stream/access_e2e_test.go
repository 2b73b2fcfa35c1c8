package stream

import (
	"io"
	"net/http"
	neturl "net/url"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/link/mem"
	"github.com/ethereum/go-ethereum/common"
)

// TestGatewayAccess, on real nodes (gVisor, Noise): alice publishes a
// stream gated to carol's wallet; through carol's gateway the playlist
// plays, through bob's the player gets 403 with the reason. The wallet
// checked is the one Noise verified for the joining node.
func TestGatewayAccess(t *testing.T) {
	ctx := apptest.Ctx(t)
	n := apptest.NewNet(t, mem.Config{})
	alice := upMember(t, ctx, n, Config{})
	bob := upMember(t, ctx, n, Config{})
	carol := upMember(t, ctx, n, Config{})
	if _, err := alice.svc.PublishWith(ctx, PublishCmd{Name: "club", Access: Access{Allow: []common.Address{carol.node.Addr()}}}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := alice.svc.Push(ctx, "club", []byte(strings.Repeat("x", 188*(i+1))), time.Second); err != nil {
			t.Fatal(err)
		}
	}
	url := "http://" + strings.ToLower(alice.node.Addr().Hex()) + ".anynet/live/club/index.m3u8"
	get := func(m *member) (int, string) {
		gw := serveLoopback(t, &Gateway{Stream: m.svc, Wait: 20 * time.Second})
		pu, _ := neturl.Parse("http://" + gw)
		c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(carol); code != http.StatusOK || !strings.Contains(body, "#EXTINF") {
		t.Fatalf("carol: %d %s", code, body)
	}
	code, body := get(bob)
	if code != http.StatusForbidden || !strings.Contains(body, "not on the publisher's list") {
		t.Fatalf("bob: %d %s; want 403 with the reason", code, body)
	}
	t.Logf("bob: %d %s", code, strings.TrimSpace(body))
}
