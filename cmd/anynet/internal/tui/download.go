package tui

import (
	"fmt"

	"github.com/anynet/anynet/cmd/anynet/internal/progressbar"
	tea "github.com/charmbracelet/bubbletea"
)

// A download runs in one command without the per-call timeout; its
// progress reaches the model through a channel of capacity one that only
// ever holds the newest report, read by a command re-armed after each.
type (
	dlProgressMsg struct {
		id          string
		have, total int64
		ch          <-chan dlProgressMsg
	}
	dlDoneMsg struct {
		id, name, path string
		err            error
	}
)

// download is the Chat view's running download, if any.
type download struct {
	active      bool
	id, name    string
	have, total int64
}

// pendingFile returns the newest file offered by the other side of the
// open conversation that is not downloaded yet, or nil.
func (c *chatState) pendingFile() *Message {
	if !c.hasPeer {
		return nil
	}
	for i := len(c.msgs) - 1; i >= 0; i-- {
		if msg := &c.msgs[i]; msg.File != nil && msg.File.Path == "" && (c.group != "" || msg.From == c.peer) {
			return msg
		}
	}
	return nil
}

func (m *model) download(msg Message) tea.Cmd {
	c := &m.chat
	if c.dl.active {
		m.setNotice("a download is running: "+c.dl.name, true)
		return nil
	}
	c.dl = download{active: true, id: msg.ID, name: msg.File.Name, total: msg.File.Size}
	m.setNotice(m.downloadLine(), false)
	ch := make(chan dlProgressMsg, 1)
	b, ctx, id, name := m.b, m.ctx, msg.ID, msg.File.Name
	run := func() tea.Msg {
		path, err := b.Download(ctx, id, func(have, total int64) {
			select { // drop the report not read yet: only the newest counts
			case <-ch:
			default:
			}
			ch <- dlProgressMsg{id, have, total, ch}
		})
		close(ch)
		return dlDoneMsg{id, name, path, err}
	}
	return tea.Batch(run, waitProgress(ch))
}

func waitProgress(ch <-chan dlProgressMsg) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		if !ok {
			return nil
		}
		return p
	}
}

func (m *model) downloadResult(msg tea.Msg) tea.Cmd {
	c := &m.chat
	switch msg := msg.(type) {
	case dlProgressMsg:
		if c.dl.active && c.dl.id == msg.id {
			c.dl.have, c.dl.total = msg.have, msg.total
			m.setNotice(m.downloadLine(), false)
		}
		return waitProgress(msg.ch)
	case dlDoneMsg:
		c.dl = download{}
		if m.failed("get "+msg.name, msg.err) {
			return nil
		}
		for i := range c.msgs {
			if c.msgs[i].ID == msg.id && c.msgs[i].File != nil {
				f := *c.msgs[i].File
				f.Path = msg.path
				c.msgs[i].File = &f
			}
		}
		m.setNotice("saved "+msg.path, false)
	}
	return nil
}

func (m *model) downloadLine() string {
	d := m.chat.dl
	return fmt.Sprintf("get %s %s", d.name, progressbar.Transfer(d.have, d.total, 20))
}

// text is a message's text, or its file: name, size, and where it is
// (offered from, for one this node sent; saved at, once downloaded).
func (m *model) text(msg Message, mine bool) string {
	f := msg.File
	if f == nil {
		return msg.Text
	}
	s := fmt.Sprintf("[file %s, %s]", f.Name, progressbar.Bytes(f.Size))
	switch {
	case f.Path == "":
	case mine:
		s += " " + m.st.dim.Render("from "+f.Path)
	default:
		s += " " + m.st.dim.Render("saved "+f.Path)
	}
	return s
}
