package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
)

// keyMap holds every key binding. A view with a text input keeps it
// focused, so letters and digits type, until Esc leaves it; then digits
// jump to views. q quits on Network only (elsewhere it would be typed).
type keyMap struct {
	Next    key.Binding // next view
	Prev    key.Binding // previous view
	View1   key.Binding // jump to a view (outside a text input)
	View2   key.Binding
	View3   key.Binding
	View4   key.Binding
	Quit    key.Binding // ctrl+c anywhere
	QuitQ   key.Binding // q on Network
	Refresh key.Binding
	Up      key.Binding // scroll, pick an action or a conversation
	Down    key.Binding
	PgUp    key.Binding // scroll chat history
	PgDown  key.Binding
	Enter   key.Binding // run the action / send
	Leave   key.Binding // clear and leave the text input
	// Allow, Deny and Block answer the selected request (Chat, only
	// while a request is selected; alt keys, since letters type).
	Allow key.Binding
	Deny  key.Binding
	Block key.Binding
	// Get downloads the newest file offered in the open conversation.
	Get key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		Next:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
		Prev:    key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev view")),
		View1:   key.NewBinding(key.WithKeys("1"), key.WithHelp(fmt.Sprintf("1-%d", numViews), "go to view")),
		View2:   key.NewBinding(key.WithKeys("2")),
		View3:   key.NewBinding(key.WithKeys("3")),
		View4:   key.NewBinding(key.WithKeys("4")),
		Quit:    key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		QuitQ:   key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Refresh: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "refresh")),
		Up:      key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "move")),
		Down:    key.NewBinding(key.WithKeys("down")),
		PgUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup/pgdn", "scroll")),
		PgDown:  key.NewBinding(key.WithKeys("pgdown")),
		Enter:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
		Leave:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave input")),
		Allow:   key.NewBinding(key.WithKeys("alt+a"), key.WithHelp("alt+a", "allow")),
		Deny:    key.NewBinding(key.WithKeys("alt+d"), key.WithHelp("alt+d", "deny")),
		Block:   key.NewBinding(key.WithKeys("alt+b"), key.WithHelp("alt+b", "block")),
		Get:     key.NewBinding(key.WithKeys("alt+g"), key.WithHelp("alt+g", "get file")),
	}
}

// chatHelp is the Chat view's part of the help line.
func (m *model) chatHelp() []key.Binding {
	k := m.keys
	send := k.Enter
	send.SetHelp("enter", "send (/file, /call)")
	pick := k.Up
	pick.SetHelp("↑/↓", "conversation")
	switch {
	case m.chat.requestSelected():
		answer := k.Allow
		answer.SetHelp("alt+a/d/b", "allow/deny/block")
		return []key.Binding{answer, send, pick}
	case m.chat.pendingFile() != nil:
		return []key.Binding{k.Get, send, pick}
	}
	return []key.Binding{send, pick, k.PgUp}
}

// commHelp is the Communities view's part of the help line.
func (m *model) commHelp() []key.Binding {
	k := m.keys
	post := k.Enter
	post.SetHelp("enter", "post")
	cmds := k.Enter
	cmds.SetHelp("/", "create join leave delete")
	if m.comm.owner() {
		cmds.SetHelp("/", "create join ban delete")
	}
	pick := k.Up
	pick.SetHelp("↑/↓", "select")
	return []key.Binding{cmds, pick, post}
}

// helpLine is the last line: the view's keys, then the frame's — how to
// leave the input (or, outside it, the digits), the next view and how
// to quit — which always stay: a narrow terminal drops the view's keys
// from the end instead.
func (m *model) helpLine() string {
	k := m.keys
	spec := views[m.current]
	var frame []key.Binding
	own := spec.help(m)
	quit := k.Quit
	switch {
	case spec.input == nil:
		frame = append(frame, k.View1)
		quit = k.QuitQ
	case spec.input(m).Focused():
		frame = append(frame, k.Leave)
	default:
		typing := k.Enter
		typing.SetHelp("type", "write")
		frame = append(frame, k.View1)
		own = append(own, typing)
	}
	frame = append(frame, k.Next, quit)
	h := m.help
	h.Width = 0 // unbounded: the width is checked here
	for {
		line := h.ShortHelpView(append(append([]key.Binding{}, own...), frame...))
		if ansi.StringWidth(line) <= m.width || len(own) == 0 {
			return fit(line, m.width, 1)
		}
		own = own[:len(own)-1]
	}
}
