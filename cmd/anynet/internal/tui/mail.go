package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// MailBackend is what the Mail view shows. It is optional: a Backend
// that does not implement it gets a Mail view that says so.
type MailBackend interface {
	// MailFolder lists a folder (INBOX, Requests, Sent, Drafts, Trash),
	// oldest first.
	MailFolder(ctx context.Context, folder string) ([]MailItem, error)
	// MailMessage returns one message with its text, and marks it seen.
	MailMessage(ctx context.Context, folder string, uid uint32) (MailItem, error)
	// MailOutbox lists the mail sent from here, oldest first.
	MailOutbox(ctx context.Context) ([]MailOut, error)
}

// MailItem is a message in a folder; Body and Attachments are set by
// MailMessage only.
type MailItem struct {
	Folder      string
	UID         uint32
	From        string
	Subject     string
	Date        time.Time
	Seen        bool
	Body        string
	Attachments []string
}

// MailOut is a message sent from here: Status "queued", "held",
// "delivered" or "failed".
type MailOut struct {
	ID, To, Status, Reason string
	Delayed                bool
	Submitted              time.Time
}

// mailFolders are the folders the view cycles through with f.
var mailFolders = []string{"INBOX", "Requests", "Sent", "Drafts", "Trash"}

// mailState is the Mail view's.
type mailState struct {
	folder int // index in mailFolders
	list   []MailItem
	sel    int
	open   *MailItem
	out    []MailOut
	scroll int
}

type (
	mailListMsg struct {
		folder string
		l      []MailItem
		err    error
	}
	mailOpenMsg struct {
		m   MailItem
		err error
	}
	mailOutMsg struct {
		l   []MailOut
		err error
	}
)

var mailFolderKey = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "folder"))

func (m *model) refreshMail() tea.Cmd {
	mb, ok := m.b.(MailBackend)
	if !ok {
		return nil
	}
	folder := mailFolders[m.mail.folder]
	return tea.Batch(
		m.call("mail", func(ctx context.Context) tea.Msg {
			l, err := mb.MailFolder(ctx, folder)
			return mailListMsg{folder, l, err}
		}),
		m.call("mailout", func(ctx context.Context) tea.Msg {
			l, err := mb.MailOutbox(ctx)
			return mailOutMsg{l, err}
		}),
	)
}

func (m *model) updateMail(msg tea.KeyMsg) tea.Cmd {
	s := &m.mail
	switch {
	case key.Matches(msg, m.keys.Up):
		if s.sel > 0 {
			s.sel--
		}
	case key.Matches(msg, m.keys.Down):
		if s.sel < len(s.list)-1 {
			s.sel++
		}
	case key.Matches(msg, mailFolderKey):
		s.folder = (s.folder + 1) % len(mailFolders)
		s.list, s.sel, s.open, s.scroll = nil, 0, nil, 0
		return m.refreshMail()
	case key.Matches(msg, m.keys.Enter):
		mb, ok := m.b.(MailBackend)
		if !ok || s.sel >= len(s.list) {
			return nil
		}
		it := s.list[s.sel]
		return m.call("", func(ctx context.Context) tea.Msg {
			x, err := mb.MailMessage(ctx, it.Folder, it.UID)
			return mailOpenMsg{x, err}
		})
	}
	return nil
}

func (m *model) mailResult(msg tea.Msg) tea.Cmd {
	s := &m.mail
	switch msg := msg.(type) {
	case mailListMsg:
		m.inflight["mail"] = false
		if m.failed("mail", msg.err) || msg.folder != mailFolders[s.folder] {
			return nil
		}
		s.list = msg.l
		s.sel = min(s.sel, max(len(s.list)-1, 0))
	case mailOutMsg:
		m.inflight["mailout"] = false
		if m.failed("outbox", msg.err) {
			return nil
		}
		s.out = msg.l
	case mailOpenMsg:
		if m.failed("read", msg.err) {
			return nil
		}
		s.open, s.scroll = &msg.m, 0
	}
	return nil
}

func (m *model) mailHelp() []key.Binding {
	open := m.keys.Enter
	open.SetHelp("enter", "read")
	return []key.Binding{m.keys.Up, open, mailFolderKey}
}
