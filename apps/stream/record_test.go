package stream

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/anynet/anynet/apps/content"
	"github.com/anynet/anynet/apps/internal/apptest"
	"github.com/anynet/anynet/link/mem"
)

// TestRecord: a publisher records its LL-HLS stream (2 parts a
// segment) into content blobs: the collection holds each segment, its
// parts joined, and a VOD playlist of them.
func TestRecord(t *testing.T) {
	ctx := apptest.Ctx(t)
	n := apptest.NewNet(t, mem.Config{})
	alice := upMember(t, ctx, n, Config{})
	if _, err := alice.svc.PublishWith(ctx, PublishCmd{Name: "show", Target: time.Second, Parts: 2}); err != nil {
		t.Fatal(err)
	}
	part := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, 188*i) }
	blobs := &content.MemBlobs{}
	rec, err := alice.svc.Record(ctx, "show", blobs)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 7; i++ {
		if _, err := alice.svc.Push(ctx, "show", part(i), 500*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	got, err := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if got.Segments != 4 || got.Duration != 3500*time.Millisecond || got.Dropped != 0 {
		t.Fatalf("recorded %+v", got)
	}
	read := func(id content.ID, size int64) []byte {
		b := make([]byte, size)
		if _, err := blobs.ReadAt(id, b, 0); err != nil {
			t.Fatal(err)
		}
		return b
	}
	files, err := content.DecodeCollection(read(got.ID, got.Size))
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = read(f.ID, f.Size)
	}
	if !bytes.Equal(byPath["s1.ts"], append(part(3), part(4)...)) || !bytes.Equal(byPath["s3.ts"], part(7)) {
		t.Fatalf("collection %v", files)
	}
	m := string(byPath["index.m3u8"])
	for _, want := range []string{"#EXT-X-PLAYLIST-TYPE:VOD", "#EXTINF:1.000,\ns0.ts\n", "#EXTINF:0.500,\ns3.ts\n#EXT-X-ENDLIST"} {
		if !strings.Contains(m, want) {
			t.Fatalf("playlist lacks %q:\n%s", want, m)
		}
	}
	if _, err := alice.svc.Record(ctx, "other", blobs); err == nil {
		t.Fatal("recorded a stream this node does not publish")
	}
}
