//go:build !nochain

package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
)

// smtpCode is err's SMTP code and enhanced code ("450 4.2.1"), or "250"
// for no error.
func smtpCode(t testing.TB, err error) string {
	t.Helper()
	if err == nil {
		return "250"
	}
	var e *smtp.SMTPError
	if !errors.As(err, &e) {
		t.Fatalf("not an SMTP error: %v", err)
	}
	return fmt.Sprintf("%d %d.%d.%d", e.Code, e.EnhancedCode[0], e.EnhancedCode[1], e.EnhancedCode[2])
}

// submitCode submits msg to rcpt over m's gateway with go-smtp's
// client (SIZE= size if not 0) and says where it stopped: "RCPT 450
// 4.2.1", "DATA 552 5.2.3", or "250".
func submitCode(t testing.TB, m *member, rcpt string, size int64, msg []byte) string {
	t.Helper()
	c := smtpLogin(t, m)
	defer c.Close()
	var opts *smtp.MailOptions
	if size > 0 {
		opts = &smtp.MailOptions{Size: size}
	}
	if err := c.Mail("me@anynet", opts); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt(rcpt, nil); err != nil {
		return "RCPT " + smtpCode(t, err)
	}
	dw, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	dw.Write(msg)
	if err := dw.Close(); err != nil {
		return "DATA " + smtpCode(t, err)
	}
	return "250"
}

// TestSMTPRecipientLimits: when the recipient's node refuses mail from
// alice for its size cap, its rate limit or consent, alice's SMTP
// gateway learns it from the first refusal (that message, already
// taken with a 250, bounces or waits) and answers the next submission
// at once with the right code: 552 5.2.3 (at RCPT when MAIL gave
// SIZE=, else after DATA), 450 4.2.1 (temporary), 550 5.7.1. Smaller
// mail, and mail to others, still goes through; nothing taken with a
// 250 is lost: each is Delivered, bounced, or still queued.
func TestSMTPRecipientLimits(t *testing.T) {
	w := newWorld(t)
	alice := w.member(t, "alice", "", CoreConfig{})
	bob := w.member(t, "bob", "", CoreConfig{MaxSize: 64 << 10, RateLimit: 0.001, RateBurst: 2})
	carol := w.member(t, "carol", "", CoreConfig{KnownOnly: true})
	w.start(t, alice)
	w.start(t, bob)
	w.start(t, carol)
	big := append([]byte("Subject: big\r\n\r\n"), bytes.Repeat([]byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n"), 1600)...)
	small := func(s string) []byte { return []byte("Subject: " + s + "\r\n\r\nhello\r\n") }
	want := func(got, want, what string) {
		t.Helper()
		if got != want {
			t.Fatalf("%s: %s, want %s", what, got, want)
		}
	}

	// Size: the first is taken and bounces with bob's reason; then known.
	want(submitCode(t, alice, "bob@anynet", 0, big), "250", "the first over bob's cap")
	o := waitStatus(t, alice, lastOutgoing(t, alice).ID, Failed)
	if !strings.Contains(o.Reason, "code 1") {
		t.Fatalf("bounce reason %q", o.Reason)
	}
	want(submitCode(t, alice, "bob@anynet", 0, big), "DATA 552 5.2.3", "the second over bob's cap")
	want(submitCode(t, alice, "bob@anynet", int64(len(big)), big), "RCPT 552 5.2.3", "over bob's cap with SIZE=")

	// Rate: a burst of 2, then refused; then known.
	var taken []MessageID
	for i := range 3 {
		want(submitCode(t, alice, "bob@anynet", 0, small(fmt.Sprint("r", i))), "250", fmt.Sprint("small message ", i))
		taken = append(taken, lastOutgoing(t, alice).ID)
	}
	waitStatus(t, alice, taken[0], Delivered)
	waitStatus(t, alice, taken[1], Delivered)
	waitReason(t, alice, taken[2], "too many messages")
	want(submitCode(t, alice, "bob@anynet", 0, small("r3")), "RCPT 450 4.2.1", "over bob's rate")

	// Consent: carol takes mail only from those she allowed.
	want(submitCode(t, alice, "carol@anynet", 0, small("hi carol")), "250", "the first to carol")
	o = waitStatus(t, alice, lastOutgoing(t, alice).ID, Failed)
	if !strings.Contains(o.Reason, "does not take mail") {
		t.Fatalf("bounce reason %q", o.Reason)
	}
	want(submitCode(t, alice, "carol@anynet", 0, small("again")), "RCPT 550 5.7.1", "to carol again")
	if ms, _ := carol.svc.Messages(Requests); len(ms) != 0 {
		t.Fatalf("carol filed %d refused messages", len(ms))
	}

	// Nothing taken is lost: every 250 is Delivered, Failed (with a
	// bounce in INBOX) or still Queued (the rate-limited one).
	os, _ := alice.svc.Outgoing()
	if len(os) != 5 {
		t.Fatalf("alice took %d messages, want 5", len(os))
	}
	failed := 0
	for _, o := range os {
		if o.Status == Failed {
			failed++
		}
	}
	if inbox, _ := alice.svc.Messages(Inbox); failed != 2 || len(inbox) != failed {
		t.Fatalf("%d failed, %d bounces in INBOX; want 2 and 2", failed, len(inbox))
	}
	if ms, _ := bob.svc.Messages(Requests); len(ms) != 2 {
		t.Fatalf("bob holds %d messages, want 2", len(ms))
	}
	// Allowed now, carol's node takes alice's mail (the core, not the
	// gateway, which remembers her refusal for a while).
	carol.svc.Do(context.Background(), AllowCmd{Peer: alice.wallet})
	o2, err := alice.svc.Send(context.Background(), "carol@anynet", small("allowed"))
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, alice, o2.ID, Delivered)
}
