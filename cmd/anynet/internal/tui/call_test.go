package tui

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/ethereum/go-ethereum/common"
)

// audioFile writes a small file to call with into a temporary directory
// and returns its absolute path.
func audioFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, make([]byte, 4000), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// openChat starts a model over f on the Chat view (bob selected).
func openChat(t *testing.T, f *fakeBackend) *model {
	t.Helper()
	m := newTestModel(t, f, 120, 24)
	start(m)
	drive(m, keys("3"))
	return m
}

func wantCalls(t *testing.T, f *fakeBackend, want ...string) {
	t.Helper()
	if got, _ := f.callsMade(); !slices.Equal(got, want) {
		t.Fatalf("backend calls = %q, want %q", got, want)
	}
}

// fakeSummary is the line the fake's call ends with.
const fakeSummary = "call with bob: 248/250 packets, 0.8% lost, jitter 1.23ms, rtt p50 812µs p99 2.51ms, 1 late, 0 dup, 39.1 KiB in 5.02s"

// TestChatCallRefusals: /call is refused, on the status line and with
// the input kept, without a selection, for a group or a request, for a
// file that is missing or a directory, and for a bad BITRATE; no call
// reaches the node.
func TestChatCallRefusals(t *testing.T) {
	song := audioFile(t, "song.raw")
	dir := filepath.Dir(song)

	f := newFake()
	f.requests = map[common.Address]bool{carolW: true}
	f.groups = map[string][]Message{"0123": {{ID: "g0", From: bobW, Group: "0123", Text: "hi team", Sent: t0, Status: Delivered}}}
	f.groupNames = map[string]string{"0123": "team"}
	m := openChat(t, f)
	refused := func(in, notice string) {
		t.Helper()
		drive(m, tea.KeyMsg{Type: tea.KeyEsc}, keys(in), keyEnter)
		wantNotice(t, m, true, notice)
		if m.chat.input.Value() != in || m.chat.call.active {
			t.Fatalf("%q: input %q, call active %v after a refusal", in, m.chat.input.Value(), m.chat.call.active)
		}
		if !strings.Contains(m.View(), "error: "+notice) {
			t.Fatalf("%q: refusal not on the status line:\n%s", in, m.View())
		}
	}
	// bob selected: the arguments are checked.
	refused("/call", callUsage)
	refused("/call   ", callUsage)
	refused("/call "+dir+"/nope.raw", "call: stat "+dir+"/nope.raw: no such file or directory")
	refused("/call "+dir, "call: "+dir+" is a directory")
	refused("/call "+song+" 64k", `bad bitrate "64k": bits per second as a whole number (64000)`)
	refused("/call "+song+" -8000", "bad bitrate -8000: bits per second, at least 0")
	refused("/hangup", "hangup: no call is running")
	// carol's conversation is a request.
	drive(m, tea.KeyMsg{Type: tea.KeyEsc}, keyDown)
	if !m.chat.requestSelected() {
		t.Fatalf("carol not selected as a request:\n%s", m.View())
	}
	refused("/call "+song, "call: carol is a request; allow it (alt+a) before calling")
	// The group.
	drive(m, tea.KeyMsg{Type: tea.KeyEsc}, keyDown)
	if m.chat.group != "0123" {
		t.Fatalf("group not selected:\n%s", m.View())
	}
	refused("/call "+song, "call: calls are 1:1; select a conversation with one person, not a group")
	// /file is refused for a group too, rather than posted as text.
	refused("/file "+song, "select a conversation with one person to send a file")
	if got := f.sent(); len(got) != 0 {
		t.Fatalf("backend sends = %q", got)
	}

	// No conversation at all: nothing is selected.
	f = newFake()
	f.msgs = nil
	m = openChat(t, f)
	if m.chat.hasPeer {
		t.Fatal("a conversation is selected with none listed")
	}
	refused("/call "+song, "call: select a conversation with one person first")
	wantCalls(t, f)
}

// TestChatCall: /call FILE BITRATE calls the selected peer (by wallet,
// with the path made absolute), and the statistics show on the status
// line once it ends; "~/" and a relative FILE are expanded, BITRATE
// parses as the CLI's --bitrate does.
func TestChatCall(t *testing.T) {
	song := audioFile(t, "song.raw")
	dir := filepath.Dir(song)
	t.Chdir(dir)
	t.Setenv("HOME", dir)
	f := newFake()
	m := openChat(t, f)

	drive(m, keys("/call song.raw 128000"), keyEnter)
	wantCalls(t, f, bobW.Hex()+" "+song+" 128000")
	wantNotice(t, m, false, fakeSummary)
	if v := m.View(); !strings.Contains(v, fakeSummary) || m.chat.input.Value() != "" || m.chat.call.active {
		t.Fatalf("after the call (input %q, active %v):\n%s", m.chat.input.Value(), m.chat.call.active, v)
	}

	drive(m, keys("/call ~/song.raw"), keyEnter)
	drive(m, keys("/call ~/song.raw 0x1f400"), keyEnter)
	drive(m, keys("/call ./song.raw 1_000_000"), keyEnter)
	wantCalls(t, f, bobW.Hex()+" "+song+" 128000", bobW.Hex()+" "+song+" 64000",
		bobW.Hex()+" "+song+" 128000", bobW.Hex()+" "+song+" 1000000")
}

func TestParseCall(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("take 2", nil, 0o600) // a name whose last word is a number
	for in, want := range map[string]struct {
		path    string
		bitrate int
		err     bool
	}{
		"a.raw":             {"a.raw", 64000, false},
		"a.raw 8000":        {"a.raw", 8000, false},
		"a.raw 0":           {"a.raw", 64000, false},
		"a.raw 0x10":        {"a.raw", 16, false},
		"my song.raw":       {"my song.raw", 64000, false},
		"my song.raw 16000": {"my song.raw", 16000, false},
		"take 2":            {"take 2", 64000, false},
		"take 2 8000":       {"take 2", 8000, false},
		"a.raw 1e6":         {err: true},
		"a.raw -1":          {err: true},
		"":                  {err: true},
	} {
		path, bitrate, err := parseCall(in)
		if (err != nil) != want.err || err == nil && (path != want.path || bitrate != want.bitrate) {
			t.Errorf("parseCall(%q) = %q, %d, %v; want %q, %d, error %v", in, path, bitrate, err, want.path, want.bitrate, want.err)
		}
	}
}

func TestCallSummary(t *testing.T) {
	if got := callSummary("bob", fakeCall); got != fakeSummary {
		t.Errorf("summary = %q", got)
	}
	r := CallResult{Sent: 50, Bytes: 8000, Duration: time.Second}
	if got, want := callSummary("bob", r), "call with bob: 50 packets sent, no report from bob (receive side unknown), 7.8 KiB in 1s"; got != want {
		t.Errorf("summary without report = %q, want %q", got, want)
	}
	for n, want := range map[int]string{999: "999 bit/s", 64000: "64 kbit/s", 1_500_000: "1.5 Mbit/s"} {
		if got := fmtBitrate(n); got != want {
			t.Errorf("fmtBitrate(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestChatCallHangup: while a call runs the status line says so, the
// input still sends, a second /call is refused; /hangup cancels the
// call's context, and then a new call may start.
func TestChatCallHangup(t *testing.T) {
	song := audioFile(t, "song.raw")
	f := newFake()
	f.callHold = make(chan struct{})
	f.callStarted = make(chan struct{}, 1)
	m := openChat(t, f)

	drive(m, keys("/call "+song+" 16000"))
	cmd := m.updateChat(keyEnter) // started, not run yet
	if cmd == nil {
		t.Fatal("/call started nothing")
	}
	calling := "calling bob… (song.raw, 16 kbit/s) · /hangup ends it"
	wantNotice(t, m, false, calling)
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	<-f.callStarted

	drive(m, keys("/call "+song), keyEnter)
	wantNotice(t, m, true, "a call is running: bob (song.raw); /hangup ends it")
	drive(m, tea.KeyMsg{Type: tea.KeyEsc}, keys("still there?"), keyEnter)
	if got := f.sent(); len(got) != 1 || got[0] != "bob: still there?" {
		t.Fatalf("backend sends during the call = %q", got)
	}
	if v := m.View(); !strings.Contains(v, "you: still there?") || !strings.Contains(v, calling) {
		t.Fatalf("during the call:\n%s", v)
	}
	wantCalls(t, f, bobW.Hex()+" "+song+" 16000")

	drive(m, keys("/hangup"), keyEnter)
	wantNotice(t, m, false, "hanging up on bob…")
	var msg tea.Msg
	select { // the bound only catches a broken test; nothing is timed
	case msg = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("/hangup did not end the call")
	}
	if _, ends := f.callsMade(); !slices.Equal(ends, []string{"context canceled"}) {
		t.Fatalf("call ended %q, want its context cancelled", ends)
	}
	drive(m, msg)
	wantNotice(t, m, false, "hung up on bob")
	if m.chat.call.active {
		t.Fatal("call still active after it ended")
	}

	f.callHold = nil
	drive(m, keys("/call "+song), keyEnter)
	wantNotice(t, m, false, fakeSummary)
}

// TestChatCallError: the node's error ends the call on the status line.
func TestChatCallError(t *testing.T) {
	song := audioFile(t, "song.raw")
	f := newFake()
	f.fail["Call"] = errors.New("im: call 0xB0B…: no route to host")
	m := openChat(t, f)
	drive(m, keys("/call "+song), keyEnter)
	wantNotice(t, m, true, "call bob: im: call 0xB0B…: no route to host")
	if v := m.View(); !strings.Contains(v, "error: call bob: im: call 0xB0B…: no route to host") || m.chat.call.active {
		t.Fatalf("after a failed call:\n%s", v)
	}
}

// TestProgramCall runs a call in a real bubbletea program with the
// periodic refresh on: the status line says it is calling while the
// node holds the call, then shows the statistics.
func TestProgramCall(t *testing.T) {
	song := audioFile(t, "song.raw")
	f := newFake()
	f.callHold = make(chan struct{})
	m := newModel(t.Context(), f, Options{Self: "alice", Start: "chat", Refresh: 20 * time.Millisecond, Timeout: 5 * time.Second}, asciiRenderer())
	m.now = func() time.Time { return t0 }
	m.loc = time.UTC
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 24))

	waitFor(t, tm, "hello alice!")
	tm.Type("/call " + song + " 128000")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "calling bob… (song.raw, 128 kbit/s)")
	close(f.callHold)
	waitFor(t, tm, "1 late, 0 dup")

	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*model)
	wantCalls(t, f, bobW.Hex()+" "+song+" 128000")
	wantNotice(t, fm, false, fakeSummary)
	golden.RequireEqual(t, fm.View())
}
