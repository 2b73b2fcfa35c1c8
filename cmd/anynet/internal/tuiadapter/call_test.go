//go:build !nochain

package tuiadapter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/tui"
)

// TestCallOnDaemons drives calls through the Backend on two real
// daemons: bob allows alice, alice calls him with a small file at a high
// bitrate and gets his report (packets received); a long call is hung
// up by cancelling its context once media flows; and the same call
// typed as /call in the TUI (tui.Run over this Backend) ends with the
// statistics on the status line.
func TestCallOnDaemons(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	ad, bd, a, b := daemons(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.Consent(ctx, ad.Wallet(), tui.Allow); err != nil { // calls are taken from allowed wallets only
		t.Fatal(err)
	}
	if _, err := a.Send(ctx, "bob", "calling you"); err != nil { // a conversation for the TUI to select
		t.Fatal(err)
	}
	dir := t.TempDir()
	audio := filepath.Join(dir, "audio.raw")
	if err := os.WriteFile(audio, bytes.Repeat([]byte{7}, 16000), 0o600); err != nil {
		t.Fatal(err)
	}

	// 16 kB at 1.28 Mbit/s: 100 packets of 160 bytes, 1 ms apart.
	r, err := a.Call(ctx, bd.Wallet().Hex(), audio, 1_280_000)
	if err != nil {
		t.Fatal(err)
	}
	if r.Peer != bd.Wallet() || r.Sent != 100 || r.Bytes != 16000 || r.Duration <= 0 {
		t.Fatalf("call = %+v", r)
	}
	if !r.Reported || r.Received == 0 || r.Received > r.Sent || r.Lost != r.Sent-r.Received {
		t.Fatalf("bob's report = %+v", r)
	}
	t.Logf("call: %+v", r)

	// Hang up: 1 MB at 64 kbit/s would take two minutes.
	long := filepath.Join(dir, "long.raw")
	if err := os.WriteFile(long, make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := a.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cctx, hangup := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := a.Call(cctx, bd.Wallet().Hex(), long, 64000)
		done <- err
	}()
	until(t, "media flowing", func() error {
		now, err := a.Status(ctx)
		if err != nil {
			return err
		}
		if sent := now.Counters.FramesOut - st.Counters.FramesOut; sent < 20 {
			return fmt.Errorf("%d frames sent", sent)
		}
		return nil
	})
	hangup()
	select { // the bound only catches a broken test; nothing is timed
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("hung-up call = %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("cancelling the context did not end the call")
	}

	// The same call through the TUI.
	in, typing := io.Pipe()
	defer typing.Close()
	out := &syncBuffer{}
	ran := make(chan error, 1)
	go func() { ran <- tui.Run(ctx, a, tui.Options{In: in, Out: out, Self: "alice", Start: "chat"}) }()
	until(t, "bob's conversation selected", func() error {
		if !out.contains("you: calling you") {
			return errors.New("not shown yet")
		}
		return nil
	})
	if _, err := io.WriteString(typing, "/call "+audio+" 1280000\r"); err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`call with bob\.anynet: (\d+)/(\d+) packets`)
	var m []string
	until(t, "the call's statistics on the status line", func() error {
		if m = line.FindStringSubmatch(out.String()); m == nil {
			return errors.New("not shown yet")
		}
		return nil
	})
	t.Logf("TUI: %s", m[0])
	if got, _ := strconv.Atoi(m[1]); got == 0 || m[2] != "100" {
		t.Fatalf("status line %q: want >0 of 100 packets received", m[0])
	}
	io.WriteString(typing, "\x03") // ctrl+c
	select {
	case err := <-ran:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the TUI did not quit on ctrl+c")
	}
}

// syncBuffer is the TUI's output, read while the program writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) contains(sub string) bool {
	return bytes.Contains([]byte(s.String()), []byte(sub))
}
