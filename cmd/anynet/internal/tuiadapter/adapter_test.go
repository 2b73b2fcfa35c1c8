package tuiadapter

import (
	"testing"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
)

func TestStatus(t *testing.T) {
	for in, want := range map[im.Status]tui.MessageStatus{
		im.Pending: tui.Pending, im.Sent: tui.Sent, im.Delivered: tui.Delivered, im.Read: tui.Read, im.Failed: tui.Failed,
	} {
		if got := status(in); got != want {
			t.Errorf("status(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestMessage(t *testing.T) {
	if m := message(im.Message{}); m.ID != "" {
		t.Errorf("zero message = %+v", m)
	}
	m := message(im.Message{ID: im.MessageID{1}, Text: "hi", Status: im.Delivered})
	if m.ID != (im.MessageID{1}).String() || m.Text != "hi" || m.Status != tui.Delivered {
		t.Errorf("message = %+v", m)
	}
}

func TestGroupAndFileMessage(t *testing.T) {
	m := message(im.Message{ID: im.MessageID{2}, Group: im.GroupID{3}, Attachment: &im.Attachment{Name: "a.pdf", Size: 7}})
	if m.Group != (im.GroupID{3}).String() || m.File == nil || m.File.Name != "a.pdf" || m.File.Size != 7 {
		t.Errorf("message = %+v", m)
	}
	if m := message(im.Message{ID: im.MessageID{2}, Text: "x"}); m.Group != "" {
		t.Errorf("1:1 message has group %q", m.Group)
	}
}
