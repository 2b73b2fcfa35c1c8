package tui

import (
	"context"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ethereum/go-ethereum/common"
)

// Results of Backend calls, delivered to Update as messages. Each carries
// the error of its call; a nil error means the data is fresh.
type (
	statusMsg struct {
		s   Status
		err error
	}
	peersMsg struct {
		p   []Peer
		err error
	}
	routesMsg struct {
		r   []Route
		err error
	}
	convsMsg struct {
		c   []Conversation
		err error
	}
	historyMsg struct {
		peer  common.Address
		group string
		msgs  []Message
		err   error
	}
	sentMsg struct {
		to, text string
		group    string
		msg      Message
		err      error
	}
	resolveMsg struct {
		name string
		res  Resolution
		err  error
	}
	reverseMsg struct {
		wallet common.Address
		name   string
		err    error
	}
	registerMsg struct {
		name string
		err  error
	}
	markedMsg  struct{ err error }
	consentMsg struct {
		peer   common.Address
		name   string
		action Consent
		err    error
	}
	eventMsg struct {
		e  Event
		ch <-chan Event
	}
	tickMsg time.Time
)

// call runs f in a command with the configured timeout. Refresh calls
// name a kind; a kind already in flight is not started again.
func (m *model) call(kind string, f func(ctx context.Context) tea.Msg) tea.Cmd {
	if kind != "" {
		if m.inflight[kind] {
			return nil
		}
		m.inflight[kind] = true
	}
	parent, timeout := m.ctx, m.opts.Timeout
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		return f(ctx)
	}
}

func (m *model) tick() tea.Cmd {
	if m.opts.Refresh < 0 {
		return nil
	}
	return tea.Tick(m.opts.Refresh, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// refreshAll fetches what the views show: Network, Chat, Communities,
// and the current view as on entry.
func (m *model) refreshAll() tea.Cmd {
	cmds := []tea.Cmd{m.refreshNetwork(), m.refreshChat(), m.refreshCommunities(true)}
	if int(m.current) < len(m.tabs) {
		if f := m.tabs[m.current].enter; f != nil {
			cmds = append(cmds, f(m))
		}
	}
	return tea.Batch(cmds...)
}

func (m *model) refreshStatus() tea.Cmd {
	return m.call("status", func(ctx context.Context) tea.Msg {
		s, err := m.b.Status(ctx)
		return statusMsg{s, err}
	})
}

func (m *model) refreshNetwork() tea.Cmd {
	b := m.b
	return tea.Batch(
		m.refreshStatus(),
		m.call("peers", func(ctx context.Context) tea.Msg {
			p, err := b.Peers(ctx)
			return peersMsg{p, err}
		}),
		m.call("routes", func(ctx context.Context) tea.Msg {
			r, err := b.Routes(ctx)
			return routesMsg{r, err}
		}),
	)
}

func (m *model) refreshChat() tea.Cmd {
	b := m.b
	cmds := []tea.Cmd{m.call("convs", func(ctx context.Context) tea.Msg {
		c, err := b.Conversations(ctx)
		return convsMsg{c, err}
	})}
	if m.chat.hasPeer {
		cmds = append(cmds, m.loadHistory(m.chat.peer, m.chat.group))
	}
	return tea.Batch(cmds...)
}

func (m *model) loadHistory(peer common.Address, group string) tea.Cmd {
	b := m.b
	return m.call("history", func(ctx context.Context) tea.Msg {
		var (
			msgs []Message
			err  error
		)
		if group != "" {
			msgs, err = b.GroupHistory(ctx, group, historyLimit)
		} else {
			msgs, err = b.History(ctx, peer, historyLimit)
		}
		return historyMsg{peer, group, msgs, err}
	})
}

func (m *model) markRead(peer common.Address) tea.Cmd {
	b := m.b
	return m.call("", func(ctx context.Context) tea.Msg {
		return markedMsg{b.MarkRead(ctx, peer)}
	})
}

// listenEvents subscribes once and then waits for one event at a time.
func (m *model) listenEvents() tea.Cmd {
	ch := m.b.Events(m.ctx)
	if ch == nil {
		return nil
	}
	m.pushed = true
	return m.waitEvent(ch)
}

// waitEvent returns the next event of ch; it gives up when the TUI's
// context ends, even if the backend never closes ch.
func (m *model) waitEvent(ch <-chan Event) tea.Cmd {
	ctx := m.ctx
	return func() tea.Msg {
		select {
		case e, ok := <-ch:
			if !ok {
				return nil
			}
			return eventMsg{e, ch}
		case <-ctx.Done():
			return nil
		}
	}
}

// handleResult folds a message that is not input into the model.
func (m *model) handleResult(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tickMsg:
		// With an event stream only the counters are polled (for the
		// throughput); peers, routes and chat follow the events.
		cmds := []tea.Cmd{m.tick(), m.refreshStatus()}
		if !m.pushed {
			cmds = append(cmds, m.refreshNetwork())
		}
		if spec := m.tabs[m.current]; spec.refresh != nil && (!m.pushed || spec.poll) {
			cmds = append(cmds, spec.refresh(m))
		}
		return tea.Batch(cmds...)
	case statusMsg:
		m.inflight["status"] = false
		if m.failed("status", msg.err) {
			return nil
		}
		m.net.setStatus(msg.s, m.opts.Refresh)
	case peersMsg:
		m.inflight["peers"] = false
		if m.failed("peers", msg.err) {
			return nil
		}
		m.net.peers = msg.p
	case routesMsg:
		m.inflight["routes"] = false
		if m.failed("routes", msg.err) {
			return nil
		}
		m.net.routes = msg.r
	case eventMsg:
		return tea.Batch(m.waitEvent(msg.ch), m.onEvent(msg.e))
	case convsMsg, historyMsg, sentMsg, markedMsg, consentMsg, dlProgressMsg, dlDoneMsg:
		return m.chatResult(msg)
	case callDoneMsg:
		return m.callResult(msg)
	case resolveMsg, reverseMsg, registerMsg:
		return m.namesResult(msg)
	case commsMsg, postsMsg, postedMsg, commOpMsg:
		return m.commResult(msg)
	case walletMsg, walletOpMsg:
		return m.walletResult(msg)
	case mailListMsg, mailOutMsg, mailOpenMsg:
		return m.mailResult(msg)
	case snapMsg:
		return m.snapResult(msg)
	case sharesMsg, contentMsg:
		return m.filesResult(msg)
	}
	return nil
}

// failed shows err in the status line and reports whether there was one.
func (m *model) failed(what string, err error) bool {
	if err == nil {
		return false
	}
	m.setNotice(fmt.Sprintf("%s: %v", what, err), true)
	return true
}

func (m *model) onEvent(e Event) tea.Cmd {
	switch e.Kind {
	case EventPeers:
		return m.refreshNetwork()
	case EventMessage, EventReceipt:
		// A message is activity: the peers' last-seen moves too.
		return tea.Batch(m.chatEvent(e), m.call("peers", func(ctx context.Context) tea.Msg {
			p, err := m.b.Peers(ctx)
			return peersMsg{p, err}
		}))
	case EventPost:
		m.comm.postEvent(e.Post)
	}
	return nil
}
