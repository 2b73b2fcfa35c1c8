package tui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// ContentBackend is what the Files view shows: this node's shares, the
// downloads in progress with their providers, and the content
// service's counters and cache. It is optional: a Backend without it
// gets a Files view that says so. Same rules as Backend.
type ContentBackend interface {
	// ContentShares lists this node's shares.
	ContentShares(ctx context.Context) ([]Share, error)
	// ContentState returns the downloads, counters and cache.
	ContentState(ctx context.Context) (ContentState, error)
}

// Share is one of this node's shares; Link is how others get it.
type Share struct {
	Name, ID, CID, Link string
	Size                int64
	Dir, Public         bool
}

// ContentState is the content service's state.
type ContentState struct {
	Downloads []Transfer
	// Served, Fetched are bytes; Corrupt counts ranges that failed
	// verification, Dropped the providers dropped, Evicted the blobs the
	// cache deleted.
	Served, Fetched        int64
	Completed, Corrupt     int64
	Dropped, Evicted       int64
	CacheBytes, CacheLimit int64
	CacheBlobs             int
	Proxy, Serving         string
}

// Transfer is a download in progress: Have of Size verified bytes (Size
// -1 until proven), from Providers of which Dropped were dropped.
type Transfer struct {
	ID                 string
	Size, Have         int64
	Providers, Dropped int
}

// filesState is the Files view's.
type filesState struct {
	shares []Share
	st     ContentState
	loaded bool
	sel    int
	scroll int
}

type (
	sharesMsg struct {
		l   []Share
		err error
	}
	contentMsg struct {
		s   ContentState
		err error
	}
)

func (m *model) refreshFiles() tea.Cmd {
	cb, ok := m.b.(ContentBackend)
	if !ok {
		return nil
	}
	return tea.Batch(
		m.call("shares", func(ctx context.Context) tea.Msg {
			l, err := cb.ContentShares(ctx)
			return sharesMsg{l, err}
		}),
		m.call("content", func(ctx context.Context) tea.Msg {
			s, err := cb.ContentState(ctx)
			return contentMsg{s, err}
		}),
	)
}

func (m *model) updateFiles(msg tea.KeyMsg) tea.Cmd {
	s := &m.files
	switch {
	case key.Matches(msg, m.keys.Up):
		if s.sel > 0 {
			s.sel--
		}
	case key.Matches(msg, m.keys.Down):
		if s.sel < len(s.shares)-1 {
			s.sel++
		}
	case key.Matches(msg, m.keys.Refresh):
		return m.refreshFiles()
	}
	return nil
}

func (m *model) filesResult(msg tea.Msg) tea.Cmd {
	s := &m.files
	switch msg := msg.(type) {
	case sharesMsg:
		m.inflight["shares"] = false
		if m.failed("shares", msg.err) {
			return nil
		}
		s.shares = msg.l
		s.sel = min(s.sel, max(len(s.shares)-1, 0))
	case contentMsg:
		m.inflight["content"] = false
		if m.failed("content", msg.err) {
			return nil
		}
		s.st, s.loaded = msg.s, true
	}
	return nil
}

func (m *model) filesHelp() []key.Binding {
	pick := m.keys.Up
	pick.SetHelp("↑/↓", "share")
	return []key.Binding{pick, m.keys.Refresh}
}
