package tui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// A snapshot view shows one answer of the control API (Queues, Relay,
// VPN, Streams): fetched on entry, on ctrl+r and on every tick while
// shown, drawn as a page of lines. A page with rows lets ↑/↓ select
// one (marked ▸) and shows its detail pane below the page; a page
// without rows scrolls with ↑/↓. A backend lacking the view's
// interface gets the view saying so; an error goes to the status line
// and the last answer stays.

// snapPage is what a snapshot view draws, top to bottom.
type snapPage struct {
	head []string // above the rows
	rows []string // selectable; none: ↑/↓ scroll the page
	// detail is the selected row's pane (below the rows), nil for none.
	detail func(sel int) []string
}

// snapSpec is one snapshot view.
type snapSpec struct {
	name string // the in-flight key, and the status line's "NAME: error"
	off  string // the view when the backend cannot answer
	pick string // what ↑/↓ select on the help line ("exit", "stream")
	// fetch returns the call for m's backend, nil if it lacks it; full
	// is set on entry and ctrl+r (VPN reads the chain's exits only then).
	fetch func(m *model, full bool) func(context.Context) (any, error)
	// merge, if not nil, combines the last answer with a new one.
	merge func(old, fresh any) any
	page  func(m *model, v any, w int) snapPage
}

// snapshot makes a snapSpec for backend interface B answering T.
func snapshot[B, T any](name, off, pick string, get func(B, context.Context, bool) (T, error), page func(*model, *T, int) snapPage) *snapSpec {
	return &snapSpec{name: name, off: off, pick: pick,
		fetch: func(m *model, full bool) func(context.Context) (any, error) {
			b, ok := m.b.(B)
			if !ok {
				return nil
			}
			return func(ctx context.Context) (any, error) { return get(b, ctx, full) }
		},
		page: func(m *model, v any, w int) snapPage {
			t := v.(T)
			return page(m, &t, w)
		},
	}
}

// snapState is a snapshot view's state: the last answer, the first
// line shown and the selected row.
type snapState struct {
	v           any
	loaded      bool
	scroll, sel int
}

// snapMsg is a snapshot view's answer.
type snapMsg struct {
	spec *snapSpec
	v    any
	err  error
}

// snap is the state of the snapshot view named name.
func (m *model) snap(name string) *snapState {
	s := m.snaps[name]
	if s == nil {
		s = &snapState{}
		m.snaps[name] = s
	}
	return s
}

// view is s's entry in the views table.
func (s *snapSpec) view(title, short string) viewSpec {
	return viewSpec{title: title, short: short,
		update:  func(m *model, msg tea.KeyMsg) tea.Cmd { return m.updateSnap(s, msg) },
		render:  func(m *model, w, h int) string { return m.viewSnap(s, w, h) },
		help:    func(m *model) []key.Binding { return m.snapHelp(s) },
		enter:   func(m *model) tea.Cmd { return m.refreshSnap(s, true) },
		refresh: func(m *model) tea.Cmd { return m.refreshSnap(s, false) },
		poll:    true, // counters change without events
	}
}

func (m *model) refreshSnap(s *snapSpec, full bool) tea.Cmd {
	f := s.fetch(m, full)
	if f == nil {
		return nil
	}
	return m.call(s.name, func(ctx context.Context) tea.Msg {
		v, err := f(ctx)
		return snapMsg{s, v, err}
	})
}

func (m *model) snapResult(msg snapMsg) tea.Cmd {
	s := msg.spec
	m.inflight[s.name] = false
	if m.failed(s.name, msg.err) {
		return nil
	}
	st := m.snap(s.name)
	if s.merge != nil && st.loaded {
		msg.v = s.merge(st.v, msg.v)
	}
	st.v, st.loaded = msg.v, true
	return nil
}

func (m *model) updateSnap(s *snapSpec, msg tea.KeyMsg) tea.Cmd {
	st := m.snap(s.name)
	sel := &st.scroll
	if m.hasRows(s) {
		sel = &st.sel // clamped to the rows when drawn
	}
	switch { // ctrl+r is the frame's: refreshAll runs enter
	case key.Matches(msg, m.keys.Up):
		*sel = max(*sel-1, 0)
	case key.Matches(msg, m.keys.Down):
		*sel++
	}
	return nil
}

// hasRows reports whether s's page has rows to select.
func (m *model) hasRows(s *snapSpec) bool {
	st := m.snap(s.name)
	return st.loaded && len(s.page(m, st.v, m.width).rows) > 0
}

func (m *model) snapHelp(s *snapSpec) []key.Binding {
	move := m.keys.Up
	if s.pick != "" && m.hasRows(s) {
		move.SetHelp("↑/↓", s.pick)
	}
	return []key.Binding{move, m.keys.Refresh}
}

// viewSnap draws s into w x h cells: with rows, scrolled so that the
// selected one shows; without, from the scroll offset.
func (m *model) viewSnap(s *snapSpec, w, h int) string {
	st := m.snap(s.name)
	if s.fetch(m, false) == nil {
		return m.st.dim.Render(s.off)
	}
	if !st.loaded {
		return m.st.dim.Render("loading…")
	}
	p := s.page(m, st.v, w)
	lines := append([]string{}, p.head...)
	st.sel = max(min(st.sel, len(p.rows)-1), 0)
	for i, r := range p.rows {
		if i == st.sel {
			r = m.st.selected.Render("▸ " + r)
		} else {
			r = "  " + r
		}
		lines = append(lines, r)
	}
	if len(p.rows) > 0 && p.detail != nil {
		lines = append(lines, p.detail(st.sel)...)
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	if len(p.rows) > 0 {
		// Keep the selected row in the frame.
		row := len(p.head) + st.sel
		st.scroll = min(st.scroll, row)
		if row >= st.scroll+h {
			st.scroll = row - h + 1
		}
	}
	st.scroll = max(min(st.scroll, len(lines)-h), 0)
	lines = lines[st.scroll:]
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}
