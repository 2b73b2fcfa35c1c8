package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/ethereum/go-ethereum/common"
)

func alt(r rune) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: true} }

// TestChatRequest: a request is marked, its keys are in the help line
// only while it is selected, and alt+a/alt+d/alt+b answer it.
func TestChatRequest(t *testing.T) {
	for _, tc := range []struct {
		key     rune
		want    string // the backend's record
		notice  string
		listed  bool // carol still listed afterwards
		request bool // and still a request
	}{
		{'a', "allow carol", "allowed carol", true, false},
		{'d', "deny carol", "denied carol", false, false},
		{'b', "block carol", "blocked carol", false, false},
	} {
		t.Run(tc.want, func(t *testing.T) {
			f := newFake()
			f.requests = map[common.Address]bool{carolW: true}
			m := newTestModel(t, f, 80, 24)
			start(m)
			drive(m, keys("3"))
			if strings.Contains(m.View(), "alt+a/d/b allow/deny/block") {
				t.Fatalf("request keys shown with bob selected:\n%s", m.View())
			}
			drive(m, alt('a'), tea.KeyMsg{Type: tea.KeyEsc}) // not a request: no answer
			if len(f.consents) != 0 {
				t.Fatalf("alt+a on bob answered: %q", f.consents)
			}
			drive(m, keyDown)
			v := m.View()
			if !strings.Contains(v, "? carol") || !strings.Contains(v, "request carol") || !strings.Contains(v, "alt+a/d/b allow/deny/block") {
				t.Fatalf("request not marked or its keys not shown:\n%s", v)
			}
			if tc.key == 'a' {
				golden.RequireEqual(t, v)
			}
			drive(m, alt(tc.key))
			if got := f.consents; len(got) != 1 || got[0] != tc.want {
				t.Fatalf("backend consents = %q, want [%s]", got, tc.want)
			}
			v = m.View()
			if !strings.Contains(v, tc.notice) || strings.Contains(v, "alt+a/d/b allow/deny/block") {
				t.Errorf("after %s:\n%s", tc.want, v)
			}
			listed := false
			for _, cv := range m.chat.convs {
				if cv.Peer == carolW {
					listed = true
					if cv.Request != tc.request {
						t.Errorf("carol request = %v after %s", cv.Request, tc.want)
					}
				}
			}
			if listed != tc.listed {
				t.Errorf("carol listed = %v after %s, want %v", listed, tc.want, tc.listed)
			}
		})
	}
}

// TestChatGroup: groups are listed after the conversations; selecting one
// shows its messages, enter posts to it and a group event lands in it.
func TestChatGroup(t *testing.T) {
	f := newFake()
	f.groups = map[string][]Message{"0123": {
		{ID: "g0", From: bobW, Group: "0123", Text: "welcome to the team", Sent: t0.Add(-time.Minute), Status: Delivered},
	}}
	f.groupNames = map[string]string{"0123": "team"}
	m := newTestModel(t, f, 80, 24)
	start(m)
	drive(m, keys("3"), keyDown)
	marks := f.called("MarkRead")
	drive(m, keyDown)
	if m.chat.group != "0123" {
		t.Fatalf("selected %v/%q, want the group", m.chat.peer, m.chat.group)
	}
	drive(m, keys("hello team"), keyEnter)
	if got := f.sent(); len(got) != 1 || got[0] != "#team: hello team" {
		t.Fatalf("backend sends = %q", got)
	}
	in := Message{ID: "g9", From: carolW, Group: "0123", Text: "hi all", Sent: t0, Status: Delivered}
	drive(m, eventMsg{Event{Kind: EventMessage, Message: in}, closedEvents()})
	v := m.View()
	for _, want := range []string{"# team", "group · 3 members", "bob: welcome to the team", "you: hello team", "carol: hi all"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	golden.RequireEqual(t, v)
	if n := f.called("MarkRead"); n != marks {
		t.Errorf("MarkRead called %d times for the group", n-marks)
	}
}
