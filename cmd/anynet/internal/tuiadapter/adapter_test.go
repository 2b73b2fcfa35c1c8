package tuiadapter

import (
	"testing"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
)

func TestStatus(t *testing.T) {
	for in, want := range map[string]tui.MessageStatus{
		control.StatusPending: tui.Pending, control.StatusSent: tui.Sent, control.StatusDelivered: tui.Delivered,
		control.StatusRead: tui.Read, control.StatusFailed: tui.Failed, "": tui.Failed,
	} {
		if got := status(in); got != want {
			t.Errorf("status(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestMessage(t *testing.T) {
	if m := message(control.ChatMessage{}); m.ID != "" {
		t.Errorf("zero message = %+v", m)
	}
	m := message(control.ChatMessage{ID: "01", Text: "hi", Status: control.StatusDelivered})
	if m.ID != "01" || m.Text != "hi" || m.Status != tui.Delivered {
		t.Errorf("message = %+v", m)
	}
}

func TestGroupAndFileMessage(t *testing.T) {
	m := message(control.ChatMessage{ID: "02", Group: "03", Attachment: &control.ChatAttachment{Name: "a.pdf", Size: 7}})
	if m.Group != "03" || m.File == nil || m.File.Name != "a.pdf" || m.File.Size != 7 {
		t.Errorf("message = %+v", m)
	}
}

func TestEvent(t *testing.T) {
	msg := &control.ChatMessage{ID: "04", Text: "x", Status: control.StatusRead}
	for _, tt := range []struct {
		in   control.Event
		want tui.EventKind
		ok   bool
	}{
		{control.Event{Kind: control.EventMessage, Message: msg}, tui.EventMessage, true},
		{control.Event{Kind: control.EventRequest, Message: msg}, tui.EventMessage, true},
		{control.Event{Kind: control.EventReceipt, Message: msg}, tui.EventReceipt, true},
		{control.Event{Kind: control.EventReceipt}, 0, false},
		{control.Event{Kind: control.EventPath, Peer: &control.Peer{}}, tui.EventPeers, true},
		{control.Event{Kind: control.EventPeerUp, Peer: &control.Peer{}}, tui.EventPeers, true},
		{control.Event{Kind: control.EventPeerDown, Peer: &control.Peer{}}, tui.EventPeers, true},
		{control.Event{Kind: control.EventGap}, tui.EventMessage, true},
		{control.Event{Kind: control.EventPost, Post: &control.ChatPost{ID: "p", Seq: 2}}, tui.EventPost, true},
		{control.Event{Kind: control.EventTransfer, Transfer: &control.Transfer{}}, 0, false},
	} {
		got, ok := event(tt.in)
		if ok != tt.ok || (ok && got.Kind != tt.want) {
			t.Errorf("event(%s) = %v, %v; want %v, %v", tt.in.Kind, got.Kind, ok, tt.want, tt.ok)
		}
	}
}

func TestCallResult(t *testing.T) {
	r := callResult(control.CallResult{Peer: "0x0000000000000000000000000000000000000001", Jitter: 3 * time.Millisecond, Duration: 2 * time.Second})
	if r.Jitter != 3*time.Millisecond || r.Duration != 2*time.Second || r.Peer[19] != 1 {
		t.Errorf("callResult = %+v", r)
	}
}
