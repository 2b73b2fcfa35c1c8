//go:build !nochain

package mail

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// TestLargeAttachment: a message with a 25 MB attachment (34 MB in
// base64) crosses real nodes whole: Delivered, and bob's copy is the
// sent bytes.
func TestLargeAttachment(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("moves 34 MB")
	}
	w := newWorld(t)
	alice := w.member(t, "alice", "", CoreConfig{AckTimeout: time.Minute})
	bob := w.member(t, "bob", "", CoreConfig{AckTimeout: time.Minute})
	w.start(t, alice)
	w.start(t, bob)
	payload := make([]byte, 25<<20)
	for i := range payload {
		payload[i] = byte(i*31 + i>>9)
	}
	msg := []byte("From: alice@anynet\r\nTo: bob@anynet\r\nSubject: big\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: application/octet-stream\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + base64Lines(payload) + "--b1--\r\n")
	ctx := context.Background()
	o, err := alice.svc.Send(ctx, "bob@anynet", msg)
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, alice, o.ID, Delivered)
	ms, _ := bob.svc.Messages(Requests)
	if len(ms) != 1 {
		t.Fatalf("bob has %d messages", len(ms))
	}
	got, _ := bob.svc.Body(Requests, ms[0].UID)
	if !bytes.HasSuffix(got, msg) {
		t.Fatalf("bob's copy: %d bytes, sent %d", len(got), len(msg))
	}
}

// TestIMAPIdle: a client in IDLE on INBOX hears EXISTS as soon as mail
// arrives, without polling.
func TestIMAPIdle(t *testing.T) {
	w := newWorld(t)
	alice := w.member(t, "alice", "", CoreConfig{})
	bob := w.member(t, "bob", "", CoreConfig{})
	w.start(t, alice)
	w.start(t, bob)
	ctx := context.Background()
	bob.svc.Do(ctx, AllowCmd{Peer: alice.wallet})
	c, err := client.Dial(bob.imap.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Logout()
	if err := c.Login("anyone", "wrong"); err == nil {
		t.Fatal("a wrong password logged in")
	}
	if err := c.Login("anyone", bob.pass); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(Inbox, false); err != nil {
		t.Fatal(err)
	}
	updates := make(chan client.Update, 16)
	c.Updates = updates
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- c.Idle(stop, &client.IdleOptions{LogoutTimeout: 0, PollInterval: time.Hour}) }()
	if _, err := alice.svc.Send(ctx, "bob@anynet", []byte("Subject: ping\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case u := <-updates:
			if mu, ok := u.(*client.MailboxUpdate); ok && mu.Mailbox.Messages == 1 {
				close(stop)
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				seq := new(imap.SeqSet)
				seq.AddNum(1)
				ch := make(chan *imap.Message, 1)
				if err := c.Fetch(seq, []imap.FetchItem{imap.FetchEnvelope}, ch); err != nil {
					t.Fatal(err)
				}
				if m := <-ch; m == nil || m.Envelope.Subject != "ping" {
					t.Fatalf("fetched %+v", m)
				}
				return
			}
		case <-time.After(time.Minute):
			t.Fatal("no EXISTS in IDLE within a minute (a bound, not a timing assertion)")
		}
	}
}

// TestIMAPExpungeAndMove: STORE \Deleted then EXPUNGE, and MOVE, leave
// the client's sequence numbers right (the server hears EXPUNGE from
// the backend), and the messages where they belong.
func TestIMAPExpungeAndMove(t *testing.T) {
	w := newWorld(t)
	bob := w.member(t, "bob", "", CoreConfig{})
	w.start(t, bob)
	ctx := context.Background()
	for _, s := range []string{"one", "two", "three"} {
		if _, err := bob.svc.Do(ctx, AppendCmd{Folder: Inbox, Data: []byte("Subject: " + s + "\r\n\r\nx\r\n")}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := client.Dial(bob.imap.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Logout()
	if err := c.Login("me", bob.pass); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(Inbox, false); err != nil {
		t.Fatal(err)
	}
	updates := make(chan client.Update, 16)
	c.Updates = updates
	one := new(imap.SeqSet)
	one.AddNum(1)
	if err := c.Store(one, imap.FormatFlagsOp(imap.AddFlags, true), []interface{}{imap.DeletedFlag}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Expunge(nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Move(one, Trash); err != nil { // "two", now number 1
		t.Fatal(err)
	}
	subjects := func(folder string) []string {
		ms, _ := bob.svc.Messages(folder)
		var out []string
		for _, m := range ms {
			b, _ := bob.svc.Body(folder, m.UID)
			out = append(out, string(bytes.TrimPrefix(bytes.SplitN(b, []byte("\r\n"), 2)[0], []byte("Subject: "))))
		}
		return out
	}
	if got := subjects(Inbox); len(got) != 1 || got[0] != "three" {
		t.Errorf("INBOX %q", got)
	}
	if got := subjects(Trash); len(got) != 1 || got[0] != "two" {
		t.Errorf("Trash %q", got)
	}
	// The client heard two EXPUNGEs of number 1.
	var expunged []uint32
	for len(expunged) < 2 {
		select {
		case u := <-updates:
			switch u := u.(type) {
			case *client.ExpungeUpdate:
				expunged = append(expunged, u.SeqNum)
			}
		case <-time.After(time.Minute):
			t.Fatalf("expunges heard: %v (a bound, not a timing assertion)", expunged)
		}
	}
	if expunged[0] != 1 || expunged[1] != 1 {
		t.Errorf("expunged %v, want [1 1]", expunged)
	}
}

// TestIMAPStoreFlags: STORE answers with the untagged FETCH of the new
// flags, and STORE .SILENT without; run it with -race (the update is
// ordered with go-imap's unlocked silent flag, imap.go).
func TestIMAPStoreFlags(t *testing.T) {
	w := newWorld(t)
	bob := w.member(t, "bob", "", CoreConfig{})
	w.start(t, bob)
	if _, err := bob.svc.Do(context.Background(), AppendCmd{Folder: Inbox, Data: []byte("Subject: one\r\n\r\nx\r\n")}); err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(bob.imap.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Logout()
	if err := c.Login("me", bob.pass); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(Inbox, false); err != nil {
		t.Fatal(err)
	}
	one := new(imap.SeqSet)
	one.AddNum(1)
	ch := make(chan *imap.Message, 4)
	if err := c.Store(one, imap.FormatFlagsOp(imap.AddFlags, false), []interface{}{imap.FlaggedFlag}, ch); err != nil {
		t.Fatal(err)
	}
	if len(ch) != 1 {
		t.Fatalf("STORE answered %d untagged FETCHes, want 1", len(ch))
	}
	if m := <-ch; !slices.Contains(m.Flags, imap.FlaggedFlag) || m.Uid != 1 {
		t.Fatalf("STORE's FETCH: flags %v uid %d", m.Flags, m.Uid)
	}
	ch = make(chan *imap.Message, 4)
	if err := c.Store(one, imap.FormatFlagsOp(imap.AddFlags, true), []interface{}{imap.SeenFlag}, ch); err != nil {
		t.Fatal(err)
	}
	if len(ch) != 0 {
		t.Fatalf("STORE .SILENT answered %d FETCHes", len(ch))
	}
	ms, _ := bob.svc.Messages(Inbox)
	if len(ms) != 1 || !slices.Contains(ms[0].Flags, imap.SeenFlag) || !slices.Contains(ms[0].Flags, imap.FlaggedFlag) {
		t.Fatalf("stored flags %+v", ms)
	}
}

// TestIMAPTwoDevices: two clients (two devices) on bob's INBOX stay in
// step: a flag one sets reaches both as an untagged FETCH, a message
// one expunges reaches both as EXPUNGE, and new mail reaches the other
// as EXISTS (go-imap v1 hands a FETCH's or an EXPUNGE's
// number to one connection only: the gateway addresses each login).
func TestIMAPTwoDevices(t *testing.T) {
	w := newWorld(t)
	bob := w.member(t, "bob", "", CoreConfig{})
	w.start(t, bob)
	ctx := context.Background()
	for _, s := range []string{"one", "two"} {
		if _, err := bob.svc.Do(ctx, AppendCmd{Folder: Inbox, Data: []byte("Subject: " + s + "\r\n\r\nx\r\n")}); err != nil {
			t.Fatal(err)
		}
	}
	device := func() (*client.Client, chan client.Update) {
		c, err := client.Dial(bob.imap.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Logout() })
		if err := c.Login("me", bob.pass); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Select(Inbox, false); err != nil {
			t.Fatal(err)
		}
		u := make(chan client.Update, 64)
		c.Updates = u
		return c, u
	}
	phone, _ := device()
	laptop, heard := device()
	wait := func(what string, ok func(client.Update) bool) {
		t.Helper()
		for {
			select {
			case u := <-heard:
				if ok(u) {
					return
				}
			case <-time.After(time.Minute):
				t.Fatalf("the laptop did not hear %s (a bound, not a timing assertion)", what)
			}
		}
	}
	one := new(imap.SeqSet)
	one.AddNum(1)
	own := make(chan *imap.Message, 4)
	if err := phone.Store(one, imap.FormatFlagsOp(imap.AddFlags, false), []interface{}{imap.FlaggedFlag}, own); err != nil {
		t.Fatal(err)
	}
	if len(own) != 1 {
		t.Fatalf("the phone's STORE answered %d FETCHes, want 1", len(own))
	}
	laptop.Noop()
	wait("the phone's flag", func(u client.Update) bool {
		m, ok := u.(*client.MessageUpdate)
		return ok && m.Message.SeqNum == 1 && slices.Contains(m.Message.Flags, imap.FlaggedFlag)
	})
	if err := phone.Store(one, imap.FormatFlagsOp(imap.AddFlags, true), []interface{}{imap.DeletedFlag}, nil); err != nil {
		t.Fatal(err)
	}
	gone := make(chan uint32, 4)
	if err := phone.Expunge(gone); err != nil {
		t.Fatal(err)
	}
	if len(gone) != 1 || <-gone != 1 {
		t.Fatal("the phone did not hear its own EXPUNGE of message 1")
	}
	laptop.Noop()
	wait("the phone's expunge", func(u client.Update) bool {
		e, ok := u.(*client.ExpungeUpdate)
		return ok && e.SeqNum == 1
	})
	if _, err := bob.svc.Do(ctx, AppendCmd{Folder: Inbox, Data: []byte("Subject: three\r\n\r\nx\r\n")}); err != nil {
		t.Fatal(err)
	}
	laptop.Noop()
	wait("new mail", func(u client.Update) bool {
		m, ok := u.(*client.MailboxUpdate)
		return ok && m.Mailbox.Messages == 2
	})
	// The laptop's numbers are the store's: message 1 is "two".
	ch := make(chan *imap.Message, 2)
	if err := laptop.Fetch(one, []imap.FetchItem{imap.FetchEnvelope}, ch); err != nil {
		t.Fatal(err)
	}
	if m := <-ch; m == nil || m.Envelope.Subject != "two" {
		t.Fatalf("the laptop's message 1: %+v", m)
	}
}
