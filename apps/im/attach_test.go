package im

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestAttachmentResumeAndIntegrity: a 300 KB file offered to bob;
// bob's first download is interrupted, the second resumes where it
// stopped; a corrupted partial file fails the integrity check and a
// clean retry succeeds. A wallet it was not offered to cannot fetch it.
func TestAttachmentResumeAndIntegrity(t *testing.T) {
	ctx := testCtx(t)
	tn := newTestNet(t, "alice", "bob", "carol")
	alice, bob, carol := tn.get("alice"), tn.get("bob"), tn.get("carol")
	bob.dir = t.TempDir()
	tn.startAll(Config{})
	data := make([]byte, 300_000)
	rand.Read(data)
	src := filepath.Join(t.TempDir(), "holiday.mp4")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := alice.svc.SendFile(ctx, bob.Wallet.Hex(), src, Video)
	if err != nil || m.Status != Delivered || m.Attachment == nil {
		t.Fatalf("send file: %+v, %v", m, err)
	}
	h, _ := bob.svc.History(ctx, alice.Wallet, 0)
	if len(h) != 1 || h[0].Attachment == nil || h[0].Attachment.Name != "holiday.mp4" ||
		h[0].Attachment.Size != int64(len(data)) || h[0].Attachment.Type != Video || h[0].Attachment.Path != "" {
		t.Fatalf("bob's offer: %+v", h)
	}

	// Interrupted after about 100 KB.
	cctx, cancel := context.WithCancel(ctx)
	_, err = bob.svc.Download(cctx, m.ID, func(have, total int64) {
		if have >= 100_000 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted download: %v", err)
	}
	// Resumed: the first progress report already holds the earlier bytes.
	var first int64 = -1
	path, err := bob.svc.Download(ctx, m.ID, func(have, total int64) {
		if first < 0 {
			first = have
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if first < 100_000 {
		t.Fatalf("resumed at %d, want ≥ 100000", first)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, data) {
		t.Fatal("downloaded file differs")
	}
	if h, _ := bob.svc.History(ctx, alice.Wallet, 0); h[0].Attachment.Path != path {
		t.Fatalf("stored path %q, want %q", h[0].Attachment.Path, path)
	}

	// Integrity: a second offer, its partial file corrupted.
	m2, err := alice.svc.SendFile(ctx, bob.Wallet.Hex(), src, File)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path) // same content, same final name
	cctx, cancel = context.WithCancel(ctx)
	bob.svc.Download(cctx, m2.ID, func(have, _ int64) {
		if have >= 64_000 {
			cancel()
		}
	})
	parts, _ := filepath.Glob(filepath.Join(bob.dir, "attachments", "*.part"))
	if len(parts) != 1 {
		t.Fatalf("partial files: %v", parts)
	}
	pf, _ := os.OpenFile(parts[0], os.O_RDWR, 0)
	pf.WriteAt([]byte{0xde, 0xad}, 10)
	pf.Close()
	if _, err := bob.svc.Download(ctx, m2.ID, nil); !errors.Is(err, ErrIntegrity) {
		t.Fatalf("corrupted download: %v, want ErrIntegrity", err)
	}
	if path, err = bob.svc.Download(ctx, m2.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatal("retried download differs")
	}

	// Carol was never offered the file.
	sc := dialRaw(t, ctx, carol, alice)
	sc.send(&chunkReqFrame{ID: newMessageID(), SHA256: m.Attachment.SHA256, Length: 10})
	if f, err := sc.next(); err != nil || f.(*errorFrame).Code != CodeRefused {
		t.Fatalf("carol's chunk request answered %#v, %v", f, err)
	}
}
