package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ethereum/go-ethereum/common"
)

// nameAction is what Enter does in the Names view.
type nameAction int

const (
	actResolve nameAction = iota
	actRegister
	actReverse
	numActions
)

var actionLabels = [numActions]string{"resolve", "register", "reverse"}

// namesState is the Names view: an action, an input, and the last answer.
type namesState struct {
	action  nameAction
	input   textinput.Model
	busy    string   // what is running, "" if nothing
	result  []string // lines of the last answer
	history []string // one line per past answer, newest first
}

func newNamesState(st styles) namesState {
	in := st.input(256)
	ns := namesState{input: in}
	ns.setPlaceholder()
	return ns
}

func (n *namesState) setPlaceholder() {
	switch n.action {
	case actResolve:
		n.input.Placeholder = "name to resolve, e.g. bob"
	case actRegister:
		n.input.Placeholder = "name to register for this wallet"
	case actReverse:
		n.input.Placeholder = "0x wallet to look up"
	}
}

func (n *namesState) layout(w int) { n.input.Width = max(w-6, 1) }

func (m *model) updateNames(msg tea.KeyMsg) tea.Cmd {
	n := &m.names
	switch {
	case key.Matches(msg, m.keys.Up):
		n.action = (n.action + numActions - 1) % numActions
		n.setPlaceholder()
		return nil
	case key.Matches(msg, m.keys.Down):
		n.action = (n.action + 1) % numActions
		n.setPlaceholder()
		return nil
	case key.Matches(msg, m.keys.Enter):
		return m.runNameAction()
	}
	var cmd tea.Cmd
	n.input, cmd = n.input.Update(msg)
	return cmd
}

func (m *model) runNameAction() tea.Cmd {
	n := &m.names
	arg := strings.TrimSpace(n.input.Value())
	if arg == "" {
		what := "a name"
		if n.action == actReverse {
			what = "a wallet"
		}
		m.setNotice(actionLabels[n.action]+": type "+what+" first", true)
		return nil
	}
	b := m.b
	n.busy = fmt.Sprintf("%s %s…", actionLabels[n.action], arg)
	switch n.action {
	case actRegister:
		return m.call("", func(ctx context.Context) tea.Msg {
			return registerMsg{arg, b.Register(ctx, arg)}
		})
	case actReverse:
		if !common.IsHexAddress(arg) {
			n.busy = ""
			m.setNotice(fmt.Sprintf("reverse: %q is not a 0x wallet address", arg), true)
			return nil
		}
		w := common.HexToAddress(arg)
		return m.call("", func(ctx context.Context) tea.Msg {
			name, err := b.Reverse(ctx, w)
			return reverseMsg{w, name, err}
		})
	default:
		return m.call("", func(ctx context.Context) tea.Msg {
			res, err := b.Resolve(ctx, arg)
			return resolveMsg{arg, res, err}
		})
	}
}

func (m *model) namesResult(msg tea.Msg) tea.Cmd {
	n := &m.names
	n.busy = ""
	var summary string
	switch msg := msg.(type) {
	case resolveMsg:
		if m.failed("resolve "+msg.name, msg.err) {
			return nil
		}
		r := msg.res
		n.result = []string{
			"name       " + or(r.Name, msg.name),
			"wallet     " + r.Wallet.Hex(),
			"node keys  " + or(strings.Join(r.NodeKeys, ", "), "-"),
			"endpoints  " + or(strings.Join(r.Endpoints, ", "), "-"),
			"mailbox    " + or(r.Mailbox, "-"),
		}
		summary = fmt.Sprintf("resolve %s → %s", msg.name, shortAddr(r.Wallet))
	case reverseMsg:
		if m.failed("reverse "+shortAddr(msg.wallet), msg.err) {
			return nil
		}
		n.result = []string{
			"wallet     " + msg.wallet.Hex(),
			"name       " + or(msg.name, "(no name)"),
		}
		summary = fmt.Sprintf("reverse %s → %s", shortAddr(msg.wallet), or(msg.name, "(no name)"))
	case registerMsg:
		if m.failed("register "+msg.name, msg.err) {
			return nil
		}
		n.result = []string{"registered " + msg.name}
		summary = "register " + msg.name + " → ok"
	}
	m.setNotice(summary, false)
	n.history = append([]string{summary}, n.history...)
	if len(n.history) > 20 {
		n.history = n.history[:20]
	}
	return nil
}

func (m *model) viewNames(w, h int) string {
	n := &m.names
	st := m.st
	var l []string
	var acts []string
	for a := nameAction(0); a < numActions; a++ {
		if a == n.action {
			acts = append(acts, st.selected.Render("● "+actionLabels[a]))
		} else {
			acts = append(acts, st.dim.Render("○ "+actionLabels[a]))
		}
	}
	l = append(l, st.heading.Render("Names")+"  "+strings.Join(acts, "  "), "", "  "+n.input.View(), "")
	if n.busy != "" {
		l = append(l, st.dim.Render("  "+n.busy))
	}
	if len(n.result) > 0 {
		l = append(l, st.heading.Render("Result"))
		for _, r := range n.result {
			l = append(l, "  "+r)
		}
	}
	if len(n.history) > 1 {
		l = append(l, "", st.heading.Render("Earlier"))
		for _, s := range n.history[1:] {
			l = append(l, st.dim.Render("  "+s))
		}
	}
	return strings.Join(l, "\n")
}
