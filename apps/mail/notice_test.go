//go:build !nochain

package mail

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpSubmit sends msg from m's SMTP gateway to rcpt with go-smtp's
// client (AUTH PLAIN in the clear on loopback).
func smtpSubmit(t testing.TB, m *member, rcpt string, msg []byte) {
	t.Helper()
	c := smtpLogin(t, m)
	defer c.Close()
	if err := c.SendMail("me@anynet", []string{rcpt}, bytes.NewReader(msg)); err != nil {
		t.Fatalf("submit to %s: %v", rcpt, err)
	}
}

// smtpLogin opens m's SMTP gateway and authenticates.
func smtpLogin(t testing.TB, m *member) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(m.smtp.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(sasl.NewPlainClient("", "anynet", m.pass)); err != nil {
		c.Close()
		t.Fatal(err)
	}
	return c
}

// imapBodies reads every message of folder over m's IMAP gateway, in
// UID order.
func imapBodies(t testing.TB, m *member, folder string) []string {
	t.Helper()
	c, err := client.Dial(m.imap.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Logout()
	if err := c.Login("me", m.pass); err != nil {
		t.Fatal(err)
	}
	mb, err := c.Select(folder, true)
	if err != nil {
		t.Fatal(err)
	}
	if mb.Messages == 0 {
		return nil
	}
	seq := new(imap.SeqSet)
	seq.AddRange(1, mb.Messages)
	sect := &imap.BodySectionName{Peek: true}
	ch := make(chan *imap.Message, mb.Messages)
	if err := c.Fetch(seq, []imap.FetchItem{imap.FetchUid, sect.FetchItem()}, ch); err != nil {
		t.Fatal(err)
	}
	var out []string
	for msg := range ch {
		b, _ := io.ReadAll(msg.GetBody(sect))
		out = append(out, string(b))
	}
	return out
}

// waitIMAP polls folder over IMAP until it holds n messages (a bound,
// not a timing assertion), and returns them.
func waitIMAP(t testing.TB, m *member, folder string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		got := imapBodies(t, m, folder)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's %s holds %d messages over IMAP, want %d", m.name, folder, len(got), n)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestDelayAndBounceEndToEnd: through real nodes and both gateways, a
// message to a recipient whose node is down (it published its mail
// key, then went away; no mailbox) gives alice, over IMAP, first the
// "delayed" notice (after mail.delay-notice, 1 s here) and later the
// bounce (after the retention, 8 s here), in that order; the bounce
// returns the message, attachment included. Bob coming up afterwards
// gets only the next message, never the bounced one, and alice
// no second bounce (the next one may be late too: 1 s is short).
func TestDelayAndBounceEndToEnd(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	alice := w.member(t, "alice", "", CoreConfig{DelayAfter: time.Second, Retention: 8 * time.Second})
	bob := w.member(t, "bob", "", CoreConfig{})
	w.start(t, alice)
	w.start(t, bob)
	bob.stop()

	msg := []byte("From: alice@anynet\r\nTo: bob@anynet\r\nSubject: stuck\r\nMessage-ID: <stuck@anynet>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee the attachment\r\n" +
		"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64Lines(bytes.Repeat([]byte{1, 2, 3, 250}, 4096)) + "--b1--\r\n")
	smtpSubmit(t, alice, "bob@anynet", msg)
	o := lastOutgoing(t, alice)

	notices := waitIMAP(t, alice, Inbox, 2)
	if len(notices) != 2 {
		t.Fatalf("alice's INBOX holds %d messages, want the notice and the bounce", len(notices))
	}
	delayed, bounce := notices[0], notices[1]
	for _, want := range []string{"Subject: Delivery delayed", "Action: delayed", "Status: 4.4.7", o.ID.String(), "report-type=delivery-status"} {
		if !strings.Contains(delayed, want) {
			t.Fatalf("the first message lacks %q:\n%s", want, delayed)
		}
	}
	for _, want := range []string{"Subject: Undelivered mail returned to sender", "Action: failed", "Status: 5.4.7", "not delivered within 8s"} {
		if !strings.Contains(bounce, want) {
			t.Fatalf("the second message lacks %q:\n%s", want, bounce)
		}
	}
	if !strings.Contains(bounce, "Content-Type: message/rfc822\r\n\r\n"+string(msg)) {
		t.Fatalf("the bounce does not return the message whole:\n%.600s", bounce)
	}
	if s, _ := alice.svc.Status(o.ID); s.Status != Failed || !s.Delayed {
		t.Fatalf("alice's record: %+v, want failed after a delay notice", s)
	}

	// Failed is final: bob, up again, gets the next message only.
	w.start(t, bob)
	smtpSubmit(t, alice, "bob@anynet", []byte("Subject: after\r\n\r\nfence\r\n"))
	waitStatus(t, alice, lastOutgoing(t, alice).ID, Delivered)
	got := imapBodies(t, bob, Requests)
	if len(got) != 1 || !strings.Contains(got[0], "Subject: after") {
		t.Fatalf("bob holds %d messages (%q…), want only the one after the bounce", len(got), fmt.Sprint(got)[:min(200, len(fmt.Sprint(got)))])
	}
	bounces := 0
	for _, m := range imapBodies(t, alice, Inbox) {
		if strings.Contains(m, "Action: failed") {
			bounces++
		}
	}
	if bounces != 1 {
		t.Fatalf("alice holds %d bounces, want 1", bounces)
	}
}

// TestIMAPAppendLimit: go-imap v1 reads an APPEND literal whole, so the
// gateway refuses one over the largest message before reading it (no
// "+" continuation for it), and still takes one under it.
func TestIMAPAppendLimit(t *testing.T) {
	w := newWorld(t)
	bob := w.member(t, "bob", "", CoreConfig{MaxSize: 1 << 20})
	w.start(t, bob)
	nc, err := net.Dial("tcp", bob.imap.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(time.Minute)) // a bound, not a timing assertion
	r := bufio.NewReader(nc)
	line := func() string {
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		return l
	}
	line() // greeting
	fmt.Fprintf(nc, "a1 LOGIN me %s\r\n", bob.pass)
	for l := line(); !strings.HasPrefix(l, "a1 "); l = line() {
	}
	small := "Subject: small\r\n\r\nx\r\n"
	fmt.Fprintf(nc, "a2 APPEND INBOX {%d}\r\n", len(small))
	if l := line(); !strings.HasPrefix(l, "+") {
		t.Fatalf("a small APPEND: %q", l)
	}
	fmt.Fprintf(nc, "%s\r\n", small)
	if l := line(); !strings.HasPrefix(l, "a2 OK") {
		t.Fatalf("a small APPEND: %q", l)
	}
	fmt.Fprintf(nc, "a3 APPEND INBOX {%d}\r\n", 2<<20)
	if l := line(); strings.HasPrefix(l, "+") {
		t.Fatalf("an APPEND of 2 MiB over a 1 MiB cap got a continuation: %q", l)
	}
	if ms, _ := bob.svc.Messages(Inbox); len(ms) != 1 {
		t.Fatalf("INBOX holds %d messages, want 1", len(ms))
	}
}
