package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// viewCommunities draws the Communities view: the list on the left; on
// the right the selected community's header (name, host, ID), its posts
// with the newest at the bottom, and the input line.
func (m *model) viewCommunities(w, h int) string {
	c := &m.comm
	st := m.st
	lw := listWidth(w)
	rw := max(w-lw-3, 1)

	left := []string{st.heading.Render("Communities")}
	if len(c.list) == 0 {
		left = append(left, st.dim.Render("none yet"))
	}
	for i, cm := range c.list {
		row := "  # " + or(cm.Name, cm.ID)
		if cm.Hosted {
			row += " ★"
		}
		if i == c.sel && cm.ID == c.id {
			row = st.selected.Render("▸ " + row[2:])
		}
		left = append(left, row)
	}

	right := []string{st.dim.Render("no community: /create NAME or /join HOST ID"), ""}
	if cm, ok := c.selected(); ok {
		meta := "hosted by " + or(cm.HostName, shortAddr(cm.Host))
		if cm.Hosted {
			meta = fmt.Sprintf("hosted here · %d member", cm.Members)
			if cm.Members != 1 {
				meta += "s"
			}
		}
		right = []string{
			st.heading.Render("# "+or(cm.Name, cm.ID)) + " " + st.dim.Render(meta),
			st.dim.Render("id " + cm.ID),
		}
	}
	var lines []string
	for _, p := range c.posts {
		lines = append(lines, strings.Split(ansi.Wrap(m.postLine(p), rw, " "), "\n")...)
	}
	return st.panes(left, right, lines, &c.scroll, c.input.View(), lw, rw, h)
}

// postLine is "#3 10:04 bob: text": the host's number ("#…" until the
// host has it), the time, the author and the text.
func (m *model) postLine(p Post) string {
	seq := "#…"
	if p.Seq > 0 {
		seq = fmt.Sprintf("#%d", p.Seq)
	}
	ts := p.Sent.In(m.loc).Format("15:04")
	author := m.st.theirs.Render(or(p.FromName, or(m.chat.named(p.From), shortAddr(p.From))) + ":")
	if p.From == m.net.status.Wallet {
		author = m.st.mine.Render("you:")
	}
	text := p.Text
	if p.Deleted {
		text = m.st.dim.Render("(deleted)")
	}
	return fmt.Sprintf("%s %s %s %s", m.st.dim.Render(seq), m.st.dim.Render(ts), author, text)
}
