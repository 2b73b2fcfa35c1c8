package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
)

// TestFrameSizes draws every view at 60x20, 80x24 and 200x50 (goldens
// under testdata/TestFrameSizes) and checks that nothing essential is
// cut: the title, every tab, the help line's next-view and quit keys,
// on Network the Routes section with its METRIC column and the peers'
// names and paths, on Chat the conversation and the input.
func TestFrameSizes(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{60, 20}, {80, 24}, {200, 50}} {
		for v := view(0); v < numViews; v++ {
			name := fmt.Sprintf("%dx%d_%s", sz.w, sz.h, v)
			t.Run(name, func(t *testing.T) {
				m := newTestModel(t, newFake(), sz.w, sz.h)
				start(m)
				if viewKey(int(v)) != "" {
					drive(m, keys(viewKey(int(v))))
				} else {
					for range v { // past the tenth: Tab
						drive(m, keyTab)
					}
				}
				if m.current != v {
					t.Fatalf("digit %q or Tab: view %s", viewKey(int(v)), m.current)
				}
				frame := m.View()
				checkFits(t, frame, sz.w, sz.h)
				lines := strings.Split(frame, "\n")
				top, helpLine := lines[0], lines[len(lines)-1]
				want := []string{"anynet", "tab next view", "quit"}
				for _, s := range want {
					if !strings.Contains(top+helpLine, s) {
						t.Errorf("%q cut from the frame:\n%s", s, frame)
					}
				}
				for d := range int(numViews) {
					if !strings.Contains(top, "["+viewKey(d)) {
						t.Errorf("tab %s missing: %q", viewKey(d), top)
					}
				}
				switch v {
				case viewNetwork:
					for _, s := range []string{"Identity", "Peers (2)", "bob.anynet", "direct", "relayed", "Routes (1)", "METRIC", "fd00:b0b::/64"} {
						if !strings.Contains(frame, s) {
							t.Errorf("%q missing on Network:\n%s", s, frame)
						}
					}
				case viewChat:
					for _, s := range []string{"Conversations", "bob", "› "} {
						if !strings.Contains(frame, s) {
							t.Errorf("%q missing on Chat:\n%s", s, frame)
						}
					}
				}
				if strings.Contains(frame, "M…") {
					t.Errorf("a column cut to M…:\n%s", frame)
				}
				golden.RequireEqual(t, frame)
			})
		}
	}
}

// TestEscLeavesInput: in the Chat input digits type; Esc clears and
// leaves it, and then a digit switches view; typing goes back to the
// input.
func TestEscLeavesInput(t *testing.T) {
	m := newTestModel(t, newFake(), 80, 24)
	start(m)
	drive(m, keys("3"), keys("4"))
	if m.current != viewChat || m.chat.input.Value() != "4" {
		t.Fatalf("a digit in the Chat input: view %s, input %q", m.current, m.chat.input.Value())
	}
	drive(m, tea.KeyMsg{Type: tea.KeyEsc})
	if m.chat.input.Focused() || m.chat.input.Value() != "" {
		t.Fatalf("after esc: focused %v, input %q", m.chat.input.Focused(), m.chat.input.Value())
	}
	if !strings.Contains(m.View(), digitsHelp(int(numViews))+" go to view") {
		t.Errorf("the help line does not say digits switch views now:\n%s", m.View())
	}
	drive(m, keys("h"))
	if !m.chat.input.Focused() || m.chat.input.Value() != "h" {
		t.Fatalf("typing after esc: focused %v, input %q", m.chat.input.Focused(), m.chat.input.Value())
	}
	drive(m, tea.KeyMsg{Type: tea.KeyEsc}, keys("4"))
	if m.current != viewCommunities || !m.comm.input.Focused() {
		t.Fatalf("esc then 4: view %s, input focused %v", m.current, m.comm.input.Focused())
	}
	drive(m, tea.KeyMsg{Type: tea.KeyEsc}, keys("1"), keys("q"))
	if m.current != viewNetwork {
		t.Fatalf("esc then 1: view %s", m.current)
	}
}
