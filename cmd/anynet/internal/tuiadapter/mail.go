package tuiadapter

import (
	"context"
	"slices"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
)

var _ tui.MailBackend = (*Backend)(nil)

func mailItem(m control.MailMessage) tui.MailItem {
	return tui.MailItem{Folder: m.Folder, UID: m.UID, From: m.From, Subject: m.Subject, Date: m.Date,
		Seen: slices.Contains(m.Flags, `\Seen`), Body: m.Body, Attachments: m.Attachments}
}

// MailFolder implements tui.MailBackend.
func (b *Backend) MailFolder(ctx context.Context, folder string) ([]tui.MailItem, error) {
	l, err := b.C.MailList(ctx, folder)
	if err != nil {
		return nil, err
	}
	out := make([]tui.MailItem, 0, len(l))
	for _, m := range l {
		out = append(out, mailItem(m))
	}
	return out, nil
}

// MailMessage implements tui.MailBackend.
func (b *Backend) MailMessage(ctx context.Context, folder string, uid uint32) (tui.MailItem, error) {
	m, err := b.C.MailRead(ctx, folder, uid)
	if err != nil {
		return tui.MailItem{}, err
	}
	return mailItem(m), nil
}

// MailOutbox implements tui.MailBackend.
func (b *Backend) MailOutbox(ctx context.Context) ([]tui.MailOut, error) {
	l, err := b.C.MailOutbox(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]tui.MailOut, 0, len(l))
	for _, o := range l {
		out = append(out, tui.MailOut{ID: o.ID, To: o.To, Status: o.Status, Reason: o.Reason, Delayed: o.Delayed, Submitted: o.Submitted})
	}
	return out, nil
}
