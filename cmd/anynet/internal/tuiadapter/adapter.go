package tuiadapter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
	"github.com/ethereum/go-ethereum/common"
)

// Backend is a tui.Backend over a node's control socket.
type Backend struct {
	C *control.Client
	// Retry is the wait between attempts to reconnect the event stream;
	// zero means a second.
	Retry time.Duration
}

var _ tui.Backend = (*Backend)(nil)

// New returns a Backend over the node whose data directory is dir.
func New(dir string) *Backend { return &Backend{C: control.NewClient(dir)} }

// Status implements tui.Backend.
func (b *Backend) Status(ctx context.Context) (tui.Status, error) {
	s, err := b.C.Status(ctx)
	if err != nil {
		return tui.Status{}, err
	}
	chain := s.Chain
	if s.ChainServed != "" {
		chain += " (served at " + s.ChainServed + ")"
	}
	locs := []string{"udp " + s.Underlay}
	for _, l := range s.Locators {
		locs = append(locs, "overlay "+l)
	}
	return tui.Status{
		Name:     s.Name,
		Wallet:   common.HexToAddress(s.Wallet),
		NodeKey:  s.NodeKey,
		Underlay: s.Underlay,
		Locators: locs,
		Chain:    chain,
		Started:  s.Started,
		Counters: tui.Counters{
			BytesIn: s.Link.BytesReceived, BytesOut: s.Link.BytesSent,
			FramesIn: s.Link.FramesReceived, FramesOut: s.Link.FramesSent,
			Handshakes: s.Link.Handshakes, Drops: s.Link.Dropped,
		},
	}, nil
}

// Peers implements tui.Backend.
func (b *Backend) Peers(ctx context.Context) ([]tui.Peer, error) {
	ps, err := b.C.Peers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]tui.Peer, 0, len(ps))
	for _, p := range ps {
		out = append(out, tui.Peer{
			Wallet: common.HexToAddress(p.Wallet), Name: p.Name, Endpoint: p.Addr,
			Source: p.Source, Path: p.Path, Up: p.Up, RTT: p.RTT, Seen: p.Seen, Messages: p.Messages,
			BytesIn: p.BytesIn, BytesOut: p.BytesOut,
		})
	}
	return out, nil
}

// Routes implements tui.Backend: a host's attachment, a router's table,
// then the direct paths.
func (b *Backend) Routes(ctx context.Context) ([]tui.Route, error) {
	r, err := b.C.Routes(ctx)
	if err != nil {
		return nil, err
	}
	var out []tui.Route
	if r.Role == "host" {
		// Every locator goes through the attachment (the node's own is
		// on the Identity section).
		hop := "its router (attaching)"
		if r.Attached {
			hop = "its router"
		}
		out = append(out, tui.Route{Destination: "locators", NextHop: hop, Via: "router"})
	}
	for _, e := range r.Table {
		hop := e.NextHop
		if e.Self {
			hop = "self"
		}
		out = append(out, tui.Route{Destination: e.Prefix, NextHop: hop, Via: "router", Metric: int(e.Metric)})
	}
	for _, d := range r.Direct {
		dst := d.Wallet
		if d.Name != "" {
			dst = d.Name
		}
		out = append(out, tui.Route{Destination: dst, NextHop: d.Addr, Via: "direct"})
	}
	return out, nil
}

// Resolve implements tui.Backend.
func (b *Backend) Resolve(ctx context.Context, name string) (tui.Resolution, error) {
	r, err := b.C.Resolve(ctx, name)
	if err != nil {
		return tui.Resolution{}, err
	}
	return tui.Resolution{Name: r.Name, Wallet: common.HexToAddress(r.Wallet), NodeKeys: r.NodeKeys, Endpoints: r.Underlay, Mailbox: r.Mailbox}, nil
}

// Reverse implements tui.Backend: the verified name of wallet, "" if
// none.
func (b *Backend) Reverse(ctx context.Context, wallet common.Address) (string, error) {
	r, err := b.C.Resolve(ctx, wallet.Hex())
	if errors.Is(err, control.ErrNotFound) {
		return "", nil
	}
	return r.Name, err
}

// Register implements tui.Backend; "bob" and "bob.anynet" both register
// the label bob.
func (b *Backend) Register(ctx context.Context, name string) error {
	_, err := b.C.Register(ctx, name, false)
	return err
}

// Conversations implements tui.Backend: the 1:1 conversations and
// requests, then the groups this wallet is in.
func (b *Backend) Conversations(ctx context.Context) ([]tui.Conversation, error) {
	convs, err := b.C.ChatList(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]tui.Conversation, 0, len(convs))
	for _, c := range convs {
		out = append(out, tui.Conversation{Peer: common.HexToAddress(c.Peer), Name: c.Name, Unread: c.Unread, Request: c.Request, Last: message(c.Last)})
	}
	groups, err := b.C.GroupList(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.Me == "" { // left or removed
			continue
		}
		cv := tui.Conversation{Group: g.ID, Name: g.Name, Members: len(g.Members), Request: g.Request}
		if h, err := b.C.GroupRead(ctx, g.ID, 1); err == nil && len(h) > 0 {
			cv.Last = message(h[0])
		}
		out = append(out, cv)
	}
	return out, nil
}

// GroupHistory implements tui.Backend.
func (b *Backend) GroupHistory(ctx context.Context, group string, limit int) ([]tui.Message, error) {
	h, err := b.C.GroupRead(ctx, group, max(limit, 0))
	return messages(h), err
}

// SendGroup implements tui.Backend.
func (b *Backend) SendGroup(ctx context.Context, group, text string) (tui.Message, error) {
	m, err := b.C.GroupSend(ctx, group, text)
	return message(m), err
}

// History implements tui.Backend; it does not mark the conversation
// read (MarkRead does).
func (b *Backend) History(ctx context.Context, peer common.Address, limit int) ([]tui.Message, error) {
	h, err := b.C.ChatRead(ctx, peer.Hex(), max(limit, 0), true)
	return messages(h), err
}

// Send implements tui.Backend.
func (b *Backend) Send(ctx context.Context, to, text string) (tui.Message, error) {
	m, err := b.C.ChatSend(ctx, to, text)
	return message(m), err
}

// MarkRead implements tui.Backend: it also allows a peer whose messages
// were a request, since reading them is answering them.
func (b *Backend) MarkRead(ctx context.Context, peer common.Address) error {
	return b.C.ChatMarkRead(ctx, peer.Hex())
}

// SendFile implements tui.Backend.
func (b *Backend) SendFile(ctx context.Context, to, path string) (tui.Message, error) {
	m, err := b.C.ChatSendFile(ctx, to, path)
	return message(m), err
}

// Download implements tui.Backend: the node keeps the verified file in
// its chat store and says where.
func (b *Backend) Download(ctx context.Context, id string, progress func(have, total int64)) (string, error) {
	f, err := b.C.ChatGet(ctx, id, "", progress)
	return f.Path, err
}

// Consent implements tui.Backend.
func (b *Backend) Consent(ctx context.Context, peer common.Address, action tui.Consent) error {
	var a string
	switch action {
	case tui.Allow:
		a = control.ConsentAllow
	case tui.Deny:
		a = control.ConsentDeny
	case tui.Block:
		a = control.ConsentBlock
	default:
		return fmt.Errorf("tuiadapter: unknown consent action %d", action)
	}
	return b.C.ChatConsent(ctx, peer.Hex(), a)
}

// Events implements tui.Backend over GET /v1/events, reconnecting with
// the stream's cursor so that no event is missed while the node runs.
func (b *Backend) Events(ctx context.Context) <-chan tui.Event {
	retry := b.Retry
	if retry == 0 {
		retry = time.Second
	}
	in := b.C.Subscribe(ctx, retry)
	out := make(chan tui.Event, 16)
	go func() {
		defer close(out)
		for e := range in {
			te, ok := event(e)
			if !ok {
				continue
			}
			select {
			case out <- te:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// event converts a control event; ok is false for one the TUI ignores.
func event(e control.Event) (tui.Event, bool) {
	switch e.Kind {
	case control.EventMessage, control.EventRequest:
		if e.Message == nil {
			return tui.Event{}, false
		}
		return tui.Event{Kind: tui.EventMessage, Message: message(*e.Message)}, true
	case control.EventReceipt:
		if e.Message == nil {
			return tui.Event{}, false
		}
		return tui.Event{Kind: tui.EventReceipt, Message: message(*e.Message)}, true
	case control.EventGroup, control.EventGap:
		// A roster change, or events lost: the TUI re-reads the chat.
		return tui.Event{Kind: tui.EventMessage}, true
	case control.EventPeer, control.EventPath, control.EventPeerUp, control.EventPeerDown:
		return tui.Event{Kind: tui.EventPeers}, true
	case control.EventPost:
		if e.Post == nil {
			return tui.Event{}, false
		}
		return tui.Event{Kind: tui.EventPost, Post: post(*e.Post)}, true
	}
	return tui.Event{}, false
}

func messages(h []control.ChatMessage) []tui.Message {
	out := make([]tui.Message, len(h))
	for i, m := range h {
		out[i] = message(m)
	}
	return out
}

func message(m control.ChatMessage) tui.Message {
	if m.ID == "" {
		return tui.Message{}
	}
	tm := tui.Message{ID: m.ID, From: common.HexToAddress(m.From), To: common.HexToAddress(m.To), Text: m.Text, Sent: m.Sent, Status: status(m.Status), Err: m.Error, Group: m.Group}
	if a := m.Attachment; a != nil {
		tm.File = &tui.File{Name: a.Name, Size: a.Size, Path: a.Path}
	}
	return tm
}

// status maps the control API's message statuses.
func status(s string) tui.MessageStatus {
	switch s {
	case control.StatusPending, control.StatusQueued:
		return tui.Pending
	case control.StatusSent:
		return tui.Sent
	case control.StatusDelivered:
		return tui.Delivered
	case control.StatusRead:
		return tui.Read
	}
	return tui.Failed
}
