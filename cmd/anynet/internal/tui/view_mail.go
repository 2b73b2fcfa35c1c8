package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// viewMail draws the Mail view: on the left the folders and the outbox
// (each sent message's custody: queued, held at the recipient's mailbox,
// delivered, failed); on the right the folder's messages, or the one
// opened with Enter.
func (m *model) viewMail(w, h int) string {
	s := &m.mail
	st := m.st
	lw := listWidth(w)
	rw := max(w-lw-3, 1)

	left := []string{st.heading.Render("Folders")}
	for i, f := range mailFolders {
		row := "  " + f
		if i == s.folder {
			row = st.selected.Render("▸ " + f)
		}
		left = append(left, row)
	}
	left = append(left, "", st.heading.Render("Outbox"))
	if len(s.out) == 0 {
		left = append(left, st.dim.Render("nothing sent"))
	}
	for i := max(len(s.out)-(h-len(left)), 0); i < len(s.out); i++ {
		o := s.out[i]
		status := o.Status
		if o.Delayed && status != "delivered" && status != "failed" {
			status += "!"
		}
		style := st.dim
		if o.Status == "failed" {
			style = st.failed
		}
		left = append(left, style.Render(status+" "+shortMail(o.To)))
	}

	if _, ok := m.b.(MailBackend); !ok {
		return st.panes(left, []string{st.dim.Render("this node offers no mail")}, nil, &s.scroll, "", lw, rw, h)
	}
	folder := mailFolders[s.folder]
	if s.open != nil && s.open.Folder == folder {
		o := s.open
		head := []string{
			st.heading.Render(or(o.Subject, "(no subject)")),
			st.dim.Render(fmt.Sprintf("from %s · %s", or(o.From, "?"), o.Date.In(m.loc).Format("2006-01-02 15:04"))),
		}
		if len(o.Attachments) > 0 {
			head = append(head, st.dim.Render("attached: "+strings.Join(o.Attachments, ", ")))
		}
		var lines []string
		for _, l := range strings.Split(strings.ReplaceAll(o.Body, "\r", ""), "\n") {
			lines = append(lines, strings.Split(ansi.Wrap(l, rw, " "), "\n")...)
		}
		return st.panes(left, head, lines, &s.scroll, st.dim.Render("enter: next message · f: folder"), lw, rw, h)
	}
	head := []string{st.heading.Render(folder) + st.dim.Render(fmt.Sprintf(" (%d)", len(s.list)))}
	var lines []string
	if len(s.list) == 0 {
		lines = append(lines, st.dim.Render("empty"))
	}
	for i, it := range s.list {
		mark := "  "
		if !it.Seen {
			mark = "• "
		}
		row := fmt.Sprintf("%s%s %s  %s", mark, it.Date.In(m.loc).Format("01-02 15:04"), pad(shortMail(it.From), 14), or(it.Subject, "(no subject)"))
		if i == s.sel {
			row = st.selected.Render("▸" + row[1:])
		}
		lines = append(lines, row)
	}
	return st.panes(left, head, lines, &s.scroll, st.dim.Render("enter: read · f: folder"), lw, rw, h)
}

// shortMail shortens a 0x…@anynet address to 0x1234…abcd.
func shortMail(a string) string {
	local, _, _ := strings.Cut(a, "@")
	if strings.HasPrefix(local, "0x") && len(local) == 42 {
		return local[:6] + "…" + local[38:]
	}
	return a
}
