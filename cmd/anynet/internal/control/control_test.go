package control

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type fake struct{}

func (fake) Status(context.Context) (Status, error) {
	return Status{Wallet: "0xabc", ChainID: 1337}, nil
}
func (fake) Peers(context.Context) ([]Peer, error) {
	return []Peer{{Wallet: "0x1", Source: "static"}}, nil
}
func (fake) Routes(context.Context) (Routes, error) { return Routes{Note: "none"}, nil }
func (fake) Resolve(_ context.Context, name string, _ ...string) (Resolved, error) {
	if name == "nobody" {
		return Resolved{}, fmt.Errorf("%w: name %s", ErrNotFound, name)
	}
	return Resolved{Name: name, Wallet: "0x2"}, nil
}
func (fake) Register(_ context.Context, name string, _ bool) (Registered, error) {
	return Registered{Name: name + ".anynet"}, nil
}
func (fake) Ping(_ context.Context, name string, count int) (PingResult, error) {
	return PingResult{Name: name, Sent: count}, nil
}
func (fake) Chain(context.Context) (ChainInfo, error) { return ChainInfo{Mode: "embedded"}, nil }
func (fake) Fund(context.Context, string) error       { return ErrUnsupported }
func (fake) ChatSend(_ context.Context, to, text string) (ChatMessage, error) {
	return ChatMessage{To: to, Text: text}, nil
}
func (fake) ChatList(context.Context) ([]ChatConversation, error) { return nil, nil }
func (fake) ChatRead(_ context.Context, peer string, limit int, _ bool) ([]ChatMessage, error) {
	return []ChatMessage{{From: peer, Text: fmt.Sprint(limit)}}, nil
}

func shortDir(t *testing.T) string {
	// unix socket paths are limited to ~108 bytes; t.TempDir can be long.
	d, err := os.MkdirTemp("", "ctl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func TestRoundTrip(t *testing.T) {
	dir := shortDir(t)
	s, err := Listen(dir, fake{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	c := NewClient(dir)
	st, err := c.Status(ctx)
	if err != nil || st.Wallet != "0xabc" || st.ChainID != 1337 {
		t.Fatalf("status %+v, %v", st, err)
	}
	if r, err := c.Resolve(ctx, "bob"); err != nil || r.Wallet != "0x2" {
		t.Fatalf("resolve %+v, %v", r, err)
	}
	if _, err := c.Resolve(ctx, "nobody"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "name nobody") {
		t.Fatalf("resolve nobody: %v", err)
	}
	if err := c.Fund(ctx, "0x1"); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("fund: %v", err)
	}
	if p, err := c.Ping(ctx, "bob", 3); err != nil || p.Sent != 3 {
		t.Fatalf("ping %+v, %v", p, err)
	}
	if m, err := c.ChatSend(ctx, "bob", "hi"); err != nil || m.Text != "hi" || m.To != "bob" {
		t.Fatalf("chat %+v, %v", m, err)
	}
	if l, err := c.ChatRead(ctx, "bob", 7, false); err != nil || len(l) != 1 || l[0].Text != "7" {
		t.Fatalf("read %+v, %v", l, err)
	}
}

func TestSocketMode(t *testing.T) {
	dir := shortDir(t)
	s, err := Listen(dir, fake{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(filepath.Join(dir, SocketName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want socket 0600", fi.Mode())
	}
	// A second server on the same directory is refused while the first
	// lives.
	if s2, err := Listen(dir, fake{}, nil); err == nil {
		s2.Close()
		t.Fatal("second Listen succeeded")
	} else if !strings.Contains(err.Error(), "already running") {
		t.Errorf("second Listen: %v", err)
	}
}

func TestStaleSocketReplaced(t *testing.T) {
	dir := shortDir(t)
	path := filepath.Join(dir, SocketName)
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close() // the file stays, nobody answers: a crashed node
	s, err := Listen(dir, fake{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := NewClient(dir).Status(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestNoNode(t *testing.T) {
	dir := shortDir(t)
	_, err := NewClient(dir).Status(context.Background())
	if !errors.Is(err, ErrNoNode) {
		t.Fatalf("err = %v, want ErrNoNode", err)
	}
	want := "no node running in " + dir + " (start one with `anynet up`)"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want it to say %q", err, want)
	}
}

// TestOtherUserRefused runs the handler with the uid the connection
// context would carry for another user's process.
func TestOtherUserRefused(t *testing.T) {
	s := &Server{log: nil}
	s.log = discard()
	h := s.handler(fake{})
	for _, tt := range []struct {
		uid  int
		want int
	}{{allowedUID(), http.StatusOK}, {allowedUID() + 1, http.StatusForbidden}, {-1, http.StatusForbidden}} {
		req := httptest.NewRequest("GET", "/v1/status", nil)
		req = req.WithContext(context.WithValue(req.Context(), uidKey{}, tt.uid))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("uid %d: status %d, want %d", tt.uid, rec.Code, tt.want)
		}
	}
}

// TestPeerUID checks SO_PEERCRED on a real socket pair: the peer is this
// process, so its uid is ours.
func TestPeerUID(t *testing.T) {
	dir := shortDir(t)
	ln, err := net.Listen("unix", filepath.Join(dir, "s"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := net.Dial("unix", filepath.Join(dir, "s"))
		if err == nil {
			defer c.Close()
			c.Read(make([]byte, 1))
		}
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	uid, err := peerUID(c)
	if err != nil || uid != os.Getuid() {
		t.Fatalf("peerUID = %d, %v; want %d", uid, err, os.Getuid())
	}
}
