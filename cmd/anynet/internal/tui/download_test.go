package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

// TestChatDownload: a file from bob is shown with its size, alt+g gets
// it with a progress bar in the status line, and then it shows as saved.
func TestChatDownload(t *testing.T) {
	f := newFake()
	f.msgs[bobW] = append(f.msgs[bobW], Message{ID: "f1", From: bobW, To: aliceW, Sent: t0.Add(-time.Minute), Status: Delivered,
		File: &File{Name: "photo.jpg", Size: 100_000}})
	m := newTestModel(t, f, 80, 24)
	start(m)
	drive(m, keys("3"))
	v := m.View()
	if !strings.Contains(v, "bob: [file photo.jpg, 97.7 KiB]") || !strings.Contains(v, "alt+g get file") {
		t.Fatalf("file not shown, or its key not in the help line:\n%s", v)
	}
	// Started but not run: the progress reports arrive one by one.
	if cmd := m.updateChat(alt('g')); cmd == nil {
		t.Fatal("alt+g started nothing")
	}
	drive(m, dlProgressMsg{"f1", 50_000, 100_000, closedProgress()})
	golden.RequireEqual(t, m.View())
	if !strings.Contains(m.View(), "get photo.jpg [██████████░░░░░░░░░░]  50% 48.8 KiB / 97.7 KiB") {
		t.Fatalf("no progress bar:\n%s", m.View())
	}
	drive(m, alt('g'))
	if !strings.Contains(m.View(), "a download is running") || f.called("Download") != 0 {
		t.Fatalf("a second download started:\n%s", m.View())
	}
	m.chat.dl = download{}
	drive(m, alt('g'))
	v = m.View()
	if f.called("Download") != 1 || !strings.Contains(v, "saved /data/im/files/f1") || strings.Contains(v, "alt+g") {
		t.Fatalf("after the download:\n%s", v)
	}

	f2 := newFake()
	f2.fail["Download"] = errors.New("im: sha256 mismatch")
	f2.msgs[bobW] = f.msgs[bobW]
	m = newTestModel(t, f2, 80, 24)
	start(m)
	drive(m, keys("3"), alt('g'))
	if !strings.Contains(m.View(), "error: get photo.jpg: im: sha256 mismatch") || m.chat.dl.active {
		t.Fatalf("failed download:\n%s", m.View())
	}
}

func closedProgress() <-chan dlProgressMsg {
	ch := make(chan dlProgressMsg)
	close(ch)
	return ch
}

// TestChatSendFile: "/file PATH" offers a file to the selected
// conversation, which then shows it; without a person selected, or
// without a path, it says how to use it and sends nothing.
func TestChatSendFile(t *testing.T) {
	f := newFake()
	m := newTestModel(t, f, 120, 24)
	start(m)
	drive(m, keys("3"), keys("/file /data/report.pdf"), keyEnter)
	if got := f.sent(); len(got) != 1 || got[0] != "bob: file /data/report.pdf" {
		t.Fatalf("sends = %q, want the file offered to bob", got)
	}
	if v := m.View(); !strings.Contains(v, "you: [file report.pdf, 1.2 KiB] from /data/report.pdf") {
		t.Fatalf("offered file not shown:\n%s", v)
	}
	drive(m, keys("/file "), keyEnter)
	if v := m.View(); !strings.Contains(v, "usage: /file PATH") || len(f.sent()) != 1 {
		t.Fatalf("an empty path was not refused:\n%s", v)
	}

	f2 := newFake()
	f2.fail["SendFile"] = errors.New("im: attachment: open /nope: no such file or directory")
	m = newTestModel(t, f2, 80, 24)
	start(m)
	drive(m, keys("3"), keys("/file /nope"), keyEnter)
	if v := m.View(); !strings.Contains(v, "no such file") {
		t.Fatalf("a failed offer is not reported:\n%s", v)
	}
}
