package tui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
)

// styles are the TUI's lipgloss styles, all made by one renderer so that a
// test can render without colour (no global lipgloss state is touched).
type styles struct {
	tab       lipgloss.Style // an inactive tab
	activeTab lipgloss.Style
	title     lipgloss.Style // right of the tabs
	heading   lipgloss.Style // section headings
	label     lipgloss.Style // field names
	dim       lipgloss.Style
	selected  lipgloss.Style // selected list row
	err       lipgloss.Style // status line on error
	info      lipgloss.Style // status line otherwise
	mine      lipgloss.Style // own chat messages' author
	theirs    lipgloss.Style
	failed    lipgloss.Style
	spark     lipgloss.Style
	plain     lipgloss.Style
	help      help.Styles
}

func newStyles(r *lipgloss.Renderer) styles {
	accent := lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#A78BFA"}
	muted := lipgloss.AdaptiveColor{Light: "#777777", Dark: "#888888"}
	red := lipgloss.AdaptiveColor{Light: "#C0392B", Dark: "#FF6B6B"}
	green := lipgloss.AdaptiveColor{Light: "#1E8449", Dark: "#7EE787"}
	s := styles{
		tab:       r.NewStyle().Foreground(muted),
		activeTab: r.NewStyle().Bold(true).Underline(true).Foreground(accent),
		title:     r.NewStyle().Foreground(muted),
		heading:   r.NewStyle().Bold(true).Foreground(accent),
		label:     r.NewStyle().Foreground(muted),
		dim:       r.NewStyle().Foreground(muted),
		selected:  r.NewStyle().Bold(true).Foreground(accent),
		err:       r.NewStyle().Foreground(red),
		info:      r.NewStyle().Foreground(muted),
		mine:      r.NewStyle().Foreground(accent),
		theirs:    r.NewStyle().Foreground(green),
		failed:    r.NewStyle().Foreground(red),
		spark:     r.NewStyle().Foreground(green),
		plain:     r.NewStyle(),
	}
	s.help = help.Styles{
		Ellipsis:       r.NewStyle().Foreground(muted),
		ShortKey:       r.NewStyle().Bold(true),
		ShortDesc:      r.NewStyle().Foreground(muted),
		ShortSeparator: r.NewStyle().Foreground(muted),
		FullKey:        r.NewStyle().Bold(true),
		FullDesc:       r.NewStyle().Foreground(muted),
		FullSeparator:  r.NewStyle().Foreground(muted),
	}
	return s
}

// input returns a text input drawn in these styles, holding at most limit
// characters.
func (st styles) input(limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = "› "
	in.CharLimit = limit
	in.Cursor.Style = st.selected
	in.Cursor.TextStyle = st.plain
	in.PromptStyle = st.selected
	in.TextStyle = st.plain
	in.PlaceholderStyle = st.dim
	in.CompletionStyle = st.dim
	in.Cursor.SetMode(cursor.CursorStatic)
	return in
}
