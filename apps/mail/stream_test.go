//go:build !nochain

package mail

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"io"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// largeMail writes a message with an attachment of about size bytes (in
// base64) to w, made line by line: the test holds no copy of it.
func largeMail(w io.Writer, size int) error {
	if _, err := io.WriteString(w, "From: alice@anynet\r\nTo: bob@anynet\r\nSubject: large\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"+
		"--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\n"); err != nil {
		return err
	}
	raw := make([]byte, 57*64)
	line := make([]byte, 0, 80*64)
	for n, k := 0, 0; n < size; k++ {
		for i := range raw {
			raw[i] = byte(k*131 + i*7 + i>>5)
		}
		line = line[:0]
		for i := 0; i < len(raw); i += 57 {
			line = base64.StdEncoding.AppendEncode(line, raw[i:i+57])
			line = append(line, '\r', '\n')
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
		n += len(line)
	}
	_, err := io.WriteString(w, "--b1--\r\n")
	return err
}

// heapPeak samples the live heap until stopped and returns its peak.
func heapPeak() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// TestLargeMailBoundedHeap: a 30 MB message goes from a standard SMTP
// client (net/smtp, writing it as it is made) through alice's gateway,
// her node, the overlay and bob's node to a raw IMAP FETCH BODY[] at
// bob's gateway, and arrives byte for byte, while the process's live
// heap (runtime.MemStats.HeapAlloc, sampled, with the collector kept
// tight) grows by less than three quarters of the message: no layer
// holds it whole (holding it once would pass that; the code before
// streaming grew it by 310 MiB). Both nodes, both gateways and the
// chain share the process, which runs this test alone, so that other
// tests' nodes and garbage do not count.
func TestLargeMailBoundedHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 30 MB")
	}
	if !inProcessOfItsOwn(t) {
		return
	}
	const size = 30 << 20
	w := newWorld(t)
	alice := w.member(t, "alice", "", CoreConfig{AckTimeout: time.Minute})
	bob := w.member(t, "bob", "", CoreConfig{AckTimeout: time.Minute})
	w.start(t, alice)
	w.start(t, bob)
	// A first message opens the path and reads the documents.
	o, err := alice.svc.Send(t.Context(), "bob@anynet", []byte("Subject: warm-up\r\n\r\nx\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, alice, o.ID, Delivered)

	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	stop := heapPeak()

	// SMTP: the client writes the message as largeMail makes it.
	want := sha256.New() // of what bob's IMAP gateway serves: his head, then the message
	want.Write(receivedHead(alice.wallet))
	sent := sha256.New()
	c, err := smtp.Dial(alice.smtp.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(smtp.PlainAuth("", "anynet", alice.pass, "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("alice@anynet"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("bob@anynet"); err != nil {
		t.Fatal(err)
	}
	dw, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if err := largeMail(io.MultiWriter(dw, want, sent), size); err != nil {
		t.Fatal(err)
	}
	if err := dw.Close(); err != nil { // the 250
		t.Fatalf("DATA: %v", err)
	}
	out, _ := alice.svc.Outgoing()
	o = out[len(out)-1]
	if o.Parts == 0 || o.Size < size {
		t.Fatalf("alice's copy: %+v", o)
	}
	waitStatus(t, alice, o.ID, Delivered)

	// IMAP: a raw FETCH BODY[] read straight into a digest.
	l, _ := bob.svc.Messages(Requests)
	if len(l) != 2 || l[1].Blob == "" {
		t.Fatalf("bob's Requests %+v", l)
	}
	got, n := imapFetch(t, bob, l[1].UID)
	peak := stop()
	if n != l[1].Size || !bytes.Equal(got, want.Sum(nil)) {
		t.Fatalf("fetched %d bytes (stored %d), digest %x, want %x", n, l[1].Size, got, want.Sum(nil))
	}
	growth := int64(peak) - int64(base)
	t.Logf("a %d-byte message: live heap %d MiB before, peak %d MiB (+%d MiB)", o.Size, base>>20, peak>>20, growth>>20)
	if growth > size*3/4 {
		t.Errorf("the heap grew by %d MiB moving a %d MiB message: something holds it whole", growth>>20, size>>20)
	}
}

// inProcessOfItsOwn runs t again alone in a child process, where the
// heap is the test's only (it reports false: the caller returns), or
// reports true in that child.
func inProcessOfItsOwn(t *testing.T) bool {
	if os.Getenv("ANYNET_TEST_HEAP_CHILD") == "1" {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^"+t.Name()+"$", "-test.v", "-test.timeout", "10m")
	cmd.Env = append(os.Environ(), "ANYNET_TEST_HEAP_CHILD=1")
	out, err := cmd.CombinedOutput()
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "stream_test.go") {
			t.Log(strings.TrimSpace(l))
		}
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("the measuring process: %v\n%s", err, out)
	}
	return false
}

// submitLarge sends a message of about size bytes from a standard SMTP
// client (net/smtp, writing it as largeMail makes it) through m's
// gateway, and returns the digest of what the recipient's IMAP gateway
// will serve (from's received head, then the message).
func submitLarge(t *testing.T, m *member, size int) []byte {
	want := sha256.New()
	want.Write(receivedHead(m.wallet))
	c, err := smtp.Dial(m.smtp.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(smtp.PlainAuth("", "anynet", m.pass, "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("alice@anynet"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("bob@anynet"); err != nil {
		t.Fatal(err)
	}
	dw, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if err := largeMail(io.MultiWriter(dw, want), size); err != nil {
		t.Fatal(err)
	}
	if err := dw.Close(); err != nil { // the 250
		t.Fatalf("DATA: %v", err)
	}
	return want.Sum(nil)
}

// TestLargeMailBoundedHeapMailbox: TestLargeMailBoundedHeap through a
// mailbox node. Bob is offline; a 30 MB message goes from net/smtp
// through alice's gateway and node to carol's (bob's mailbox, mail-at)
// in parts, is Held there, and once bob comes up he pulls it from carol
// in parts and a raw IMAP FETCH BODY[] reads it, byte for byte. The
// three nodes share the process, whose live heap grows by less than
// three quarters of the message (before streaming through the mailbox,
// each of the three held it whole).
func TestLargeMailBoundedHeapMailbox(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 30 MB")
	}
	if !inProcessOfItsOwn(t) {
		return
	}
	const size = 30 << 20
	w := newWorld(t)
	carol := w.member(t, "carol", "", CoreConfig{Mailbox: true, AckTimeout: time.Minute})
	bob := w.member(t, "bob", "carol", CoreConfig{AckTimeout: time.Minute})
	alice := w.member(t, "alice", "", CoreConfig{AckTimeout: time.Minute})
	w.start(t, carol)
	w.start(t, bob)
	w.start(t, alice)
	o, err := alice.svc.Send(t.Context(), "bob@anynet", []byte("Subject: warm-up\r\n\r\nx\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, alice, o.ID, Delivered)
	bob.stop()

	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	stop := heapPeak()

	want := submitLarge(t, alice, size)
	o = lastOutgoing(t, alice)
	if o.Parts == 0 || o.Size < size {
		t.Fatalf("alice's copy: %+v", o)
	}
	held := waitStatus(t, alice, o.ID, Held)
	if held.HeldBy != carol.wallet {
		t.Fatalf("held by %s, want carol", held.HeldBy)
	}
	if in, err := carol.svc.Info(t.Context()); err != nil || len(in.Held) != 1 || in.Held[0].Bytes != int64(o.Size) {
		t.Fatalf("carol holds %+v (%v)", in.Held, err)
	}
	w.start(t, bob)
	waitStatus(t, alice, o.ID, Delivered)
	l, _ := bob.svc.Messages(Requests)
	if len(l) != 2 || l[1].Blob == "" {
		t.Fatalf("bob's Requests %+v", l)
	}
	got, n := imapFetch(t, bob, l[1].UID)
	peak := stop()
	if n != l[1].Size || !bytes.Equal(got, want) {
		t.Fatalf("fetched %d bytes (stored %d), digest %x, want %x", n, l[1].Size, got, want)
	}
	growth := int64(peak) - int64(base)
	t.Logf("a %d-byte message through a mailbox: live heap %d MiB before, peak %d MiB (+%d MiB)", o.Size, base>>20, peak>>20, growth>>20)
	if growth > size*3/4 {
		t.Errorf("the heap grew by %d MiB moving a %d MiB message through a mailbox: something holds it whole", growth>>20, size>>20)
	}
}

// imapFetch logs in to m's IMAP gateway and reads message uid of
// Requests with UID FETCH BODY.PEEK[], hashing the literal as it comes.
func imapFetch(t *testing.T, m *member, uid uint32) ([]byte, int) {
	t.Helper()
	conn, err := net.Dial("tcp", m.imap.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Minute))
	r := bufio.NewReader(conn)
	line := func() string {
		s, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("IMAP: %v", err)
		}
		return strings.TrimRight(s, "\r\n")
	}
	cmd := func(tag, c string) {
		fmt.Fprintf(conn, "%s %s\r\n", tag, c)
		for {
			s := line()
			if strings.HasPrefix(s, tag+" ") {
				if !strings.HasPrefix(s, tag+" OK") {
					t.Fatalf("IMAP %s: %s", c, s)
				}
				return
			}
		}
	}
	line() // greeting
	cmd("a1", "LOGIN anynet "+m.pass)
	cmd("a2", "SELECT Requests")
	fmt.Fprintf(conn, "a3 UID FETCH %d BODY.PEEK[]\r\n", uid)
	var h hash.Hash = sha256.New()
	n := -1
	for n < 0 {
		s := line()
		if i := strings.LastIndexByte(s, '{'); i >= 0 && strings.HasSuffix(s, "}") {
			n, err = strconv.Atoi(s[i+1 : len(s)-1])
			if err != nil {
				t.Fatalf("IMAP literal %q", s)
			}
		} else if strings.HasPrefix(s, "a3 ") {
			t.Fatalf("IMAP FETCH: %s", s)
		}
	}
	if _, err := io.CopyN(h, r, int64(n)); err != nil {
		t.Fatalf("IMAP literal: %v", err)
	}
	for s := line(); !strings.HasPrefix(s, "a3 "); s = line() {
	}
	return h.Sum(nil), n
}
