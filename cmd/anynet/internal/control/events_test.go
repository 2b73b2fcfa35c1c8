package control

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// eventFake serves fake's endpoints and a journal's events.
type eventFake struct {
	fake
	*Journal
}

// read streams events from after until n have arrived (the hello
// aside), then hangs up; it returns them.
func read(t *testing.T, c *Client, after uint64, fromNow bool, n int) []Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // bounds a broken test only
	defer cancel()
	var got []Event
	stop := errors.New("enough")
	err := c.StreamEvents(ctx, after, fromNow, func(e Event) error {
		if e.Kind == EventHello {
			return nil
		}
		got = append(got, e)
		if len(got) == n {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("stream: %v (got %d of %d events)", err, len(got), n)
	}
	return got
}

// TestEventsReconnectWithCursor: a client reads some events, goes away
// while more happen, comes back with the last seq it saw, and has then
// seen every event exactly once, in order.
func TestEventsReconnectWithCursor(t *testing.T) {
	dir := shortDir(t)
	j := NewJournal(0)
	s, err := Listen(dir, eventFake{Journal: j}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := NewClient(dir)
	appendN := func(from, n int) {
		for i := from; i < from+n; i++ {
			j.Append(Event{Kind: EventMessage, Message: &ChatMessage{ID: fmt.Sprint(i), Text: fmt.Sprintf("m%d", i)}})
		}
	}
	appendN(1, 5)
	first := read(t, c, 0, false, 3) // 1..3, then the client goes
	appendN(6, 4)                    // happens while it is away
	rest := read(t, c, first[len(first)-1].Seq, false, 6)
	all := append(first, rest...)
	for i, e := range all {
		if e.Seq != uint64(i+1) || e.Message == nil || e.Message.ID != fmt.Sprint(i+1) || e.Time.IsZero() {
			t.Fatalf("event %d = %+v, want seq and message %d once each, in order", i, e, i+1)
		}
	}

	// Live: a stream that waits gets an event appended after it started.
	done := make(chan []Event)
	go func() { done <- read(t, c, 9, false, 1) }()
	time.Sleep(10 * time.Millisecond) // not an assertion: either order must work
	appendN(10, 1)
	if got := <-done; got[0].Seq != 10 {
		t.Fatalf("live event = %+v", got[0])
	}
}

// TestEventsGap: a client away for more events than the journal holds
// gets an EventGap first, then what is left; a cursor from an earlier
// run of the node (past the newest) gets a gap too.
func TestEventsGap(t *testing.T) {
	dir := shortDir(t)
	j := NewJournal(4)
	s, err := Listen(dir, eventFake{Journal: j}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for range 10 {
		j.Append(Event{Kind: EventService, Service: &ServiceEvent{Service: "node", What: "x"}})
	}
	got := read(t, NewClient(dir), 2, false, 5)
	if got[0].Kind != EventGap || got[0].Seq != 6 {
		t.Fatalf("first = %+v, want a gap up to 6", got[0])
	}
	for i, e := range got[1:] {
		if e.Seq != uint64(7+i) {
			t.Fatalf("after the gap: %+v", got[1:])
		}
	}
	if got := read(t, NewClient(dir), 99, false, 1); got[0].Kind != EventGap || got[0].Seq != 10 {
		t.Fatalf("cursor from another run: %+v", got[0])
	}
}

// TestSubscribeResumes: Subscribe's channel carries every event once
// across a restart of the server (the same journal behind a new socket).
func TestSubscribeResumes(t *testing.T) {
	dir := shortDir(t)
	j := NewJournal(0)
	s, err := Listen(dir, eventFake{Journal: j}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := NewClient(dir).Subscribe(ctx, 10*time.Millisecond)
	next := func() Event {
		select {
		case e := <-ch:
			return e
		case <-time.After(time.Minute): // bounds a broken test only
			t.Fatal("no event")
		}
		return Event{}
	}
	// Subscribe starts at the next event: append until its stream is up
	// and one arrives.
	var first Event
	for first.Seq == 0 {
		j.Append(Event{Kind: EventService})
		select {
		case first = <-ch:
		case <-time.After(20 * time.Millisecond):
		}
	}
	s.Close() // the stream breaks
	j.Append(Event{Kind: EventService})
	j.Append(Event{Kind: EventService})
	if s, err = Listen(dir, eventFake{Journal: j}, nil); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for want := first.Seq + 1; want <= first.Seq+2; want++ {
		if e := next(); e.Seq != want {
			t.Fatalf("after reconnecting: seq %d, want %d", e.Seq, want)
		}
	}
}

// TestRequestChecks: unknown fields and trailing data are refused, and
// every error is {error, code} with its status.
func TestRequestChecks(t *testing.T) {
	dir := shortDir(t)
	s, err := Listen(dir, fake{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := NewClient(dir)
	for _, tt := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"POST", "/v1/register", `{"name":"bob","nmae":"x"}`, 400, CodeBadRequest},
		{"POST", "/v1/register", `{"name":"bob"}{"name":"eve"}`, 400, CodeBadRequest},
		{"POST", "/v1/ping", `{"name":"bob","count":"3"}`, 400, CodeBadRequest},
		{"GET", "/v1/chat/read?peer=bob&limit=x", ``, 400, CodeBadRequest},
		{"GET", "/v1/resolve?name=nobody", ``, 404, CodeNotFound},
		{"GET", "/v1/resolve?name=bob&nmae=x", ``, 400, CodeBadRequest},
		{"GET", "/v1/resolve?name=bob&name=eve", ``, 400, CodeBadRequest},
		{"GET", "/v1/status?verbose=1", ``, 400, CodeBadRequest},
		{"GET", "/v1/resolve?name=bob&text=a&text=b", ``, 200, ""},
		{"POST", "/v1/chain/fund", `{"wallet":"0x1"}`, 501, CodeUnsupported},
		{"GET", "/v1/events?after=-1", ``, 501, CodeUnsupported}, // fake has no events
		{"POST", "/v1/chat/community/create", `{"name":"x","text":"y"}`, 400, CodeBadRequest},
		{"POST", "/v1/register", `{"name":"bob"}`, 200, ""},
	} {
		req, _ := http.NewRequest(tt.method, "http://anynet"+tt.path, strings.NewReader(tt.body))
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s %s %s: status %d, want %d (%s)", tt.method, tt.path, tt.body, resp.StatusCode, tt.status, b)
			continue
		}
		if tt.code != "" && !strings.Contains(string(b), `"code":"`+tt.code+`"`) {
			t.Errorf("%s %s: body %s, want code %s", tt.method, tt.path, b, tt.code)
		}
	}
	if _, err := c.Resolve(context.Background(), "nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("client error = %v, want ErrNotFound", err)
	}
}
