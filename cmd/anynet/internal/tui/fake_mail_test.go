package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// The fake backend's mail: two messages in INBOX, one in Requests, an
// outbox with each custody state.
var _ MailBackend = (*fakeBackend)(nil)

func (f *fakeBackend) MailFolder(_ context.Context, folder string) ([]MailItem, error) {
	switch folder {
	case "INBOX":
		return []MailItem{
			{Folder: "INBOX", UID: 1, From: "bob <bob@anynet>", Subject: "minutes of Tuesday", Date: t0.Add(-3 * 3600e9), Seen: true},
			{Folder: "INBOX", UID: 2, From: "carol <carol@anynet>", Subject: "the photos", Date: t0.Add(-600e9)},
		}, nil
	case "Requests":
		return []MailItem{{Folder: "Requests", UID: 1, From: "0x00000000000000000000000000000000000000d1@anynet", Subject: "hello?", Date: t0}}, nil
	}
	return nil, nil
}

func (f *fakeBackend) MailMessage(_ context.Context, folder string, uid uint32) (MailItem, error) {
	l, _ := f.MailFolder(context.Background(), folder)
	for _, it := range l {
		if it.UID == uid {
			it.Seen, it.Body = true, "Hi alice,\n\nhere they are.\n\n-- "+it.From
			if uid == 2 {
				it.Attachments = []string{"beach.jpg", "dinner.jpg"}
			}
			return it, nil
		}
	}
	return MailItem{}, fmt.Errorf("no message %d", uid)
}

func (f *fakeBackend) MailOutbox(context.Context) ([]MailOut, error) {
	return []MailOut{
		{ID: "01", To: "0xb0b0000000000000000000000000000000000002@anynet", Status: "delivered", Submitted: t0},
		{ID: "02", To: "0x00000000000000000000000000000000000000c3@anynet", Status: "held", Delayed: true, Submitted: t0},
		{ID: "03", To: "0x00000000000000000000000000000000000000e4@anynet", Status: "failed", Reason: "too large", Submitted: t0},
	}, nil
}

// TestMailView: the Mail view lists INBOX and the outbox's custody
// states, opens a message with Enter (text and attachments), and f
// moves to Requests.
func TestMailView(t *testing.T) {
	m := newTestModel(t, newFake(), 100, 24)
	start(m)
	drive(m, keys("6"))
	if m.current != viewMail {
		t.Fatalf("view %s", m.current)
	}
	frame := m.View()
	for _, s := range []string{"INBOX (2)", "minutes of Tuesday", "the photos", "delivered 0xb0b0…0002", "held! 0x0000…00c3", "failed 0x0000…00e4"} {
		if !strings.Contains(frame, s) {
			t.Errorf("%q missing:\n%s", s, frame)
		}
	}
	drive(m, keyDown, keyEnter)
	frame = m.View()
	for _, s := range []string{"the photos", "here they are.", "attached: beach.jpg, dinner.jpg"} {
		if !strings.Contains(frame, s) {
			t.Errorf("%q missing after enter:\n%s", s, frame)
		}
	}
	drive(m, keys("f"))
	if frame = m.View(); !strings.Contains(frame, "Requests (1)") || !strings.Contains(frame, "hello?") {
		t.Errorf("f: not Requests:\n%s", frame)
	}
}
