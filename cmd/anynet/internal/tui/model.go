package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Options configure Run. The zero value works: standard input and output,
// inline (no alternate screen), no mouse, the Network view first.
type Options struct {
	In  io.Reader // default os.Stdin
	Out io.Writer // default os.Stdout
	// AltScreen runs full screen in the terminal's alternate screen.
	AltScreen bool
	// Mouse enables mouse clicks on the tabs and wheel scrolling.
	Mouse bool
	// Self is the name shown in the title bar, e.g. "alice".
	Self string
	// Start is the first view shown: "network" (default), "names", "chat"
	// or "communities".
	Start string
	// Refresh is the period of the status, peer, conversation and
	// community refresh (a community's posts every postsEvery periods);
	// default 1s; negative disables the periodic refresh (events and
	// ctrl+r still refresh).
	Refresh time.Duration
	// Timeout bounds every Backend call; default 5s.
	Timeout time.Duration
}

// Run shows the TUI until the user quits or ctx is cancelled (which is a
// normal exit: Run returns nil). It never calls b on its own goroutine's
// critical path: every call runs in a command with Options.Timeout.
func Run(ctx context.Context, b Backend, opts Options) error {
	if b == nil {
		return errors.New("tui: nil Backend")
	}
	if opts.In == nil {
		opts.In = os.Stdin
	}
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Ask the terminal for its colours now: later, bubbletea owns the
	// input and the answer would arrive as key presses.
	r := lipgloss.NewRenderer(opts.Out)
	r.ColorProfile()
	r.HasDarkBackground()
	m := newModel(ctx, b, opts, r)
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(opts.In), tea.WithOutput(opts.Out)}
	if opts.AltScreen {
		popts = append(popts, tea.WithAltScreen())
	}
	if opts.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	_, err := tea.NewProgram(m, popts...).Run()
	if err != nil && errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("tui: %w", err)
	}
	return nil
}

// Smallest terminal the TUI draws into; below it shows one line saying so.
const (
	minWidth  = 40
	minHeight = 8
)

// model is the bubbletea model: shared frame state plus one sub-state per
// view. All Backend results arrive as messages (commands.go).
type model struct {
	ctx     context.Context
	b       Backend
	opts    Options
	st      styles
	keys    keyMap
	help    help.Model
	now     func() time.Time
	loc     *time.Location
	width   int
	height  int
	current view
	// tabs is the view registry this model shows: views, or in a test
	// more of them, to check that the frame scales.
	tabs []viewSpec
	// status line: last error or notice
	notice    string
	noticeErr bool
	// inflight marks refresh calls still running, so a slow backend does
	// not pile them up.
	inflight map[string]bool
	// pushed: the backend has an event stream, so only the counters
	// are polled.
	pushed bool

	net    networkState
	names  namesState
	chat   chatState
	comm   commState
	wallet walletState
	mail   mailState
	files  filesState
	// snaps are the snapshot views' states (snapshot.go), by name.
	snaps map[string]*snapState
}

func newModel(ctx context.Context, b Backend, opts Options, r *lipgloss.Renderer) *model {
	if opts.Refresh == 0 {
		opts.Refresh = time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	st := newStyles(r)
	m := &model{
		ctx: ctx, b: b, opts: opts, st: st, keys: defaultKeys(),
		help: help.New(), now: time.Now, loc: time.Local,
		width: 80, height: 24, inflight: map[string]bool{}, snaps: map[string]*snapState{},
		tabs: views[:],
	}
	m.help.Styles = st.help
	m.names = newNamesState(st)
	m.chat = newChatState(st)
	m.comm = newCommState(st)
	for v := range m.tabs {
		if strings.EqualFold(opts.Start, m.tabs[v].title) {
			m.current = view(v)
		}
	}
	m.focus()
	return m
}

func (m *model) Init() tea.Cmd {
	return tea.Batch(m.refreshAll(), m.listenEvents(), m.tick())
}

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.Width = msg.Width
		m.chat.layout(m.width)
		m.names.layout(m.width)
		m.comm.layout(m.width)
		return m, nil
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case tea.MouseMsg:
		return m, m.handleMouse(msg)
	}
	return m, m.handleResult(msg)
}

// handleKey runs the global bindings, then the current view's. A view
// with a text input has the keyboard while the input is focused; Esc
// clears and leaves it, and then digits jump to views, while any other
// printable key (or enter) goes back to the input and types.
func (m *model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Next):
		n := view(len(m.tabs))
		return m.switchTo((m.current + 1) % n)
	case key.Matches(msg, k.Prev):
		n := view(len(m.tabs))
		return m.switchTo((m.current + n - 1) % n)
	case key.Matches(msg, k.Refresh):
		return m.refreshAll()
	}
	spec := m.tabs[m.current]
	var in *textinput.Model
	if spec.input != nil {
		in = spec.input(m)
	}
	if in != nil && in.Focused() {
		if key.Matches(msg, k.Leave) {
			in.SetValue("")
			in.Blur()
			return nil
		}
		return spec.update(m, msg)
	}
	if v, ok := m.digit(msg); ok {
		return m.switchTo(v)
	}
	if in == nil {
		if key.Matches(msg, k.QuitQ) {
			return tea.Quit
		}
		return spec.update(m, msg)
	}
	if key.Matches(msg, k.Enter) {
		in.Focus()
		return nil
	}
	if msg.Type == tea.KeyRunes && !msg.Alt {
		in.Focus()
	}
	return spec.update(m, msg)
}

// digit says which view a digit key jumps to: 1-9 the first nine, 0
// the tenth (viewKey).
func (m *model) digit(msg tea.KeyMsg) (view, bool) {
	if msg.Type != tea.KeyRunes || msg.Alt || len(msg.Runes) != 1 {
		return 0, false
	}
	r := msg.Runes[0]
	if r < '0' || r > '9' {
		return 0, false
	}
	d := int(r - '1')
	if r == '0' {
		d = 9
	}
	if d >= len(m.tabs) {
		return 0, false
	}
	return view(d), true
}

// viewKey is the digit that jumps to the view at index v: "1" to "9"
// for the first nine, "0" for the tenth, "" past it (Tab reaches those).
func viewKey(v int) string {
	switch {
	case v < 9:
		return fmt.Sprint(v + 1)
	case v == 9:
		return "0"
	}
	return ""
}

// digitsHelp is the help line's name for the digit keys of n views:
// "1-5", or "1-9,0" with ten or more.
func digitsHelp(n int) string {
	switch {
	case n <= 1:
		return "1"
	case n <= 9:
		return fmt.Sprintf("1-%d", n)
	}
	return "1-9,0"
}

// handleMouse switches views by clicking a tab and scrolls with the wheel.
func (m *model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if msg.Action != tea.MouseActionPress {
		return nil
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp, tea.MouseButtonWheelDown:
		// The wheel scrolls: the history on Chat and Communities, the
		// page elsewhere.
		up, down := tea.KeyUp, tea.KeyDown
		if m.current == viewChat || m.current == viewCommunities {
			up, down = tea.KeyPgUp, tea.KeyPgDown
		}
		if msg.Button == tea.MouseButtonWheelUp {
			return m.handleKey(tea.KeyMsg{Type: up})
		}
		return m.handleKey(tea.KeyMsg{Type: down})
	case tea.MouseButtonLeft:
		if msg.Y != 0 {
			return nil
		}
		x, level := 0, m.tabLevel()
		for v := range view(len(m.tabs)) {
			w := ansi.StringWidth(m.tabLabel(v, level))
			if msg.X >= x && msg.X < x+w {
				return m.switchTo(v)
			}
			x += w + 1
		}
	}
	return nil
}

func (m *model) switchTo(v view) tea.Cmd {
	m.current = v
	m.focus()
	if f := m.tabs[v].enter; f != nil {
		return f(m)
	}
	return nil
}

// focus gives the keyboard to the current view's input.
func (m *model) focus() {
	for v, spec := range m.tabs {
		if spec.input == nil {
			continue
		}
		if in := spec.input(m); view(v) == m.current {
			in.Focus()
		} else {
			in.Blur()
		}
	}
}

func (m *model) setNotice(s string, isErr bool) {
	m.notice, m.noticeErr = s, isErr
}

// View draws the tab bar, the current view, the status line and the help
// line, fitted to the terminal. It clamps the views' scroll offsets to
// what the frame can show, and changes nothing else.
func (m *model) View() string {
	if m.width < minWidth || m.height < minHeight {
		return tooSmall(m.width, m.height)
	}
	bodyH := m.height - 3
	body := m.tabs[m.current].render(m, m.width, bodyH)
	status := m.st.info.Render(m.notice)
	if m.notice == "" && m.chat.call.active {
		status = m.st.info.Render(m.callLine())
	}
	if m.noticeErr {
		status = m.st.err.Render("error: " + m.notice)
	}
	return strings.Join([]string{
		m.tabBar(),
		fit(body, m.width, bodyH),
		fit(status, m.width, 1),
		m.helpLine(),
	}, "\n")
}

// tooSmall is the whole frame of a terminal below minWidth x minHeight.
func tooSmall(w, h int) string {
	for _, s := range []string{fmt.Sprintf("terminal too small (%dx%d)", w, h), "terminal too small", "too small"} {
		if len(s) <= w {
			return s
		}
	}
	return ansi.Truncate("too small", max(w, 0), "")
}

// tabLabel is the text of v's tab at a level of detail: 0 the title,
// 1 the short title, 2 the key only but the current tab keeps its short
// title, 3 the key only. Every tab starts "[" and its key (viewKey); a
// tab past the tenth has no key and keeps its short title. Chat's
// carries the unread count.
func (m *model) tabLabel(v view, level int) string {
	spec := m.tabs[v]
	k := viewKey(int(v))
	name := spec.title
	switch {
	case level == 0:
	case level == 1 || (level == 2 && v == m.current) || k == "":
		name = spec.short
	default:
		name = ""
	}
	label := k
	if name != "" {
		label = strings.TrimSpace(label + " " + name)
	}
	if v == viewChat && m.chat.unread() > 0 {
		label += fmt.Sprintf(" (%d)", m.chat.unread())
	}
	return "[" + label + "]"
}

// tabBarTabs renders the tab labels at a level of detail.
func (m *model) tabBarTabs(level int) string {
	var parts []string
	for v := range view(len(m.tabs)) {
		label := m.tabLabel(v, level)
		if v == m.current {
			parts = append(parts, m.st.activeTab.Render(label))
		} else {
			parts = append(parts, m.st.tab.Render(label))
		}
	}
	return strings.Join(parts, " ")
}

// tabLevels is the number of tabLabel's levels of detail.
const tabLevels = 4

// tabLevel is the most detailed level at which the tabs and the title
// fit the width: the full title ("anynet · self") with full or short
// labels, the bare one with the current view's name beside the keys,
// else keys only (levels as tabLabel's).
func (m *model) tabLevel() int {
	for level := 0; level < tabLevels-1; level++ {
		title := m.title(level < 2)
		if ansi.StringWidth(m.tabBarTabs(level))+1+ansi.StringWidth(title) <= m.width {
			return level
		}
	}
	return tabLevels - 1
}

func (m *model) title(self bool) string {
	t := "anynet"
	if self && m.opts.Self != "" {
		t += " · " + m.opts.Self
	}
	return t
}

// tabBar is the first line: the tabs, then the title at the right,
// shortened before anything is cut.
func (m *model) tabBar() string {
	left := m.tabBarTabs(m.tabLevel())
	for _, self := range []bool{true, false} {
		title := m.title(self)
		if gap := m.width - ansi.StringWidth(left) - ansi.StringWidth(title); gap >= 1 {
			return left + strings.Repeat(" ", gap) + m.st.title.Render(title)
		}
	}
	return fit(left, m.width, 1)
}

// fit cuts or pads s to exactly h lines of at most w cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
