package tui

import (
	"context"
	"errors"
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
)

// asciiRenderer renders without colour or attributes, so frames are
// plain text and goldens are stable.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

// newTestModel returns a model over f with no periodic refresh and the
// fake clock, sized w x h.
func newTestModel(t *testing.T, f *fakeBackend, w, h int) *model {
	t.Helper()
	m := newModel(t.Context(), f, Options{Self: "alice", Refresh: -1, Timeout: time.Minute}, asciiRenderer())
	m.now = func() time.Time { return t0 }
	m.loc = time.UTC
	drive(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// drive feeds each of msgs to m and then, synchronously and in order,
// every message its commands produce, until none is left, before the
// next: as if the user waited for the screen to settle. The model must not
// have started a tick or an event listener (Refresh < 0, nil Events), or
// drive would block.
func drive(m *model, msgs ...tea.Msg) {
	for _, msg := range msgs {
		queue := []tea.Msg{msg}
		for len(queue) > 0 {
			_, cmd := m.Update(queue[0])
			queue = append(queue[1:], runCmd(cmd)...)
		}
	}
}

func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, runCmd(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// start runs Init the way the program would.
func start(m *model) { drive(m, runCmd(m.Init())...) }

func keys(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var (
	keyTab   = tea.KeyMsg{Type: tea.KeyTab}
	keyEnter = tea.KeyMsg{Type: tea.KeyEnter}
	keyDown  = tea.KeyMsg{Type: tea.KeyDown}
)

// closedEvents is a channel that is already closed, for eventMsgs fed by
// hand: the model's next wait on it returns at once.
func closedEvents() <-chan Event {
	ch := make(chan Event)
	close(ch)
	return ch
}

func TestViewsRender(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys []tea.Msg
	}{
		{"network", nil},
		{"names", []tea.Msg{keyTab}},
		{"chat", []tea.Msg{keyTab, keyTab}},
		{"communities", []tea.Msg{keyTab, keyTab, keyTab}},
		{"back_to_network", []tea.Msg{keyTab, keyTab, keyTab, keyTab, keyTab, keyTab, keyTab, keyTab, keyTab, keyTab, keyTab}},
		{"digit_jump", []tea.Msg{keys("3")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestModel(t, newFake(), 80, 24)
			start(m)
			drive(m, tc.keys...)
			golden.RequireEqual(t, m.View())
		})
	}
}

func TestTabSwitching(t *testing.T) {
	m := newTestModel(t, newFake(), 80, 24)
	start(m)
	want := []view{viewNames, viewChat, viewCommunities, viewWallet, viewMail, viewVPN, viewFiles, viewQueues, viewRelay, viewStreams, viewNetwork}
	for i, v := range want {
		drive(m, keyTab)
		if m.current != v {
			t.Fatalf("after %d tabs: view %v, want %v", i+1, m.current, v)
		}
	}
	// shift+tab goes back through every view, from the last to Chat.
	for v := numViews - 1; v >= viewChat; v-- {
		from := m.current
		drive(m, tea.KeyMsg{Type: tea.KeyShiftTab})
		if m.current != v {
			t.Fatalf("shift+tab from %v: %v, want %v", from, m.current, v)
		}
	}
	// On Chat the digits type into the input instead of switching.
	drive(m, keys("1"))
	if m.current != viewChat || m.chat.input.Value() != "1" {
		t.Fatalf("'1' on Chat: view %v input %q, want Chat and \"1\"", m.current, m.chat.input.Value())
	}
	// Clicks on the tabs switch views, wherever the tab bar's level put
	// them; a click on the space before a tab changes nothing.
	for _, v := range []view{viewNetwork, viewNames, viewChat, viewCommunities, viewNetwork} {
		top := strings.Split(m.View(), "\n")[0]
		x := ansi.StringWidth(top[:strings.Index(top, "["+viewKey(int(v)))])
		was := m.current
		if x > 0 {
			drive(m, tea.MouseMsg{X: x - 1, Y: 0, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
			if m.current != was {
				t.Fatalf("click at x=%d, before tab %s: %v, want %v\n%s", x-1, viewKey(int(v)), m.current, was, top)
			}
		}
		drive(m, tea.MouseMsg{X: x + 1, Y: 0, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
		if m.current != v {
			t.Fatalf("click at x=%d: %v, want %v\n%s", x+1, m.current, v, top)
		}
	}
}

func TestChatSendThenDelivered(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 80, 24)
	m.current = viewChat
	m.focus()
	start(m)
	if !m.chat.hasPeer || m.chat.peer != bobW {
		t.Fatalf("chat opened on %v (has %v), want bob", m.chat.peer, m.chat.hasPeer)
	}
	drive(m, keys("see you at 5"), keyEnter)
	if got := f.sent(); len(got) != 1 || got[0] != "bob: see you at 5" {
		t.Fatalf("backend sends = %q, want [bob: see you at 5]", got)
	}
	if m.chat.input.Value() != "" {
		t.Fatalf("input not cleared after send: %q", m.chat.input.Value())
	}
	t.Run("pending", func(t *testing.T) { golden.RequireEqual(t, m.View()) })
	if !strings.Contains(m.View(), "see you at 5 … pending") {
		t.Fatalf("sent message not shown as pending:\n%s", m.View())
	}
	drive(m, eventMsg{f.receipt("s1", Delivered), closedEvents()})
	t.Run("delivered", func(t *testing.T) { golden.RequireEqual(t, m.View()) })
	if !strings.Contains(m.View(), "see you at 5 ✓✓ delivered") {
		t.Fatalf("receipt not shown:\n%s", m.View())
	}
}

func TestChatNewConversationAndIncoming(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 80, 24)
	start(m)
	drive(m, keys("3"), keyDown) // Chat, then carol
	if m.chat.peer != carolW {
		t.Fatalf("down selected %v, want carol", m.chat.peer)
	}
	if m.chat.unread() != 0 {
		t.Fatalf("opening carol left %d unread", m.chat.unread())
	}
	// A message from bob while carol is open counts as unread.
	f.mu.Lock()
	in := Message{ID: "m9", From: bobW, To: aliceW, Text: "ping", Sent: t0, Status: Delivered}
	f.msgs[bobW] = append(f.msgs[bobW], in)
	f.unread[bobW] = 1
	f.mu.Unlock()
	drive(m, eventMsg{Event{Kind: EventMessage, Message: in}, closedEvents()})
	if !strings.Contains(m.View(), "bob (1)") || !strings.Contains(m.View(), "[3 Chat (1)]") {
		t.Fatalf("unread count not shown:\n%s", m.View())
	}
	// "@name text" sends to a name and opens that conversation.
	drive(m, keys("@bob pong"), keyEnter)
	if got := f.sent(); len(got) != 1 || got[0] != "bob: pong" {
		t.Fatalf("backend sends = %q", got)
	}
	golden.RequireEqual(t, m.View())
	if m.chat.peer != bobW || m.chat.unread() != 0 {
		t.Fatalf("after @bob: peer %v unread %d, want bob and 0", m.chat.peer, m.chat.unread())
	}
}

func TestNames(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 80, 24)
	start(m)
	drive(m, keyTab, keys("bob"), keyEnter)
	v := m.View()
	if !strings.Contains(v, bobW.Hex()) || !strings.Contains(v, "127.0.0.1:41642") {
		t.Fatalf("resolve result not shown:\n%s", v)
	}
	// Reverse (two downs), then register (one up).
	drive(m, tea.KeyMsg{Type: tea.KeyEsc}, keyDown, keyDown, keys(carolW.Hex()), keyEnter)
	if !strings.Contains(m.View(), "name       carol.any") {
		t.Fatalf("reverse result not shown:\n%s", m.View())
	}
	drive(m, tea.KeyMsg{Type: tea.KeyEsc}, tea.KeyMsg{Type: tea.KeyUp}, keys("alice2"), keyEnter)
	if f.names["alice2"] != aliceW {
		t.Fatalf("register did not reach the backend: %v", f.names)
	}
	golden.RequireEqual(t, m.View())
}

func TestBackendErrorsShowInStatusLine(t *testing.T) {
	f := newFake()
	f.fail["Status"] = context.DeadlineExceeded
	m := newTestModel(t, f, 80, 24)
	start(m)
	if !strings.Contains(m.View(), "error: status: context deadline exceeded") {
		t.Fatalf("status error not shown:\n%s", m.View())
	}
	t.Run("network", func(t *testing.T) { golden.RequireEqual(t, m.View()) })

	drive(m, keyTab, keys("nobody"), keyEnter)
	if !strings.Contains(m.View(), `error: resolve nobody: resolve "nobody": naming: name not found`) {
		t.Fatalf("resolve error not shown:\n%s", m.View())
	}
	f.fail["Send"] = context.DeadlineExceeded
	drive(m, keyTab, keys("hello?"), keyEnter)
	if !strings.Contains(m.View(), "error: send to bob: context deadline exceeded") {
		t.Fatalf("send error not shown:\n%s", m.View())
	}
	t.Run("chat", func(t *testing.T) { golden.RequireEqual(t, m.View()) })
}

func TestResize(t *testing.T) {
	m := newTestModel(t, newFake(), 80, 24)
	start(m)
	for _, tc := range []struct {
		w, h int
		want string
	}{
		{20, 5, "terminal too small"},
		{39, 30, "terminal too small (39x30)"},
		{100, 7, "terminal too small (100x7)"},
		{5, 2, "too s"},
		{0, 0, ""},
	} {
		drive(m, tea.WindowSizeMsg{Width: tc.w, Height: tc.h})
		if got := m.View(); got != tc.want {
			t.Errorf("%dx%d: %q, want %q", tc.w, tc.h, got, tc.want)
		}
	}
	// Every view at the smallest drawn size fits exactly.
	for v := view(0); v < numViews; v++ {
		drive(m, tea.WindowSizeMsg{Width: minWidth, Height: minHeight})
		m.current = v
		checkFits(t, m.View(), minWidth, minHeight)
		t.Run(v.String(), func(t *testing.T) { golden.RequireEqual(t, m.View()) })
	}
}

// checkFits fails if frame is not h lines of at most w cells.
func checkFits(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, want %d:\n%s", len(lines), h, frame)
	}
	for i, l := range lines {
		if n := lipgloss.Width(l); n > w {
			t.Errorf("line %d is %d cells wide, max %d: %q", i, n, w, l)
		}
	}
}

func TestThroughputSparkline(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 60, 30)
	start(m)
	for _, in := range []uint64{1000, 3000, 3000, 11000, 12000} {
		f.mu.Lock()
		f.counters.BytesIn = in
		f.counters.BytesOut = in / 2
		f.mu.Unlock()
		drive(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	}
	// Rates per sample (Refresh < 0 counts per sample): 1000, 2000, 0, 8000, 1000.
	if got := m.net.in.vals; len(got) != 5 || got[3] != 8000 {
		t.Fatalf("in rates = %v", got)
	}
	if !strings.Contains(m.View(), "▁▂▁█▁") {
		t.Fatalf("sparkline not drawn:\n%s", m.View())
	}
	golden.RequireEqual(t, m.View())
}

func TestChatScroll(t *testing.T) {
	f := newFake()
	for i := range 40 {
		f.msgs[bobW] = append(f.msgs[bobW], Message{ID: fmt.Sprint("x", i), From: bobW, To: aliceW,
			Text: fmt.Sprint("line ", i), Sent: t0, Status: Delivered})
	}
	m := newTestModel(t, f, 60, 12)
	start(m)
	drive(m, keys("3"))
	if v := m.View(); !strings.Contains(v, "line 39") || strings.Contains(v, "hi bob") {
		t.Fatalf("chat does not open on the newest messages:\n%s", v)
	}
	for range 10 {
		drive(m, tea.KeyMsg{Type: tea.KeyPgUp})
	}
	if v := m.View(); !strings.Contains(v, "hi bob") || strings.Contains(v, "line 39") {
		t.Fatalf("pgup does not reach the oldest messages:\n%s", v)
	}
	drive(m, tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown}, tea.KeyMsg{Type: tea.KeyPgDown},
		tea.KeyMsg{Type: tea.KeyPgDown}, tea.KeyMsg{Type: tea.KeyPgDown}, tea.KeyMsg{Type: tea.KeyPgDown},
		tea.KeyMsg{Type: tea.KeyPgDown}, tea.KeyMsg{Type: tea.KeyPgDown}, tea.KeyMsg{Type: tea.KeyPgDown}, tea.KeyMsg{Type: tea.KeyPgDown})
	if v := m.View(); !strings.Contains(v, "line 39") {
		t.Fatalf("pgdown does not come back to the newest:\n%s", v)
	}
}

func TestPeersEventRefreshes(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 80, 24)
	start(m)
	before := f.called("Peers")
	drive(m, eventMsg{Event{Kind: EventPeers}, closedEvents()})
	if got := f.called("Peers"); got != before+1 {
		t.Fatalf("Peers called %d times after EventPeers, want %d", got, before+1)
	}
}

func TestRefreshInFlightNotRepeated(t *testing.T) {
	m := newTestModel(t, newFake(), 80, 24)
	if m.refreshNetwork() == nil {
		t.Fatal("first refresh started nothing")
	}
	if cmd := m.refreshNetwork(); cmd != nil {
		t.Fatal("second refresh started calls while the first is in flight")
	}
	drive(m, statusMsg{}, peersMsg{}, routesMsg{})
	if m.refreshNetwork() == nil {
		t.Fatal("refresh after the replies started nothing")
	}
}

func TestStartView(t *testing.T) {
	for start, want := range map[string]view{"": viewNetwork, "network": viewNetwork, "Names": viewNames, "chat": viewChat, "communities": viewCommunities} {
		m := newModel(t.Context(), newFake(), Options{Start: start}, asciiRenderer())
		if m.current != want {
			t.Errorf("Start %q: view %v, want %v", start, m.current, want)
		}
	}
}

func TestNetworkScroll(t *testing.T) {
	m := newTestModel(t, newFake(), 60, 10)
	start(m)
	if v := m.View(); strings.Contains(v, "fd00:b0b::/64") || !strings.Contains(v, "↓ more") {
		t.Fatalf("small network view shows the end or no hint:\n%s", v)
	}
	for range 40 {
		drive(m, keyDown)
	}
	v := m.View()
	if !strings.Contains(v, "fd00:b0b::/64") || strings.Contains(v, "↓ more") {
		t.Fatalf("scrolled to the end, the routes are not shown:\n%s", v)
	}
	checkFits(t, v, 60, 10)
	drive(m, tea.KeyMsg{Type: tea.KeyUp})
	if !strings.Contains(m.View(), "↓ more") {
		t.Fatalf("one up from the end shows no hint:\n%s", m.View())
	}
}

func TestChatFailedSend(t *testing.T) {
	m := newTestModel(t, newFake(), 80, 24)
	start(m)
	drive(m, keys("3"), sentMsg{to: "bob", msg: Message{ID: "f1", From: aliceW, To: bobW, Text: "lost", Sent: t0,
		Status: Failed, Err: "no route"}, err: errors.New("im: unreachable")})
	v := m.View()
	if !strings.Contains(v, "lost ✗ failed: no route") || !strings.Contains(v, "error: send to bob: im: unreachable") {
		t.Fatalf("failed send not shown:\n%s", v)
	}
}

// TestEveryViewFits draws every view at many sizes and checks that each
// frame is exactly the terminal's height and never wider.
func TestEveryViewFits(t *testing.T) {
	f := newFake().withCommunities()
	for i := range 30 {
		f.msgs[bobW] = append(f.msgs[bobW], Message{ID: fmt.Sprint("x", i), From: bobW, To: aliceW,
			Text: strings.Repeat("word ", i), Sent: t0, Status: Delivered})
		f.posts[lobbyID] = append(f.posts[lobbyID], Post{Community: lobbyID, Seq: uint64(4 + i), ID: fmt.Sprint("y", i),
			From: bobW, Text: strings.Repeat("post ", i), Sent: t0})
	}
	m := newTestModel(t, f, 80, 24)
	start(m)
	// Open the lobby, then bob, then resolve bob.
	drive(m, keys("4"), keyTab, keys("3"), tea.KeyMsg{Type: tea.KeyShiftTab}, keys("bob"), keyEnter)
	if m.comm.id != lobbyID || !m.chat.hasPeer || len(m.names.result) == 0 {
		t.Fatalf("setup: community %q, chat %v, names %q", m.comm.id, m.chat.hasPeer, m.names.result)
	}
	for _, size := range [][2]int{{40, 8}, {41, 9}, {57, 13}, {80, 24}, {120, 40}, {300, 8}, {40, 100}} {
		drive(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for v := view(0); v < numViews; v++ {
			m.current = v
			checkFits(t, m.View(), size[0], size[1])
		}
	}
}
