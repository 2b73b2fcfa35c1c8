//go:build !nochain

package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/daemon"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/crypto"
)

// chatPair starts alice and bob in this process on one embedded chain,
// each with its control socket in its data directory, and returns the
// directories for --dir.
func chatPair(t *testing.T) (a, b string) {
	t.Helper()
	ctx := context.Background()
	root := sockDir(t)
	emb, err := naming.OpenEmbedded(ctx, naming.EmbeddedConfig{DataDir: filepath.Join(root, "chain")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	start := func(name string) string {
		dir := filepath.Join(root, name)
		os.MkdirAll(dir, 0o700)
		key, _ := crypto.GenerateKey()
		d, err := daemon.Start(ctx, daemon.Options{
			Config:   config.Config{Dir: dir, Name: name, Listen: "127.0.0.1:0", Chain: "embedded"},
			Key:      key,
			Embedded: emb,
			Control:  true,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		eventually(t, name+" on chain", func() error {
			if ok, last := d.Ready(); !ok {
				return fmt.Errorf("not ready: %v", last)
			}
			return nil
		})
		return dir
	}
	return start("alice"), start("bob")
}

// TestChatConsentAndFiles: bob answers alice's request with deny, then
// allow; alice sends a file and bob gets it intact.
func TestChatConsentAndFiles(t *testing.T) {
	cleanEnv(t)
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	a, b := chatPair(t)
	mustRun := func(args ...string) string {
		t.Helper()
		out, err := run(t, args...)
		if err != nil {
			t.Fatalf("anynet %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	requests := func() []control.ChatConversation {
		t.Helper()
		var l []control.ChatConversation
		if err := json.Unmarshal([]byte(mustRun("--dir", b, "chat", "requests", "--json")), &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	// The sender is shown by its name, not its wallet.
	if out := mustRun("--dir", a, "chat", "send", "bob", "hello", "stranger"); !strings.HasPrefix(out, "alice.anynet → bob: hello stranger") {
		t.Errorf("send: %q, want the sender by name", out)
	}
	eventually(t, "alice's request", func() error {
		if l := requests(); len(l) != 1 || l[0].Last.Text != "hello stranger" {
			return fmt.Errorf("requests = %+v", l)
		}
		return nil
	})
	// A request says how to answer it.
	if out := mustRun("--dir", b, "chat", "list"); !strings.Contains(out, "(request)") || !strings.Contains(out, "anynet chat allow") {
		t.Errorf("list with a request does not say how to allow it:\n%s", out)
	}
	// Bad input through the CLI and the control API is refused with 400
	// and a message that says what is wrong.
	if out, err := run(t, "--dir", b, "chat", "get", "zzzz"); err == nil || !strings.Contains(out+err.Error(), "32 hex digits") || strings.Contains(out+err.Error(), "malformed frame") {
		t.Errorf("chat get zzzz: %q, %v", out, err)
	}
	for _, tc := range []struct{ path, body, want string }{
		{"/v1/chat/send", `{"To":"alice","Text":"` + strings.Repeat("x", 900<<10) + `"}`, "too large"},
		{"/v1/chat/send", `{"To":"alice","Text":"hi","Urgent":true}`, "unknown field"},
		{"/v1/ping", `{"Name":"alice","Count":1000000}`, "at most 100"},
	} {
		code, body := postControl(t, b, tc.path, tc.body)
		if code != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("POST %s (%d bytes): %d %s, want 400 saying %q", tc.path, len(tc.body), code, shortBody(body), tc.want)
		}
	}
	if out := mustRun("--dir", b, "chat", "requests"); !strings.Contains(out, "hello stranger") {
		t.Errorf("requests table:\n%s", out)
	}
	if out := mustRun("--dir", b, "chat", "deny", "alice"); out != "denied alice\n" {
		t.Errorf("deny: %q", out)
	}
	if l := requests(); len(l) != 0 {
		t.Errorf("requests after deny = %+v", l)
	}
	mustRun("--dir", b, "chat", "allow", "alice")
	if out := mustRun("--dir", b, "chat", "list"); !strings.Contains(out, "hello stranger") || strings.Contains(out, "(request)") {
		t.Errorf("list after allow:\n%s", out)
	}

	data := make([]byte, 100_000)
	rand.Read(data)
	src := filepath.Join(t.TempDir(), "photo.bin")
	os.WriteFile(src, data, 0o600)
	if _, err := run(t, "--dir", a, "chat", "send", "bob", "text", "--file", src); err == nil {
		t.Errorf("send with text and --file: no error")
	}
	out := mustRun("--dir", a, "chat", "send", "bob", "--file", src)
	if !strings.Contains(out, "file photo.bin (97.7 KiB)") {
		t.Errorf("send --file: %q", out)
	}
	var msgs []control.ChatMessage
	eventually(t, "bob sees the file", func() error {
		msgs = nil
		json.Unmarshal([]byte(mustRun("--dir", b, "chat", "read", "alice", "--json")), &msgs)
		if len(msgs) == 0 || msgs[len(msgs)-1].Attachment == nil {
			return fmt.Errorf("messages = %+v", msgs)
		}
		return nil
	})
	id := msgs[len(msgs)-1].ID
	if out := mustRun("--dir", b, "chat", "read", "alice"); !strings.Contains(out, "anynet chat get "+id) {
		t.Errorf("read does not say how to get the file:\n%s", out)
	}
	dst := t.TempDir()
	out = mustRun("--dir", b, "chat", "get", id, "--out", dst)
	got, err := os.ReadFile(filepath.Join(dst, "photo.bin"))
	sum := sha256.Sum256(data)
	if err != nil || sha256.Sum256(got) != sum || !strings.Contains(out, hex.EncodeToString(sum[:])) {
		t.Errorf("get: %q, %v", out, err)
	}

	// Groups, a community and a call through the same verbs.
	if out := mustRun("--dir", a, "chat", "group", "create", "team", "bob"); !strings.Contains(out, "group team") || !strings.Contains(out, "2 members") {
		t.Errorf("group create: %q", out)
	}
	mustRun("--dir", a, "chat", "group", "send", "team", "hello", "team")
	eventually(t, "bob reads the group", func() error {
		var l []control.ChatMessage
		json.Unmarshal([]byte(mustRun("--dir", b, "chat", "group", "read", "team", "--json")), &l)
		if len(l) != 1 || l[0].Text != "hello team" {
			return fmt.Errorf("group read = %+v", l)
		}
		return nil
	})
	if out := mustRun("--dir", b, "chat", "group", "list"); !strings.Contains(out, "team") || !strings.Contains(out, "member") {
		t.Errorf("group list:\n%s", out)
	}
	mustRun("--dir", a, "chat", "community", "create", "lobby")
	var cs []control.ChatCommunity
	if err := json.Unmarshal([]byte(mustRun("--dir", a, "chat", "community", "list", "--json")), &cs); err != nil || len(cs) != 1 {
		t.Fatalf("community list: %+v, %v", cs, err)
	}
	mustRun("--dir", a, "chat", "community", "post", "lobby", "welcome")
	mustRun("--dir", b, "chat", "community", "join", "alice", cs[0].ID)
	if out := mustRun("--dir", b, "chat", "community", "read", "lobby"); !strings.Contains(out, "welcome") {
		t.Errorf("community read:\n%s", out)
	}
	if out := mustRun("--dir", a, "chat", "call", "bob", "--file", src, "--bitrate", "8000000"); !strings.Contains(out, "packets") || !strings.Contains(out, "jitter") {
		t.Errorf("call:\n%s", out)
	}
}

// postControl sends a raw request to the control socket in dir.
func postControl(t *testing.T, dir, path, body string) (int, string) {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", filepath.Join(dir, "control.sock"))
	}}}
	resp, err := hc.Post("http://anynet"+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func shortBody(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// TestFollow: `chat read --follow` and `events` are clients of GET
// /v1/events: alice follows her conversation with bob, bob writes, and
// alice's follower prints his message, then the receipt of hers; the
// events verb prints the same stream, from its first event with --all.
func TestFollow(t *testing.T) {
	cleanEnv(t)
	if testing.Short() {
		t.Skip("starts a chain and two nodes")
	}
	a, b := chatPair(t)
	follow := func(args ...string) (*syncOut, context.CancelFunc, chan error) {
		ctx, cancel := context.WithCancel(context.Background())
		out := &syncOut{}
		root := newRoot()
		root.SetOut(out)
		root.SetErr(out)
		root.SetArgs(args)
		done := make(chan error, 1)
		go func() { done <- root.ExecuteContext(ctx) }()
		return out, cancel, done
	}
	out, stop, done := follow("--dir", a, "chat", "read", "bob", "--follow", "--json")
	defer stop()
	// Whether the follower got to the stream before or after this
	// send, the message shows once.
	if o, err := run(t, "--dir", a, "chat", "send", "bob", "first from alice"); err != nil {
		t.Fatalf("send: %v\n%s", err, o)
	}
	eventually(t, "the follower shows alice's message", func() error {
		if !strings.Contains(out.String(), `"first from alice"`) {
			return fmt.Errorf("output so far:\n%s", out.String())
		}
		return nil
	})
	if o, err := run(t, "--dir", b, "chat", "send", "alice", "bob writes back"); err != nil {
		t.Fatalf("send: %v\n%s", err, o)
	}
	if o, err := run(t, "--dir", b, "chat", "read", "alice"); err != nil { // a read receipt for alice
		t.Fatalf("read: %v\n%s", err, o)
	}
	eventually(t, "the follower shows bob's message and a receipt", func() error {
		s := out.String()
		if !strings.Contains(s, `"bob writes back"`) || !strings.Contains(s, `"status":"read"`) {
			return fmt.Errorf("output so far:\n%s", s)
		}
		return nil
	})
	stop()
	if err := <-done; err != nil {
		t.Errorf("follow ended with %v", err)
	}
	if n := strings.Count(out.String(), `"bob writes back"`); n != 1 {
		t.Errorf("bob's message shown %d times:\n%s", n, out.String())
	}

	evOut, stopEv, doneEv := follow("--dir", a, "events", "--all")
	defer stopEv()
	eventually(t, "events --all replays the journal", func() error {
		s := evOut.String()
		if !strings.Contains(s, "following events after") || !strings.Contains(s, `"bob writes back"`) || !strings.Contains(s, "naming name alice.anynet") {
			return fmt.Errorf("output so far:\n%s", s)
		}
		return nil
	})
	stopEv()
	<-doneEv
}

// syncOut is a command's output read while it runs.
type syncOut struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncOut) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncOut) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
