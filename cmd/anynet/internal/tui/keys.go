package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap holds every key binding. Views with a text input keep it focused,
// so single letters type; only Network takes q and the digits.
type keyMap struct {
	Next    key.Binding // next view
	Prev    key.Binding // previous view
	View1   key.Binding // jump to a view (Network only: other views type)
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
	Clear   key.Binding // clear the input
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
		View1:   key.NewBinding(key.WithKeys("1"), key.WithHelp("1-4", "go to view")),
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
		Clear:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		Allow:   key.NewBinding(key.WithKeys("alt+a"), key.WithHelp("alt+a", "allow")),
		Deny:    key.NewBinding(key.WithKeys("alt+d"), key.WithHelp("alt+d", "deny")),
		Block:   key.NewBinding(key.WithKeys("alt+b"), key.WithHelp("alt+b", "block")),
		Get:     key.NewBinding(key.WithKeys("alt+g"), key.WithHelp("alt+g", "get file")),
	}
}

// helpFor returns the bindings shown in the help line of view v; request
// says a request is selected on Chat, file that its conversation offers
// a file not downloaded yet, owner that the community selected on
// Communities is hosted here.
func (k keyMap) helpFor(v view, request, file, owner bool) []key.Binding {
	switch v {
	case viewNames:
		return []key.Binding{k.Up, k.Enter, k.Clear, k.Next, k.Refresh, k.Quit}
	case viewChat:
		send := k.Enter
		send.SetHelp("enter", "send (/file PATH, /call FILE)")
		pick := k.Up
		pick.SetHelp("↑/↓", "conversation")
		if request {
			answer := k.Allow
			answer.SetHelp("alt+a/d/b", "allow/deny/block")
			return []key.Binding{answer, pick, send, k.Next, k.Quit}
		}
		if file {
			return []key.Binding{pick, send, k.Get, k.Next, k.Quit}
		}
		return []key.Binding{pick, send, k.PgUp, k.Next, k.Quit}
	case viewCommunities:
		post := k.Enter
		post.SetHelp("enter", "post")
		cmds := k.Enter
		cmds.SetHelp("/", "create join leave delete")
		if owner {
			cmds.SetHelp("/", "create join ban delete")
		}
		pick := k.Up
		pick.SetHelp("↑/↓", "select")
		return []key.Binding{pick, post, cmds, k.Next, k.Quit}
	default:
		return []key.Binding{k.Next, k.View1, k.Up, k.Refresh, k.QuitQ}
	}
}
