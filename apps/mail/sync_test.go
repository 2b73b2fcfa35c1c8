//go:build !nochain

package mail

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// memberOf is another node of m's wallet: the same key, a data
// directory of its own.
func (w *world) memberOf(t testing.TB, m *member, name string) *member {
	n := &member{name: name, key: m.key, wallet: m.wallet, dir: t.TempDir(), mailAt: m.mailAt, core: m.core}
	t.Cleanup(func() { n.stop() })
	return n
}

// imapLogin opens m's IMAP gateway and selects folder.
func imapLogin(t testing.TB, m *member, folder string) *client.Client {
	t.Helper()
	c, err := client.Dial(m.imap.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login("me", m.pass); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(folder, false); err != nil {
		t.Fatal(err)
	}
	return c
}

// imapFlags is the flags of each message of folder over m's IMAP
// gateway, by subject.
func imapFlags(t testing.TB, m *member, folder string) map[string][]string {
	t.Helper()
	c := imapLogin(t, m, folder)
	defer c.Logout()
	out := map[string][]string{}
	if c.Mailbox().Messages == 0 {
		return out
	}
	seq := new(imap.SeqSet)
	seq.AddRange(1, c.Mailbox().Messages)
	ch := make(chan *imap.Message, c.Mailbox().Messages)
	if err := c.Fetch(seq, []imap.FetchItem{imap.FetchFlags, imap.FetchEnvelope}, ch); err != nil {
		t.Fatal(err)
	}
	for msg := range ch {
		out[msg.Envelope.Subject] = msg.Flags
	}
	return out
}

// waitFlags polls (a bound, not a timing assertion) until ok holds for
// folder's messages over m's IMAP gateway.
func waitFlags(t testing.TB, m *member, folder, what string, ok func(map[string][]string) bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		got := imapFlags(t, m, folder)
		if ok(got) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's %s over IMAP: %v; want %s", m.name, folder, got, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitNodes waits until m has merged the changes of n other nodes once.
func waitNodes(t testing.TB, m *member, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		in, err := m.svc.Info(t.Context())
		synced := 0
		for _, x := range in.Nodes {
			if x.Synced && x.Fails == 0 {
				synced++
			}
		}
		if err == nil && synced >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s syncs with %+v (%v), want %d nodes", m.name, in.Nodes, err, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSyncTwoNodesEndToEnd: bob's wallet runs two nodes, bob1 and bob2
// (both in its DID document; real gVisor stacks, Noise, the embedded
// chain). alice sends; the message shows over IMAP on both; \Seen set
// on bob1 shows on bob2; a move to Trash on bob2 shows on bob1; with
// bob2 down, a flag set on bob1 and a new message delivered to bob1
// reach bob2 when it comes back; alice's message is Delivered once.
// A node of another wallet (eve) is neither answered nor merged on the
// mail port.
func TestSyncTwoNodesEndToEnd(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	alice := w.member(t, "alice", "", CoreConfig{})
	bob1 := w.member(t, "bob", "", CoreConfig{})
	bob2 := w.memberOf(t, bob1, "bob2")
	eve := w.member(t, "eve", "", CoreConfig{})
	w.start(t, bob1)
	w.start(t, bob2)
	w.start(t, alice)
	w.start(t, eve)
	waitNodes(t, bob1, 1)
	waitNodes(t, bob2, 1)

	smtpSubmit(t, alice, "bob@anynet", []byte("From: alice@anynet\r\nTo: bob@anynet\r\nSubject: one\r\n\r\nhello bob\r\n"))
	first := lastOutgoing(t, alice)
	waitStatus(t, alice, first.ID, Delivered)
	for _, m := range []*member{bob1, bob2} {
		got := waitIMAP(t, m, Requests, 1)
		if len(got) != 1 || !strings.Contains(got[0], "hello bob") {
			t.Fatalf("%s's Requests over IMAP: %q", m.name, got)
		}
	}

	// \Seen on bob1 shows on bob2.
	c := imapLogin(t, bob1, Requests)
	seq := new(imap.SeqSet)
	seq.AddNum(1)
	if err := c.Store(seq, imap.FormatFlagsOp(imap.AddFlags, true), []any{imap.SeenFlag}, nil); err != nil {
		t.Fatal(err)
	}
	c.Logout()
	waitFlags(t, bob2, Requests, `"one" \Seen`, func(f map[string][]string) bool { return slices.Contains(f["one"], imap.SeenFlag) })

	// A move to Trash on bob2 shows on bob1.
	c = imapLogin(t, bob2, Requests)
	if err := c.Move(seq, Trash); err != nil {
		t.Fatal(err)
	}
	c.Logout()
	waitFlags(t, bob1, Trash, `"one" in Trash`, func(f map[string][]string) bool { return slices.Contains(f["one"], imap.SeenFlag) })
	waitFlags(t, bob1, Requests, "Requests empty", func(f map[string][]string) bool { return len(f) == 0 })

	// bob2 goes down; bob1 flags the message and takes a new one; bob2,
	// back, shows both.
	bob2.stop()
	c = imapLogin(t, bob1, Trash)
	if err := c.Store(seq, imap.FormatFlagsOp(imap.AddFlags, true), []any{imap.FlaggedFlag}, nil); err != nil {
		t.Fatal(err)
	}
	c.Logout()
	smtpSubmit(t, alice, "bob@anynet", []byte("From: alice@anynet\r\nTo: bob@anynet\r\nSubject: two\r\n\r\nwhile bob2 was away\r\n"))
	second := lastOutgoing(t, alice)
	waitStatus(t, alice, second.ID, Delivered)
	waitIMAP(t, bob1, Requests, 1)
	w.start(t, bob2)
	waitFlags(t, bob2, Trash, `"one" \Flagged`, func(f map[string][]string) bool { return slices.Contains(f["one"], imap.FlaggedFlag) })
	got := waitIMAP(t, bob2, Requests, 1)
	if len(got) != 1 || !strings.Contains(got[0], "while bob2 was away") {
		t.Fatalf("bob2's Requests after its return: %q", got)
	}
	// Nothing twice.
	for _, m := range []*member{bob1, bob2} {
		for folder, n := range map[string]int{Inbox: 0, Requests: 1, Trash: 1} {
			if ms, _ := m.svc.Messages(folder); len(ms) != n {
				t.Fatalf("%s's %s holds %d messages, want %d", m.name, folder, len(ms), n)
			}
		}
	}

	// eve's node cannot sync: on bob1's mail port, a PULL gets nothing
	// and forged CHANGES are not merged.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	nc, err := eve.node.Dial(ctx, "tcp", net.JoinHostPort(bob1.wallet.Hex(), strconv.Itoa(Port)))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	forged := syncFrame{typ: typeSyncChanges, to: 1, recs: []syncRec{{
		obj:  syncObj{G: hexID{1}, Folder: folderReg{V: Inbox, stamp: stamp{T: 1 << 40}}},
		body: []byte("Subject: forged\r\n\r\n.\r\n"),
	}}}
	for _, f := range [][]byte{(&syncFrame{typ: typeSyncPull}).marshal(), forged.marshal()} {
		nc.Write(binary.BigEndian.AppendUint32(nil, uint32(len(f))))
		nc.Write(f)
	}
	nc.SetReadDeadline(time.Now().Add(3 * time.Second))
	if n, err := io.ReadFull(nc, make([]byte, 4)); n > 0 {
		t.Fatalf("eve's PULL was answered (%d bytes, %v)", n, err)
	}
	if ms, _ := bob1.svc.Messages(Inbox); len(ms) != 0 {
		t.Fatalf("eve's forged change was merged: %+v", ms)
	}
}
