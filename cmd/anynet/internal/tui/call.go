package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/progressbar"
	tea "github.com/charmbracelet/bubbletea"
)

// defaultBitrate is the bitrate of a /call without BITRATE, the default
// of `anynet chat call --bitrate`.
const defaultBitrate = 64000

const callUsage = "usage: /call FILE [BITRATE] (bits/s, default 64000)"

// A call runs in one command without the per-call timeout, under a
// context of its own that /hangup cancels; its end arrives as
// callDoneMsg.
type callDoneMsg struct {
	name string // the callee as shown
	res  CallResult
	err  error
}

// callState is the Chat view's running call, if any.
type callState struct {
	active  bool
	name    string // the callee as shown
	file    string // base name
	bitrate int
	hungUp  bool
	cancel  context.CancelFunc
}

// expandPath makes a path typed in the TUI absolute: a leading "~/" is
// the home directory, a relative path is relative to the TUI's working
// directory. The daemon wants absolute paths.
func expandPath(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return p
}

// parseCall splits the arguments of /call into FILE and BITRATE. FILE
// may hold spaces: the whole text is FILE if it names an existing file,
// else a last word that is a number is BITRATE, parsed as the CLI's
// --bitrate is (strconv.ParseInt with base 0: 64000, 0x10, 1_000_000);
// 0 is the default. A last word that starts like a number but is none
// is an error.
func parseCall(args string) (path string, bitrate int, err error) {
	args = strings.TrimSpace(args)
	if args == "" {
		return "", 0, errors.New(callUsage)
	}
	path, bitrate = args, defaultBitrate
	i := strings.LastIndexByte(args, ' ')
	if _, serr := os.Stat(expandPath(args)); serr == nil || i < 0 {
		return path, bitrate, nil
	}
	head, last := strings.TrimSpace(args[:i]), args[i+1:]
	n, perr := strconv.ParseInt(last, 0, 64)
	switch {
	case perr == nil && n < 0:
		return "", 0, fmt.Errorf("bad bitrate %s: bits per second, at least 0", last)
	case perr == nil && n > 0:
		path, bitrate = head, int(n)
	case perr == nil:
		path = head
	case strings.ContainsAny(last[:1], "0123456789+-"):
		return "", 0, fmt.Errorf("bad bitrate %q: bits per second as a whole number (64000)", last)
	}
	return path, bitrate, nil
}

// startCall runs "/call FILE [BITRATE]": a call to the selected 1:1
// conversation's peer. Refusals go to the status line and keep the input.
func (m *model) startCall(args string) tea.Cmd {
	c := &m.chat
	switch {
	case c.call.active:
		m.setNotice("a call is running: "+c.call.name+" ("+c.call.file+"); /hangup ends it", true)
		return nil
	case !c.hasPeer:
		m.setNotice("call: select a conversation with one person first", true)
		return nil
	case c.group != "":
		m.setNotice("call: calls are 1:1; select a conversation with one person, not a group", true)
		return nil
	case c.requestSelected():
		m.setNotice("call: "+c.nameOf(c.peer)+" is a request; allow it (alt+a) before calling", true)
		return nil
	}
	p, bitrate, err := parseCall(args)
	if err != nil {
		m.setNotice(err.Error(), true)
		return nil
	}
	path := expandPath(p)
	switch fi, err := os.Stat(path); {
	case err != nil:
		m.setNotice(fmt.Sprintf("call: %v", err), true)
		return nil
	case fi.IsDir():
		m.setNotice("call: "+path+" is a directory", true)
		return nil
	}
	ctx, cancel := context.WithCancel(m.ctx)
	name, file, to := c.nameOf(c.peer), filepath.Base(path), c.peer.Hex()
	c.call = callState{active: true, name: name, file: file, bitrate: bitrate, cancel: cancel}
	c.input.SetValue("")
	m.setNotice(m.callLine(), false)
	b := m.b
	return func() tea.Msg {
		defer cancel()
		r, err := b.Call(ctx, to, path, bitrate)
		return callDoneMsg{name: name, res: r, err: err}
	}
}

// hangup runs "/hangup": it cancels the running call, whose end then
// arrives as usual.
func (m *model) hangup() tea.Cmd {
	c := &m.chat
	if !c.call.active {
		m.setNotice("hangup: no call is running", true)
		return nil
	}
	c.input.SetValue("")
	if !c.call.hungUp {
		c.call.hungUp = true
		c.call.cancel()
	}
	m.setNotice("hanging up on "+c.call.name+"…", false)
	return nil
}

// callLine is the status line while a call runs.
func (m *model) callLine() string {
	cl := m.chat.call
	return fmt.Sprintf("calling %s… (%s, %s) · /hangup ends it", cl.name, cl.file, fmtBitrate(cl.bitrate))
}

func (m *model) callResult(msg callDoneMsg) tea.Cmd {
	hungUp := m.chat.call.hungUp
	m.chat.call = callState{}
	switch {
	case msg.err != nil && hungUp:
		m.setNotice("hung up on "+msg.name, false)
	case msg.err != nil:
		m.failed("call "+msg.name, msg.err)
	default:
		m.setNotice(callSummary(msg.name, msg.res), false)
	}
	return nil
}

// callSummary is a finished call's statistics in one line, the most
// telling first, since a narrow status line cuts the end: packets the
// callee got of those sent, loss, jitter, round trips, then late and
// duplicate packets and the payload sent in how long.
func callSummary(name string, r CallResult) string {
	var parts []string
	if r.Reported {
		parts = append(parts,
			fmt.Sprintf("%d/%d packets", r.Received, r.Sent),
			fmt.Sprintf("%.1f%% lost", 100*r.LossRate),
			"jitter "+roundDur(r.Jitter).String())
	} else {
		parts = append(parts, fmt.Sprintf("%d packets sent, no report from %s (receive side unknown)", r.Sent, name))
	}
	if r.RTTP50 > 0 {
		parts = append(parts, fmt.Sprintf("rtt p50 %s p99 %s", roundDur(r.RTTP50), roundDur(r.RTTP99)))
	}
	if r.Reported {
		parts = append(parts, fmt.Sprintf("%d late", r.Late), fmt.Sprintf("%d dup", r.Duplicates))
	}
	parts = append(parts, progressbar.Bytes(r.Bytes)+" in "+roundDur(r.Duration).String())
	return "call with " + name + ": " + strings.Join(parts, ", ")
}

// roundDur keeps three significant digits: 812µs, 2.13ms, 5.02s.
func roundDur(d time.Duration) time.Duration {
	r := time.Duration(1)
	for d/(r*10) >= 100 {
		r *= 10
	}
	return d.Round(r)
}

// fmtBitrate shows bits per second: 999 bit/s, 64 kbit/s, 1.5 Mbit/s.
func fmtBitrate(n int) string {
	f := func(v float64, unit string) string { return strconv.FormatFloat(v, 'f', -1, 64) + " " + unit }
	switch {
	case n >= 1_000_000:
		return f(float64(n)/1e6, "Mbit/s")
	case n >= 1000:
		return f(float64(n)/1e3, "kbit/s")
	}
	return strconv.Itoa(n) + " bit/s"
}
