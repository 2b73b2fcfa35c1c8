package control

import (
	"context"
	"errors"
	"testing"
)

// chatFake adds a ChatBackend to fake: ChatGet reports three chunks, or
// fails with ErrNotFound for ID "gone".
type chatFake struct {
	fake
	noChat
}

func (chatFake) ChatGet(_ context.Context, id, dir string, progress func(have, total int64)) (ChatFile, error) {
	if id == "gone" {
		return ChatFile{}, errors.Join(ErrNotFound, errors.New("no such message"))
	}
	for _, have := range []int64{100, 200, 250} {
		progress(have, 250)
	}
	return ChatFile{Path: dir + "/f", Size: 250}, nil
}

func TestChatGetStreams(t *testing.T) {
	dir := shortDir(t)
	s, err := Listen(dir, chatFake{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	c := NewClient(dir)
	var seen []int64
	f, err := c.ChatGet(ctx, "m1", "/tmp", func(have, total int64) {
		if total != 250 {
			t.Errorf("total %d", total)
		}
		seen = append(seen, have)
	})
	if err != nil || f.Path != "/tmp/f" || len(seen) != 3 || seen[2] != 250 {
		t.Fatalf("get = %+v, %v; progress %v", f, err, seen)
	}
	if _, err := c.ChatGet(ctx, "gone", "/tmp", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("get gone: %v, want ErrNotFound", err)
	}
	// The other chat endpoints answer; noChat says unsupported.
	if _, err := c.GroupList(ctx); !errors.Is(err, ErrUnsupported) {
		t.Errorf("group list: %v", err)
	}
}

// TestNoChat: a Backend without chat (chain serve) answers the chat
// endpoints ErrUnsupported.
func TestNoChat(t *testing.T) {
	dir := shortDir(t)
	s, err := Listen(dir, fake{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	c := NewClient(dir)
	if _, err := c.ChatRequests(ctx); !errors.Is(err, ErrUnsupported) {
		t.Errorf("requests: %v", err)
	}
	if err := c.ChatConsent(ctx, "bob", ConsentAllow); !errors.Is(err, ErrUnsupported) {
		t.Errorf("consent: %v", err)
	}
	if _, err := c.ChatGet(ctx, "m1", "/tmp", nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("get: %v", err)
	}
}
