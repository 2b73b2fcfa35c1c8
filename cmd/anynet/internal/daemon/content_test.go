//go:build !nochain

package daemon

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/internal/testwait"
)

// TestContentCacheAndMirrors drives caching and mirrors through the
// daemons' control API (a socket each): a router daemon (route-prefix,
// so content.cache is on by default) with bob and carol attached, the
// publisher alice and dave, who attaches to no router.
//
//  1. alice shares a public 8 MiB file; bob gets it: his daemon sends
//     its router a Want, and the router fills its cache from alice
//     (shown in its content status), then tells alice it holds the blob.
//  2. carol, on the same router, gets it: the router serves part of her
//     download from its cache (its served bytes grow by them).
//  3. dave, on no router, gets it: alice answers his Who with a mirror
//     list her wallet signed, naming the router; dave verifies it
//     (mirrored ≥ 1, forged 0) and the router serves part of his
//     download too.
//
// Every copy is compared byte for byte with alice's file.
func TestContentCacheAndMirrors(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and five nodes")
	}
	ctx := context.Background()
	emb, dir := testChain(t)
	start := func(name string, c config.Config) (*Daemon, *control.Client) {
		t.Helper()
		c.Name = name
		d := startNode(t, emb, dir, name, Options{Config: c})
		return d, serve(t, d)
	}
	router, cr := start("cache", config.Config{RoutePrefix: "2a.1/128"})
	info, ok := router.RouterInfo()
	if !ok {
		t.Fatal("the cache node is not a router")
	}
	at := []string{info.Wallet.Hex() + "@" + info.Addr.String()}
	_, ca := start("alice", config.Config{})
	bob, cb := start("bob", config.Config{Routers: at})
	carol, cc := start("carol", config.Config{Routers: at})
	_, cd := start("dave", config.Config{})
	for _, d := range []*Daemon{bob, carol} {
		testwait.Within(t, time.Minute, "attachment", d.Attached)
	}
	if st, err := cr.ContentStatus(ctx); err != nil || st.Cache.Limit != config.DefaultRouterCacheMiB<<20 {
		t.Fatalf("the router's content status: %+v, %v (want its default cache)", st, err)
	}

	const size = 8 << 20
	data := make([]byte, size)
	rand.Read(data)
	file := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sh, err := ca.ContentShare(ctx, control.ContentShareRequest{Path: file, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	get := func(who string, c *control.Client) {
		t.Helper()
		out := t.TempDir()
		f, err := c.ContentGet(ctx, "alice/"+sh.Name, out, nil)
		if err != nil {
			t.Fatalf("%s's get: %v", who, err)
		}
		if got, err := os.ReadFile(f.Path); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s's copy: %d bytes, %v", who, len(got), err)
		}
	}
	served := func(c *control.Client) int64 {
		t.Helper()
		st, err := c.ContentStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st.Stats.Served
	}

	// 1. bob's download fills the router's cache.
	get("bob", cb)
	until(t, "the router caches alice's blob", func() error {
		st, err := cr.ContentStatus(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(st.Cache.Blobs, func(b control.ContentCachedBlob) bool { return b.ID == sh.ID }) {
			return fmt.Errorf("cache: %+v, downloads %+v", st.Cache, st.Downloads)
		}
		return nil
	})

	// 2. carol, on the same router, is served from its cache.
	before := served(cr)
	get("carol", cc)
	if n := served(cr) - before; n <= 0 {
		t.Fatalf("the router served carol %d bytes from its cache", n)
	} else {
		t.Logf("the router's cache served carol %d of %d bytes", n, size)
	}

	// 3. dave, on no router, learns of the router from alice's signed
	// mirror list.
	before = served(cr)
	get("dave", cd)
	st, err := cd.ContentStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Stats.Mirrored < 1 || st.Stats.Forged != 0 {
		t.Fatalf("dave's stats: %+v, want a mirror from a signed list and none forged", st.Stats)
	}
	if n := served(cr) - before; n <= 0 {
		t.Fatalf("the mirror served dave %d bytes", n)
	} else {
		t.Logf("the mirror served dave %d of %d bytes", n, size)
	}
}
