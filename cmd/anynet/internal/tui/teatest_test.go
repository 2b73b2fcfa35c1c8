package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// waitFor waits until the program's output (since the last wait) holds s.
// The long limit only bounds a broken test; nothing is timed.
func waitFor(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// TestProgramChat runs the model in a real bubbletea program with the
// periodic refresh on: the user types a message, sees it pending, the
// node reports delivery as an event, and the mark turns to delivered and
// stays so although the refreshed history still says pending.
func TestProgramChat(t *testing.T) {
	f := newFake()
	f.events = make(chan Event, 4)
	m := newModel(t.Context(), f, Options{Self: "alice", Start: "chat", Refresh: 20 * time.Millisecond, Timeout: 5 * time.Second}, asciiRenderer())
	m.now = func() time.Time { return t0 }
	m.loc = time.UTC
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))

	waitFor(t, tm, "hello alice!")
	tm.Type("see you at 5")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "see you at 5 … pending")

	f.events <- Event{Kind: EventReceipt, Message: Message{ID: "s1", From: aliceW, To: bobW,
		Text: "see you at 5", Sent: t0, Status: Delivered}}
	waitFor(t, tm, "see you at 5 ✓✓ delivered")

	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*model)
	if got := f.sent(); len(got) != 1 || got[0] != "bob: see you at 5" {
		t.Fatalf("backend sends = %q", got)
	}
	golden.RequireEqual(t, fm.View())
}

// TestProgramResize shrinks a running program to 20x5 and back.
func TestProgramResize(t *testing.T) {
	m := newModel(t.Context(), newFake(), Options{Refresh: -1}, asciiRenderer())
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "Identity")
	tm.Send(tea.WindowSizeMsg{Width: 20, Height: 5})
	waitFor(t, tm, "terminal too small")
	tm.Send(tea.WindowSizeMsg{Width: 60, Height: 20})
	waitFor(t, tm, "Peers (2)")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
}

func TestRunQuitsOnQ(t *testing.T) {
	var out bytes.Buffer
	err := Run(t.Context(), newFake(), Options{In: strings.NewReader("q"), Out: &out, Refresh: -1})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(out.String(), "[1 Net") { // "[1 Network]", or "[1 Net]" when the tabs are many
		t.Fatalf("Run drew nothing: %q", out.String())
	}
}

func TestRunCancelledIsNormalExit(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r, w := io.Pipe() // input that never ends by itself
	defer w.Close()
	if err := Run(ctx, newFake(), Options{In: r, Out: io.Discard}); err != nil {
		t.Fatalf("Run with a cancelled context = %v, want nil", err)
	}
}

func TestRunNilBackend(t *testing.T) {
	if err := Run(t.Context(), nil, Options{}); err == nil {
		t.Fatal("Run(nil backend) = nil error")
	}
}

// TestProgramNeverBlocks: with the node hanging on Status and Peers, the
// TUI still switches views and types; the calls end with the timeout and
// the error shows in the status line.
func TestProgramNeverBlocks(t *testing.T) {
	f := newFake()
	f.block = make(chan struct{})
	defer close(f.block)
	m := newModel(t.Context(), f, Options{Refresh: -1, Timeout: 300 * time.Millisecond}, asciiRenderer())
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "loading…")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Type("bob")
	waitFor(t, tm, "› bob")
	waitFor(t, tm, "error: ")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*model)
	if !fm.noticeErr || !strings.Contains(fm.notice, "context deadline exceeded") {
		t.Fatalf("status line = %q, want a deadline error", fm.notice)
	}
}
