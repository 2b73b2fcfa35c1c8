package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
)

// tenViews is the registry plus stand-ins (Network's drawing under
// other names) up to at least ten views, as the services coming add
// theirs.
func tenViews() []viewSpec {
	specs := append([]viewSpec{}, views[:]...)
	have := map[string]bool{}
	for _, s := range specs {
		have[s.title] = true
	}
	for _, n := range []struct{ title, short string }{
		{"Mail", "Mail"}, {"Queues", "Queue"}, {"Content", "Cont"}, {"VPN", "VPN"},
		{"Streams", "Strm"}, {"Relay", "Relay"}, {"Pay", "Pay"}, {"Files", "Files"},
	} {
		if len(specs) >= 10 {
			break
		}
		if have[n.title] {
			continue
		}
		s := views[viewNetwork]
		s.title, s.short = n.title, n.short
		specs = append(specs, s)
	}
	return specs
}

// TestTenViews registers ten views or more and checks, at every frame
// size and on every view reached by its digit (1-9, then 0 for the
// tenth) or, past the tenth, by Tab, that the tab bar keeps every
// tab's "[KEY" marker (a tab without a key: its short title) and the
// title, and the help line "tab next view", "quit" and, outside an
// input, "1-9,0 go to view". Tab from the last wraps to the first. The
// 60x20 frame of the tenth view is a golden.
func TestTenViews(t *testing.T) {
	specs := tenViews()
	if len(specs) < 10 {
		t.Fatalf("%d views, want 10 or more", len(specs))
	}
	for _, sz := range []struct{ w, h int }{{60, 20}, {80, 24}, {200, 50}} {
		m := newTestModel(t, newFake(), sz.w, sz.h)
		m.tabs = specs
		start(m)
		for v := range len(specs) {
			if v < 10 {
				drive(m, tea.KeyMsg{Type: tea.KeyEsc}, keys(viewKey(v)))
			} else {
				drive(m, tea.KeyMsg{Type: tea.KeyTab})
			}
			if int(m.current) != v {
				t.Fatalf("%dx%d: key %s: view %d, want %d", sz.w, sz.h, viewKey(v), m.current, v)
			}
			frame := m.View()
			checkFits(t, frame, sz.w, sz.h)
			lines := strings.Split(frame, "\n")
			top, helpLine := lines[0], lines[len(lines)-1]
			if !strings.Contains(top, "anynet") {
				t.Errorf("%dx%d view %d: title cut: %q", sz.w, sz.h, v, top)
			}
			for d := range len(specs) {
				k := viewKey(d)
				if k == "" && strings.Contains(top, "["+specs[d].title) {
					continue
				}
				if !strings.Contains(top, "["+or(k, specs[d].short)) {
					t.Errorf("%dx%d view %d: tab %s missing: %q", sz.w, sz.h, v, viewKey(d), top)
				}
			}
			want := []string{"tab next view", "quit"}
			if specs[v].input == nil {
				want = append(want, "1-9,0 go to view")
			}
			for _, s := range want {
				if !strings.Contains(helpLine, s) {
					t.Errorf("%dx%d view %d: %q cut from the help line: %q", sz.w, sz.h, v, s, helpLine)
				}
			}
			if sz.w == 60 && v == 9 {
				t.Run("60x20_tenth", func(t *testing.T) { golden.RequireEqual(t, frame) })
			}
		}
		drive(m, tea.KeyMsg{Type: tea.KeyTab})
		if m.current != 0 {
			t.Errorf("%dx%d: tab from the last view: view %d, want the first", sz.w, sz.h, m.current)
		}
	}
}

// TestTabLevels: the tab bar keeps full labels while they fit, then
// short ones, then keys with the current view's name, then keys only
// (Chat's unread count stays); a tab past the tenth has no key and
// keeps its short title.
func TestTabLevels(t *testing.T) {
	m := newTestModel(t, newFake(), 200, 50)
	start(m)
	for _, c := range []struct {
		w    int
		want string
	}{
		{200, "[9 Queues] [0 Relay] [Streams]"},
		{130, "[1 Net] [2 Names] [3 Chat (1)] [4 Comm]"}, {130, "[0 Relay] [Live]"},
		{70, "[1 Net] [2] [3 (1)] [4] [5] [6] [7] [8] [9] [0] [Live]"},
		{57, "[1] [2] [3 (1)] [4] [5] [6] [7] [8] [9] [0] [Live] anynet"},
	} {
		drive(m, tea.WindowSizeMsg{Width: c.w, Height: 20})
		if top := strings.Split(m.View(), "\n")[0]; !strings.Contains(top, c.want) {
			t.Errorf("width %d: tab bar %q, want %q in it", c.w, top, c.want)
		}
	}
}
