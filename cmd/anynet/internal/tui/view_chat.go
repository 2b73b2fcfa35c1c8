package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ethereum/go-ethereum/common"
)

// historyLimit is how many messages of a conversation are loaded.
const historyLimit = 200

// chatState is the Chat view: the conversation list, the selected
// conversation's messages and the message input.
type chatState struct {
	input   textinput.Model
	convs   []Conversation
	sel     int // index in convs of peer, when listed
	peer    common.Address
	group   string    // the selected group's ID; "" for 1:1
	hasPeer bool      // a conversation or group is selected
	msgs    []Message // of peer or group, oldest first
	scroll  int       // lines scrolled up from the newest
	dl      download  // the running download
	call    callState // the running call
}

func newChatState(st styles) chatState {
	in := st.input(4096)
	in.Placeholder = "message… (@name text starts a chat)"
	return chatState{input: in}
}

func (c *chatState) layout(w int) { c.input.Width = max(w-listWidth(w)-6, 1) }

func listWidth(w int) int { return min(24, w/3) }

// isSel reports whether cv is the selected conversation.
func (c *chatState) isSel(cv Conversation) bool {
	return c.hasPeer && cv.Peer == c.peer && cv.Group == c.group
}

// requestSelected reports whether the selected conversation is a request.
func (c *chatState) requestSelected() bool {
	return c.group == "" && c.sel < len(c.convs) && c.isSel(c.convs[c.sel]) && c.convs[c.sel].Request
}

func (c *chatState) unread() int {
	n := 0
	for _, cv := range c.convs {
		n += cv.Unread
	}
	return n
}

// named returns the peer's name if a conversation gave one, else "".
func (c *chatState) named(a common.Address) string {
	for _, cv := range c.convs {
		if cv.Group == "" && cv.Peer == a && cv.Name != "" {
			return cv.Name
		}
	}
	return ""
}

// nameOf returns the peer's name, or its abbreviated wallet.
func (c *chatState) nameOf(a common.Address) string { return or(c.named(a), shortAddr(a)) }

// groupName returns the selected group's name, or its ID.
func (c *chatState) groupName() string {
	for _, cv := range c.convs {
		if cv.Group == c.group && cv.Name != "" {
			return cv.Name
		}
	}
	return c.group
}

func (c *chatState) groupMembers() int {
	for _, cv := range c.convs {
		if cv.Group == c.group {
			return cv.Members
		}
	}
	return 0
}

// upsert adds msg or updates the message with its ID. Status only moves
// forward, so a stale history reply cannot undo a receipt.
func (c *chatState) upsert(msg Message) {
	for i := range c.msgs {
		if c.msgs[i].ID == msg.ID {
			if msg.Status < c.msgs[i].Status && msg.Status != Failed {
				msg.Status = c.msgs[i].Status
			}
			c.msgs[i] = msg
			return
		}
	}
	c.msgs = append(c.msgs, msg)
}

func (m *model) selectPeer(p common.Address) tea.Cmd { return m.selectConv(p, "") }

// selectConv opens the conversation with peer p, or group g if not "".
func (m *model) selectConv(p common.Address, g string) tea.Cmd {
	c := &m.chat
	if c.hasPeer && c.peer == p && c.group == g {
		return nil
	}
	c.peer, c.group, c.hasPeer, c.msgs, c.scroll = p, g, true, nil, 0
	for i, cv := range c.convs {
		if c.isSel(cv) {
			c.sel = i
			c.convs[i].Unread = 0
		}
	}
	if g != "" {
		return m.loadHistory(p, g)
	}
	return tea.Batch(m.markRead(p), m.loadHistory(p, g))
}

func (m *model) updateChat(msg tea.KeyMsg) tea.Cmd {
	c := &m.chat
	switch {
	case key.Matches(msg, m.keys.Up):
		if len(c.convs) > 0 {
			cv := c.convs[max(c.sel-1, 0)]
			return m.selectConv(cv.Peer, cv.Group)
		}
		return nil
	case key.Matches(msg, m.keys.Down):
		if len(c.convs) > 0 {
			cv := c.convs[min(c.sel+1, len(c.convs)-1)]
			return m.selectConv(cv.Peer, cv.Group)
		}
		return nil
	case key.Matches(msg, m.keys.PgUp):
		c.scroll += 5
		return nil
	case key.Matches(msg, m.keys.PgDown):
		c.scroll = max(c.scroll-5, 0)
		return nil
	case key.Matches(msg, m.keys.Enter):
		return m.send()
	case c.pendingFile() != nil && key.Matches(msg, m.keys.Get):
		return m.download(*c.pendingFile())
	case c.requestSelected() && key.Matches(msg, m.keys.Allow):
		return m.consent(Allow)
	case c.requestSelected() && key.Matches(msg, m.keys.Deny):
		return m.consent(Deny)
	case c.requestSelected() && key.Matches(msg, m.keys.Block):
		return m.consent(Block)
	}
	var cmd tea.Cmd
	c.input, cmd = c.input.Update(msg)
	return cmd
}

// consent answers the selected request.
func (m *model) consent(action Consent) tea.Cmd {
	c := &m.chat
	peer, name := c.peer, c.nameOf(c.peer)
	m.setNotice(action.String()+" "+name+"…", false)
	b := m.b
	return m.call("", func(ctx context.Context) tea.Msg {
		return consentMsg{peer, name, action, b.Consent(ctx, peer, action)}
	})
}

// send sends the input to the selected peer, or to NAME for "@NAME text".
func (m *model) send() tea.Cmd {
	c := &m.chat
	text := strings.TrimSpace(c.input.Value())
	if text == "" {
		return nil
	}
	if cmd, ok := m.chatCommand(text); ok {
		return cmd
	}
	var to string
	if c.hasPeer && c.group != "" && !strings.HasPrefix(text, "@") {
		group, name := c.group, c.groupName()
		c.input.SetValue("")
		c.scroll = 0
		m.setNotice("sending to "+name+"…", false)
		b := m.b
		return m.call("", func(ctx context.Context) tea.Msg {
			msg, err := b.SendGroup(ctx, group, text)
			return sentMsg{to: name, text: text, group: group, msg: msg, err: err}
		})
	}
	if strings.HasPrefix(text, "@") {
		name, rest, _ := strings.Cut(text[1:], " ")
		to, text = name, strings.TrimSpace(rest)
		if to == "" || text == "" {
			m.setNotice("usage: @name message", true)
			return nil
		}
	} else if c.hasPeer {
		to = or(c.named(c.peer), c.peer.Hex())
	} else {
		m.setNotice("no conversation: type @name message", true)
		return nil
	}
	c.input.SetValue("")
	c.scroll = 0
	m.setNotice("sending to "+to+"…", false)
	b := m.b
	return m.call("", func(ctx context.Context) tea.Msg {
		msg, err := b.Send(ctx, to, text)
		return sentMsg{to: to, text: text, msg: msg, err: err}
	})
}

// chatCommand runs the Chat view's slash commands, /file PATH, /call
// FILE [BITRATE] and /hangup, whichever conversation is selected (each
// refuses what it cannot do); ok is false for any other text, which is
// sent as a message.
func (m *model) chatCommand(text string) (cmd tea.Cmd, ok bool) {
	verb, args, _ := strings.Cut(text, " ")
	switch verb {
	case "/file":
		return m.sendFile(strings.TrimSpace(args)), true
	case "/call":
		return m.startCall(args), true
	case "/hangup":
		return m.hangup(), true
	}
	return nil, false
}

// sendFile offers the file at path to the selected conversation's peer.
func (m *model) sendFile(path string) tea.Cmd {
	c := &m.chat
	switch {
	case !c.hasPeer || c.group != "":
		m.setNotice("select a conversation with one person to send a file", true)
		return nil
	case path == "":
		m.setNotice("usage: /file PATH", true)
		return nil
	}
	path = expandPath(path)
	to := or(c.named(c.peer), c.peer.Hex())
	text := "[file " + filepath.Base(path) + "]"
	c.input.SetValue("")
	c.scroll = 0
	m.setNotice("offering "+filepath.Base(path)+" to "+to+"…", false)
	b := m.b
	return m.call("", func(ctx context.Context) tea.Msg {
		msg, err := b.SendFile(ctx, to, path)
		return sentMsg{to: to, text: text, msg: msg, err: err}
	})
}

func (m *model) chatResult(msg tea.Msg) tea.Cmd {
	c := &m.chat
	switch msg := msg.(type) {
	case convsMsg:
		m.inflight["convs"] = false
		if m.failed("conversations", msg.err) {
			return nil
		}
		c.convs = msg.c
		for i, cv := range c.convs {
			if c.isSel(cv) {
				c.sel = i
				if cv.Unread > 0 && cv.Group == "" && m.current == viewChat {
					c.convs[i].Unread = 0
					return m.markRead(cv.Peer)
				}
			}
		}
		if !c.hasPeer && len(c.convs) > 0 && m.current == viewChat {
			return m.selectConv(c.convs[0].Peer, c.convs[0].Group)
		}
	case historyMsg:
		m.inflight["history"] = false
		if m.failed("history", msg.err) || !c.hasPeer || msg.peer != c.peer || msg.group != c.group {
			return nil
		}
		old := c.msgs
		c.msgs = append([]Message(nil), msg.msgs...)
		for _, o := range old {
			c.upsert(o)
		}
	case sentMsg:
		if msg.err != nil && msg.msg.ID == "" {
			m.failed("send to "+msg.to, msg.err)
			return nil
		}
		if msg.err != nil {
			m.failed("send to "+msg.to, msg.err)
		} else {
			m.setNotice("", false)
		}
		var cmd tea.Cmd
		if msg.group != "" {
			cmd = m.selectConv(common.Address{}, msg.group)
		} else if !c.hasPeer || c.group != "" || c.peer != msg.msg.To {
			cmd = m.selectPeer(msg.msg.To)
		}
		c.upsert(msg.msg)
		return tea.Batch(cmd, m.call("convs", func(ctx context.Context) tea.Msg {
			cv, err := m.b.Conversations(ctx)
			return convsMsg{cv, err}
		}))
	case markedMsg:
		m.failed("mark read", msg.err)
	case dlProgressMsg, dlDoneMsg:
		return m.downloadResult(msg)
	case consentMsg:
		if m.failed(msg.action.String()+" "+msg.name, msg.err) {
			return nil
		}
		past := map[Consent]string{Allow: "allowed", Deny: "denied", Block: "blocked"}[msg.action]
		m.setNotice(past+" "+msg.name, false)
		if msg.action != Allow && c.hasPeer && c.group == "" && c.peer == msg.peer {
			// Its messages are out of sight now.
			c.hasPeer, c.msgs = false, nil
		}
		return m.call("convs", func(ctx context.Context) tea.Msg {
			cv, err := m.b.Conversations(ctx)
			return convsMsg{cv, err}
		})
	}
	return nil
}

// chatEvent folds a new message or a receipt into the view.
func (m *model) chatEvent(e Event) tea.Cmd {
	c := &m.chat
	msg := e.Message
	if e.Kind == EventReceipt {
		for _, old := range c.msgs {
			if old.ID == msg.ID {
				c.upsert(msg)
				break
			}
		}
		for i := range c.convs {
			if c.convs[i].Last.ID == msg.ID {
				c.convs[i].Last.Status = msg.Status
			}
		}
		return nil
	}
	// EventMessage.
	switch {
	case msg.ID == "":
	case msg.Group != "":
		if c.hasPeer && c.group == msg.Group {
			c.upsert(msg)
		}
	case c.hasPeer && c.group == "" && (msg.From == c.peer || msg.To == c.peer):
		c.upsert(msg)
		if m.current == viewChat {
			return m.markRead(c.peer)
		}
	}
	return m.call("convs", func(ctx context.Context) tea.Msg {
		cv, err := m.b.Conversations(ctx)
		return convsMsg{cv, err}
	})
}

func statusMark(s MessageStatus, errText string) string {
	switch s {
	case Pending:
		return "… pending"
	case Sent:
		return "✓ sent"
	case Delivered:
		return "✓✓ delivered"
	case Read:
		return "✓✓ read"
	case Failed:
		if errText != "" {
			return "✗ failed: " + errText
		}
		return "✗ failed"
	}
	return ""
}

func (m *model) viewChat(w, h int) string {
	c := &m.chat
	st := m.st
	lw := listWidth(w)
	rw := max(w-lw-3, 1)

	// Left: conversations.
	left := []string{st.heading.Render("Conversations")}
	if len(c.convs) == 0 {
		left = append(left, st.dim.Render("none yet"))
	}
	for i, cv := range c.convs {
		name := or(cv.Name, shortAddr(cv.Peer))
		if cv.Group != "" {
			name = "# " + or(cv.Name, cv.Group)
		}
		if cv.Request {
			name = "? " + name
		}
		row := "  " + name
		if cv.Unread > 0 {
			row = fmt.Sprintf("%s (%d)", row, cv.Unread)
		}
		if i == c.sel && c.isSel(cv) {
			row = st.selected.Render("▸ " + row[2:])
		}
		left = append(left, row)
	}

	// Right: header, messages, input.
	header := st.dim.Render("no conversation selected")
	if c.hasPeer && c.group != "" {
		header = st.heading.Render("# "+c.groupName()) + " " + st.dim.Render(fmt.Sprintf("group · %d members", c.groupMembers()))
	} else if c.hasPeer {
		header = st.heading.Render(c.nameOf(c.peer)) + " " + st.dim.Render(c.peer.Hex())
		if c.requestSelected() {
			header = st.failed.Render("request") + " " + header
		}
	}
	var lines []string
	for _, msg := range c.msgs {
		lines = append(lines, strings.Split(ansi.Wrap(m.chatLine(msg), rw, " "), "\n")...)
	}
	return st.panes(left, []string{header}, lines, &c.scroll, c.input.View(), lw, rw, h)
}

// panes draws the two-pane layout of the Chat and Communities views, h
// lines high: left (lw cells wide), and right (rw cells): head, then
// the newest lines that fit, scrolled up by *scroll (clamped), then a
// rule and the input line.
func (st styles) panes(left, head, lines []string, scroll *int, input string, lw, rw, h int) string {
	area := max(h-2-len(head), 0)
	*scroll = min(*scroll, max(len(lines)-area, 0))
	end := len(lines) - *scroll
	start := max(end-area, 0)
	right := append(slices.Clone(head), lines[start:end]...)
	for len(right) < h-2 {
		right = append(right, "")
	}
	right = append(right, st.dim.Render(strings.Repeat("─", rw)), input)

	out := make([]string, h)
	for i := range out {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = pad(l, lw) + st.dim.Render(" │ ") + ansi.Truncate(r, rw, "…")
	}
	return strings.Join(out, "\n")
}

func (m *model) chatLine(msg Message) string {
	c := &m.chat
	ts := msg.Sent.In(m.loc).Format("15:04")
	mine := c.hasPeer && msg.From != c.peer
	if msg.Group != "" {
		mine = msg.From == m.net.status.Wallet
	}
	if mine {
		mark := statusMark(msg.Status, msg.Err)
		style := m.st.dim
		if msg.Status == Failed {
			style = m.st.failed
		}
		return fmt.Sprintf("%s %s %s %s", m.st.dim.Render(ts), m.st.mine.Render("you:"), m.text(msg, true), style.Render(mark))
	}
	return fmt.Sprintf("%s %s %s", m.st.dim.Render(ts), m.st.theirs.Render(c.nameOf(msg.From)+":"), m.text(msg, false))
}

// pad truncates or pads s to exactly w cells.
func pad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}
