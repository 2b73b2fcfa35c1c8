package mail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// curl runs curl with args and returns its output.
func curl(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, append([]string{"-sS", "--max-time", "60"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("curl %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestCurlOnlineAndOffline: curl (a client nobody here wrote) submits a
// message with an attachment to alice's SMTP gateway for bob@anynet;
// the message crosses real nodes (gVisor, Noise, names and DID
// documents on the embedded chain) and curl reads it from bob's IMAP
// gateway, byte for byte. Then bob is offline: the next message is Held
// at carol, bob's mailbox node (mail-at), is not Delivered while he is
// away, and is Delivered once he comes up and fetches it.
func TestCurlOnlineAndOffline(t *testing.T) {
	bin := needTool(t, "curl")
	w := newWorld(t)
	carol := w.member(t, "carol", "", CoreConfig{Mailbox: true})
	bob := w.member(t, "bob", "carol", CoreConfig{})
	alice := w.member(t, "alice", "", CoreConfig{})
	w.start(t, carol)
	w.start(t, bob)
	w.start(t, alice)

	submit := func(subject string) ([]byte, Outgoing) {
		path, payload := attachmentMail(t, subject, 300<<10)
		curl(t, bin, "smtp://"+alice.smtp.Addr().String(), "--user", "anynet:"+alice.pass,
			"--mail-from", "alice@anynet", "--mail-rcpt", "bob@anynet", "--upload-file", path)
		return payload, lastOutgoing(t, alice)
	}
	fetch := func(uid int) string {
		return curl(t, bin, fmt.Sprintf("imap://%s/Requests;UID=%d", bob.imap.Addr(), uid), "--user", "anynet:"+bob.pass)
	}
	check := func(got string, subject string, payload []byte) {
		t.Helper()
		if !strings.Contains(got, "Subject: "+subject) {
			t.Fatalf("IMAP fetch lacks the subject %q:\n%.400s", subject, got)
		}
		i := strings.Index(got, "Content-Transfer-Encoding: base64\r\n\r\n")
		j := strings.LastIndex(got, "--b1--")
		if i < 0 || j < i {
			t.Fatalf("no attachment in:\n%.400s", got)
		}
		data, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(got[i+len("Content-Transfer-Encoding: base64\r\n\r\n") : j]))
		if err != nil || !bytes.Equal(data, payload) {
			t.Fatalf("attachment: %d bytes (%v), want the %d sent", len(data), err, len(payload))
		}
	}

	payload, o := submit("online")
	waitStatus(t, alice, o.ID, Delivered)
	check(fetch(1), "online", payload)
	list := curl(t, bin, "imap://"+bob.imap.Addr().String()+"/", "--user", "anynet:"+bob.pass)
	for _, f := range Folders {
		if !strings.Contains(list, f) {
			t.Errorf("LIST lacks %s:\n%s", f, list)
		}
	}

	bob.stop()
	payload, o = submit("offline")
	waitStatus(t, alice, o.ID, Held)
	time.Sleep(500 * time.Millisecond) // not a bound: a chance for a wrong Delivered to show
	if s, _ := alice.svc.Status(o.ID); s.Status != Held {
		t.Fatalf("while bob is offline the message is %v, want held", s.Status)
	}
	w.start(t, bob)
	waitStatus(t, alice, o.ID, Delivered)
	check(fetch(2), "offline", payload)
	if ms, _ := bob.svc.Messages(Requests); len(ms) != 2 {
		t.Fatalf("bob has %d messages, want 2", len(ms))
	}
}
