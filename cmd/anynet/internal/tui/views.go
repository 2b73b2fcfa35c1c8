package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// view is one of the TUI's tabs: an index into views.
type view int

const (
	viewNetwork view = iota
	viewNames
	viewChat
	viewCommunities
	viewWallet
	viewMail
	viewVPN
	viewFiles
	viewQueues
	viewRelay
	viewStreams // past the tenth: Tab, shift+tab or a click reach it
	numViews
)

// viewSpec is one tab. A service adds its view here, in one entry (and
// the file that holds its state and drawing): the tab bar, the digit
// and Tab keys, key dispatch, Esc leaving its input, drawing, the help
// line and the refresh on entry all follow from the entry.
type viewSpec struct {
	title string // on the tab
	short string // on the tab when the terminal is narrow
	// input is the view's text input, nil if it has none. A view with
	// one gets the keyboard (digits type) until Esc leaves it.
	input func(m *model) *textinput.Model
	// update handles a key the frame did not take.
	update func(m *model, msg tea.KeyMsg) tea.Cmd
	// render draws the view into w x h cells.
	render func(m *model, w, h int) string
	// help is the view's part of the help line, most useful first; the
	// frame adds Esc, Tab and the quit key.
	help func(m *model) []key.Binding
	// enter, if not nil, runs when the view is shown (a refresh).
	enter func(m *model) tea.Cmd
	// refresh, if not nil, runs on every tick while the view is shown
	// and the backend has no event stream, or always with poll.
	refresh func(m *model) tea.Cmd
	poll    bool
}

// views are the TUI's tabs, in order; digit N jumps to views[N-1], 0 to
// views[9] (viewKey), Tab and shift+tab cycle through all. See "Adding a view" in doc.go.
var views = [numViews]viewSpec{
	viewNetwork: {
		title: "Network", short: "Net",
		update: (*model).updateNetwork,
		render: (*model).viewNetwork,
		help:   func(m *model) []key.Binding { return []key.Binding{m.keys.Up, m.keys.Refresh} },
	},
	viewNames: {
		title: "Names", short: "Names",
		input:  func(m *model) *textinput.Model { return &m.names.input },
		update: (*model).updateNames,
		render: (*model).viewNames,
		help: func(m *model) []key.Binding {
			pick := m.keys.Up
			pick.SetHelp("↑/↓", "action")
			return []key.Binding{pick, m.keys.Enter}
		},
	},
	viewChat: {
		title: "Chat", short: "Chat",
		input:   func(m *model) *textinput.Model { return &m.chat.input },
		update:  (*model).updateChat,
		render:  (*model).viewChat,
		help:    (*model).chatHelp,
		enter:   (*model).refreshChat,
		refresh: (*model).refreshChat,
	},
	viewCommunities: {
		title: "Communities", short: "Comm",
		input:   func(m *model) *textinput.Model { return &m.comm.input },
		update:  (*model).updateCommunities,
		render:  (*model).viewCommunities,
		help:    (*model).commHelp,
		enter:   func(m *model) tea.Cmd { return m.refreshCommunities(true) },
		refresh: (*model).tickCommunities,
		poll:    true, // a member's node fetches the host's posts as it reads
	},
	viewWallet: {
		title: "Wallet", short: "Wal",
		update: (*model).updateWallet,
		render: (*model).viewWallet,
		help: func(m *model) []key.Binding {
			pick := m.keys.Up
			pick.SetHelp("↑/↓", "invoice")
			return []key.Binding{keyApprove, pick, m.keys.Refresh}
		},
		enter:   (*model).refreshWallet,
		refresh: (*model).refreshWallet,
		poll:    true, // balances change on chain, not by events
	},
	viewMail: {
		title: "Mail", short: "Mail",
		update:  (*model).updateMail,
		render:  (*model).viewMail,
		help:    (*model).mailHelp,
		enter:   (*model).refreshMail,
		refresh: (*model).refreshMail,
		poll:    true, // mail events do not reach the TUI yet: it asks
	},
	viewVPN: vpnView.view("VPN", "VPN"),
	viewFiles: {
		title: "Files", short: "Files",
		update:  (*model).updateFiles,
		render:  (*model).viewFiles,
		help:    (*model).filesHelp,
		enter:   (*model).refreshFiles,
		refresh: (*model).refreshFiles,
		poll:    true, // download progress is not pushed to the TUI: it asks
	},
	viewQueues:  queuesView.view("Queues", "MQ"),
	viewRelay:   relayView.view("Relay", "Relay"),
	viewStreams: streamsView.view("Streams", "Live"),
}

func (v view) String() string { return views[v].title }

// tickCommunities refreshes the list, and every postsEvery ticks the
// open community's posts.
func (m *model) tickCommunities() tea.Cmd {
	m.comm.ticks++
	return m.refreshCommunities(m.comm.ticks%postsEvery == 0)
}
