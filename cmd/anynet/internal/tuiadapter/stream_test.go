//go:build !nochain

package tuiadapter

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
)

// TestStreamsOnDaemons drives the Streams part of the Backend on two
// real daemons: alice publishes "cam" to bob only, in parts of two, an
// encoder's first part PUT to her ingest, and records it; bob relays
// it. Alice's Streams show her as publisher with bob's node as child,
// "1 wallet" and the recording; bob's show him as relay from alice.
func TestStreamsOnDaemons(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	ad, bd, a, b := daemons(t)
	ctx := context.Background()
	if l, err := a.Streams(ctx); err != nil || len(l) != 0 {
		t.Fatalf("streams before publishing = %+v, %v", l, err)
	}
	pub, err := a.C.StreamPublish(ctx, control.StreamPublishRequest{Name: "cam", Parts: 2, Allow: []string{bd.Wallet().Hex()}})
	if err != nil {
		t.Fatal(err)
	}
	put := func(url, body string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPut, url, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("PUT %s: %s", url, resp.Status)
		}
	}
	base := strings.TrimSuffix(pub.Ingest, "index.m3u8")
	put(base+"0.ts", string(bytes.Repeat([]byte{0x47}, 188)))
	put(pub.Ingest, "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:0.500,\n0.ts\n")
	if _, err := a.C.StreamRecord(ctx, control.StreamRecordRequest{Name: "cam"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.C.StreamPlay(ctx, control.StreamPlayRequest{Host: ad.Wallet().Hex(), Name: "cam", Relay: 4}); err != nil {
		t.Fatal(err)
	}
	until(t, "alice serving bob's node", func() error {
		l, err := a.Streams(ctx)
		if err != nil {
			return err
		}
		want := tui.Stream{Owner: ad.Wallet().Hex(), Name: "cam", Role: "publisher", Access: "1 wallet", Children: 1, Relays: 1,
			Last: 1, Parts: 2, Recording: true}
		if len(l) != 1 || l[0] != want {
			return fmt.Errorf("alice's streams %+v, want %+v", l, want)
		}
		return nil
	})
	until(t, "bob relaying from alice", func() error {
		l, err := b.Streams(ctx)
		if err != nil {
			return err
		}
		want := tui.Stream{Owner: ad.Wallet().Hex(), Name: "cam", Role: "relay", Upstream: ad.Wallet().Hex(), Access: "1 wallet",
			Last: 1, Parts: 2}
		if len(l) != 1 || l[0] != want {
			return fmt.Errorf("bob's streams %+v, want %+v", l, want)
		}
		return nil
	})
}

// TestStreamsView: the control API's stream list reaches the TUI field
// by field.
func TestStreamsView(t *testing.T) {
	in := control.StreamInfo{Owner: "0xa", Name: "cam", Role: "relay", Upstream: "0xb", Children: 2, Relays: 3, Last: 9, Parts: 5,
		Access: "token 0xc", Denied: 4, Recording: true}
	want := tui.Stream{Owner: "0xa", Name: "cam", Role: "relay", Upstream: "0xb", Children: 2, Relays: 3, Last: 9, Parts: 5,
		Access: "token 0xc", Denied: 4, Recording: true}
	if got := streamsView([]control.StreamInfo{in}); len(got) != 1 || got[0] != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
