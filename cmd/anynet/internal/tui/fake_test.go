package tui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// t0 is the fake clock: every time the fake reports is relative to it.
var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

var (
	aliceW = common.HexToAddress("0xA11CE00000000000000000000000000000000001")
	bobW   = common.HexToAddress("0xB0B0000000000000000000000000000000000002")
	carolW = common.HexToAddress("0xCA201000000000000000000000000000000000003")
)

var errNotFound = errors.New("naming: name not found")

// fakeBackend is an in-memory Backend: alice's node with two peers and a
// conversation with bob. Fields are set before use; mu guards the rest.
type fakeBackend struct {
	events chan Event // nil: Events returns nil
	// fail makes the named method return this error.
	fail map[string]error
	// block, if set, holds Status and Peers until it is closed or their
	// context ends.
	block chan struct{}

	mu       sync.Mutex
	counters Counters
	calls    map[string]int // method → calls
	msgs     map[common.Address][]Message
	unread   map[common.Address]int
	names    map[string]common.Address
	nextID   int
	sends    []string // "to: text"
	requests map[common.Address]bool
	consents []string // "action peer"
	// groups maps a group ID to its messages; listed after the
	// conversations, named groupNames[id].
	groups     map[string][]Message
	groupNames map[string]string
	// comms are the communities listed, posts their posts by ID,
	// commOps the slash commands that reached the fake ("ban lobby
	// dave"); see fake_community_test.go.
	comms   []Community
	posts   map[string][]Post
	commOps []string
	// callHold, if set, holds Call until it is closed or the call's
	// context ends (/hangup); callStarted is signalled as a Call begins.
	// calls records each call as "to path bitrate", callEnds how each
	// ended ("ok" or its context's error).
	callHold    chan struct{}
	callStarted chan struct{}
	callLog     []string
	callEnds    []string
}

var _ Backend = (*fakeBackend)(nil)

func newFake() *fakeBackend {
	return &fakeBackend{
		fail:  map[string]error{},
		calls: map[string]int{},
		msgs: map[common.Address][]Message{
			bobW: {
				{ID: "m1", From: aliceW, To: bobW, Text: "hi bob", Sent: t0.Add(-3 * time.Minute), Status: Read},
				{ID: "m2", From: bobW, To: aliceW, Text: "hello alice!", Sent: t0.Add(-2 * time.Minute), Status: Delivered},
			},
			carolW: {
				{ID: "m3", From: carolW, To: aliceW, Text: "are you there?", Sent: t0.Add(-time.Minute), Status: Delivered},
			},
		},
		unread: map[common.Address]int{carolW: 1},
		names:  map[string]common.Address{"alice": aliceW, "bob": bobW, "carol": carolW},
	}
}

// err counts a call of method and returns the error it should fail with.
func (f *fakeBackend) err(method string) error {
	f.mu.Lock()
	f.calls[method]++
	f.mu.Unlock()
	return f.fail[method]
}

func (f *fakeBackend) called(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *fakeBackend) wait(ctx context.Context) error {
	if f.block == nil {
		return nil
	}
	select {
	case <-f.block:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *fakeBackend) Status(ctx context.Context) (Status, error) {
	if err := f.err("Status"); err != nil {
		return Status{}, err
	}
	if err := f.wait(ctx); err != nil {
		return Status{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return Status{
		Name: "alice.any", Wallet: aliceW, NodeKey: "4f1c…9a2e", Underlay: "127.0.0.1:41641",
		Locators: []string{"fd00:a11c::1"}, Chain: "embedded", Started: t0.Add(-90 * time.Second),
		Counters: f.counters,
	}, nil
}

func (f *fakeBackend) Peers(ctx context.Context) ([]Peer, error) {
	if err := f.err("Peers"); err != nil {
		return nil, err
	}
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	return []Peer{
		{Wallet: bobW, Name: "bob.anynet", Endpoint: "127.0.0.1:41642", Source: "chain", Path: "direct",
			Seen: t0.Add(-12 * time.Second), RTT: 1200 * time.Microsecond, Messages: 3, Up: true, BytesIn: 18_432, BytesOut: 2_310},
		{Wallet: carolW, Name: "carol.anynet", Source: "seen", Path: "relayed"},
	}, nil
}

func (f *fakeBackend) Routes(context.Context) ([]Route, error) {
	if err := f.err("Routes"); err != nil {
		return nil, err
	}
	return []Route{{Destination: "fd00:b0b::/64", NextHop: "bob", Via: "direct", Metric: 1}}, nil
}

func (f *fakeBackend) Resolve(_ context.Context, name string) (Resolution, error) {
	if err := f.err("Resolve"); err != nil {
		return Resolution{}, err
	}
	w, ok := f.names[strings.TrimSuffix(name, ".any")]
	if !ok {
		return Resolution{}, fmt.Errorf("resolve %q: %w", name, errNotFound)
	}
	return Resolution{Name: name + ".any", Wallet: w, NodeKeys: []string{"b0b…key"},
		Endpoints: []string{"127.0.0.1:41642"}, Mailbox: "router1"}, nil
}

func (f *fakeBackend) Reverse(_ context.Context, w common.Address) (string, error) {
	if err := f.err("Reverse"); err != nil {
		return "", err
	}
	for n, a := range f.names {
		if a == w {
			return n + ".any", nil
		}
	}
	return "", nil
}

func (f *fakeBackend) Register(_ context.Context, name string) error {
	if err := f.err("Register"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.names[name] = aliceW
	return nil
}

func (f *fakeBackend) Conversations(context.Context) ([]Conversation, error) {
	if err := f.err("Conversations"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Conversation
	for _, p := range []common.Address{bobW, carolW} {
		ms := f.msgs[p]
		if len(ms) == 0 {
			continue
		}
		out = append(out, Conversation{Peer: p, Name: f.nameOf(p), Unread: f.unread[p], Request: f.requests[p], Last: ms[len(ms)-1]})
	}
	for _, id := range slices.Sorted(maps.Keys(f.groups)) {
		cv := Conversation{Group: id, Name: f.groupNames[id], Members: 3}
		if ms := f.groups[id]; len(ms) > 0 {
			cv.Last = ms[len(ms)-1]
		}
		out = append(out, cv)
	}
	return out, nil
}

func (f *fakeBackend) GroupHistory(_ context.Context, group string, limit int) ([]Message, error) {
	if err := f.err("GroupHistory"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ms, ok := f.groups[group]
	if !ok {
		return nil, errNotFound
	}
	return append([]Message(nil), ms...), nil
}

func (f *fakeBackend) SendGroup(_ context.Context, group, text string) (Message, error) {
	if err := f.err("SendGroup"); err != nil {
		return Message{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	msg := Message{ID: fmt.Sprintf("g%d", f.nextID), From: aliceW, Group: group, Text: text, Sent: t0, Status: Delivered}
	f.groups[group] = append(f.groups[group], msg)
	f.sends = append(f.sends, "#"+f.groupNames[group]+": "+text)
	return msg, nil
}

func (f *fakeBackend) Download(_ context.Context, id string, progress func(have, total int64)) (string, error) {
	if err := f.err("Download"); err != nil {
		return "", err
	}
	for _, have := range []int64{40_000, 80_000, 100_000} {
		progress(have, 100_000)
	}
	return "/data/im/files/" + id, nil
}

func (f *fakeBackend) Consent(_ context.Context, peer common.Address, action Consent) error {
	if err := f.err("Consent"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.consents = append(f.consents, action.String()+" "+f.nameOf(peer))
	delete(f.requests, peer)
	if action != Allow {
		delete(f.msgs, peer)
	}
	return nil
}

func (f *fakeBackend) nameOf(a common.Address) string {
	for n, w := range f.names {
		if w == a && n != "alice" {
			return n
		}
	}
	return ""
}

func (f *fakeBackend) History(_ context.Context, peer common.Address, limit int) ([]Message, error) {
	if err := f.err("History"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ms := f.msgs[peer]
	if limit > 0 && len(ms) > limit {
		ms = ms[len(ms)-limit:]
	}
	return append([]Message(nil), ms...), nil
}

func (f *fakeBackend) Send(_ context.Context, to, text string) (Message, error) {
	if err := f.err("Send"); err != nil {
		return Message{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w, ok := f.names[to]
	if !ok {
		if !common.IsHexAddress(to) {
			return Message{}, fmt.Errorf("send to %q: %w", to, errNotFound)
		}
		w = common.HexToAddress(to)
	}
	f.nextID++
	m := Message{ID: fmt.Sprintf("s%d", f.nextID), From: aliceW, To: w, Text: text, Sent: t0, Status: Pending}
	f.msgs[w] = append(f.msgs[w], m)
	f.sends = append(f.sends, to+": "+text)
	return m, nil
}

func (f *fakeBackend) SendFile(_ context.Context, to, path string) (Message, error) {
	if err := f.err("SendFile"); err != nil {
		return Message{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w, ok := f.names[to]
	if !ok {
		return Message{}, fmt.Errorf("send to %q: %w", to, errNotFound)
	}
	f.nextID++
	m := Message{ID: fmt.Sprintf("s%d", f.nextID), From: aliceW, To: w, Sent: t0, Status: Delivered,
		File: &File{Name: filepath.Base(path), Size: 1234, Path: path}}
	f.msgs[w] = append(f.msgs[w], m)
	f.sends = append(f.sends, to+": file "+path)
	return m, nil
}

func (f *fakeBackend) MarkRead(_ context.Context, peer common.Address) error {
	if err := f.err("MarkRead"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.unread, peer)
	return nil
}

func (f *fakeBackend) Events(context.Context) <-chan Event {
	if f.events == nil {
		return nil
	}
	return f.events
}

// receipt moves message id to st in the store and returns the event the
// node would report.
func (f *fakeBackend) receipt(id string, st MessageStatus) Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	for p, ms := range f.msgs {
		for i := range ms {
			if ms[i].ID == id {
				f.msgs[p][i].Status = st
				return Event{Kind: EventReceipt, Message: f.msgs[p][i]}
			}
		}
	}
	return Event{}
}

func (f *fakeBackend) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.sends...)
}

// fakeCall is the statistics the fake's Call returns.
var fakeCall = CallResult{
	Sent: 250, Received: 248, Lost: 2, LossRate: 0.008, Late: 1, Jitter: 1234 * time.Microsecond,
	RTTP50: 812345 * time.Nanosecond, RTTP99: 2513 * time.Microsecond, Bytes: 40_000, Duration: 5017 * time.Millisecond,
	Reported: true,
}

func (f *fakeBackend) Call(ctx context.Context, to, path string, bitrate int) (CallResult, error) {
	if err := f.err("Call"); err != nil {
		return CallResult{}, err
	}
	f.mu.Lock()
	f.callLog = append(f.callLog, fmt.Sprintf("%s %s %d", to, path, bitrate))
	f.mu.Unlock()
	if f.callStarted != nil {
		f.callStarted <- struct{}{}
	}
	end := "ok"
	if f.callHold != nil {
		select {
		case <-f.callHold:
		case <-ctx.Done():
			end = ctx.Err().Error()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.callEnds = append(f.callEnds, end)
	if end != "ok" {
		return CallResult{}, fmt.Errorf("im: call %s: %w", to, ctx.Err())
	}
	r := fakeCall
	r.Peer = common.HexToAddress(to)
	return r, nil
}

func (f *fakeBackend) callsMade() (log, ends []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.callLog), slices.Clone(f.callEnds)
}
