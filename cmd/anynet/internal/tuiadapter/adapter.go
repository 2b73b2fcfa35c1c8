package tuiadapter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/cmd/anynet/internal/daemon"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// Backend is a tui.Backend over a daemon.
type Backend struct {
	D *daemon.Daemon
}

var _ tui.Backend = (*Backend)(nil)

// Status implements tui.Backend.
func (b *Backend) Status(ctx context.Context) (tui.Status, error) {
	s, err := b.D.Status(ctx)
	if err != nil {
		return tui.Status{}, err
	}
	chain := s.Chain
	if s.ChainServed != "" {
		chain += " (served at " + s.ChainServed + ")"
	}
	return tui.Status{
		Name:     s.Name,
		Wallet:   common.HexToAddress(s.Wallet),
		NodeKey:  s.NodeKey,
		Underlay: s.Underlay,
		Locators: []string{"udp " + s.Underlay},
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
	ps, err := b.D.Peers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]tui.Peer, 0, len(ps))
	for _, p := range ps {
		rtt, _ := time.ParseDuration(p.RTT)
		out = append(out, tui.Peer{Wallet: common.HexToAddress(p.Wallet), Name: p.Name, Endpoint: p.Addr, Session: p.Source, RTT: rtt})
	}
	return out, nil
}

// Routes implements tui.Backend: a host's attachment, a router's table,
// then the direct paths.
func (b *Backend) Routes(ctx context.Context) ([]tui.Route, error) {
	r, err := b.D.Routes(ctx)
	if err != nil {
		return nil, err
	}
	var out []tui.Route
	if r.Role == "host" {
		via := "router (attaching)"
		if r.Attached {
			via = "router"
		}
		out = append(out, tui.Route{Destination: "locators (self " + r.Locator + ")", NextHop: "attachment router", Via: via})
	}
	for _, e := range r.Table {
		var rt tui.Route
		var metric int
		if _, err := fmt.Sscanf(e, "%s via %s metric %d", &rt.Destination, &rt.NextHop, &metric); err == nil {
			rt.Via, rt.Metric = "router", metric
			out = append(out, rt)
		}
	}
	for _, d := range r.Direct {
		w, via, _ := strings.Cut(d, " via ")
		out = append(out, tui.Route{Destination: w, NextHop: via, Via: "direct"})
	}
	return out, nil
}

// Resolve implements tui.Backend.
func (b *Backend) Resolve(ctx context.Context, name string) (tui.Resolution, error) {
	r, err := b.D.Resolve(ctx, name)
	if err != nil {
		return tui.Resolution{}, err
	}
	return tui.Resolution{Name: r.Name, Wallet: common.HexToAddress(r.Wallet), NodeKeys: r.NodeKeys, Endpoints: r.Underlay, Mailbox: r.Mailbox}, nil
}

// Reverse implements tui.Backend.
func (b *Backend) Reverse(ctx context.Context, wallet common.Address) (string, error) {
	n, err := b.D.Names().Reverse(ctx, wallet)
	if errors.Is(err, naming.ErrNotFound) || errors.Is(err, naming.ErrReverseMismatch) {
		return "", nil
	}
	return n, err
}

// Register implements tui.Backend; "bob" and "bob.anynet" both register
// the label bob.
func (b *Backend) Register(ctx context.Context, name string) error {
	label := strings.TrimSuffix(name, "."+b.D.Names().Config().TLD)
	_, err := b.D.Register(ctx, label, false)
	return err
}

// Conversations implements tui.Backend.
func (b *Backend) Conversations(ctx context.Context) ([]tui.Conversation, error) {
	chat := b.D.Chat()
	convs, err := chat.Conversations(ctx)
	if err != nil {
		return nil, err
	}
	reqs, err := chat.Requests(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]tui.Conversation, 0, len(convs)+len(reqs))
	for i, c := range append(convs, reqs...) {
		name, _ := b.Reverse(ctx, c.Peer)
		out = append(out, tui.Conversation{Peer: c.Peer, Name: name, Unread: c.Unread, Request: i >= len(convs), Last: message(c.Last)})
	}
	groups, err := chat.Groups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.Me == 0 { // left or removed
			continue
		}
		cv := tui.Conversation{Group: g.ID.String(), Name: g.Name, Members: len(g.Members), Request: g.Request}
		if h, err := chat.GroupHistory(ctx, g.ID, 1); err == nil && len(h) > 0 {
			cv.Last = message(h[0])
		}
		out = append(out, cv)
	}
	return out, nil
}

// GroupHistory implements tui.Backend.
func (b *Backend) GroupHistory(ctx context.Context, group string, limit int) ([]tui.Message, error) {
	id, err := im.ParseGroupID(group)
	if err != nil {
		return nil, err
	}
	h, err := b.D.Chat().GroupHistory(ctx, id, limit)
	if err != nil {
		return nil, err
	}
	out := make([]tui.Message, len(h))
	for i, m := range h {
		out[i] = message(m)
	}
	return out, nil
}

// SendGroup implements tui.Backend.
func (b *Backend) SendGroup(ctx context.Context, group, text string) (tui.Message, error) {
	id, err := im.ParseGroupID(group)
	if err != nil {
		return tui.Message{}, err
	}
	m, err := b.D.Chat().SendGroup(ctx, id, text)
	return message(m), err
}

// History implements tui.Backend.
func (b *Backend) History(ctx context.Context, peer common.Address, limit int) ([]tui.Message, error) {
	h, err := b.D.Chat().History(ctx, peer, limit)
	if err != nil {
		return nil, err
	}
	out := make([]tui.Message, len(h))
	for i, m := range h {
		out[i] = message(m)
	}
	return out, nil
}

// Send implements tui.Backend.
func (b *Backend) Send(ctx context.Context, to, text string) (tui.Message, error) {
	m, err := b.D.SendChat(ctx, to, text)
	return message(m), err
}

// MarkRead implements tui.Backend: it also allows a peer whose messages
// were a request, since reading them is answering them.
func (b *Backend) MarkRead(ctx context.Context, peer common.Address) error {
	return b.D.Chat().MarkRead(ctx, peer)
}

// SendFile implements tui.Backend.
func (b *Backend) SendFile(ctx context.Context, to, path string) (tui.Message, error) {
	m, err := b.D.SendFile(ctx, to, path)
	return message(m), err
}

// Download implements tui.Backend.
func (b *Backend) Download(ctx context.Context, id string, progress func(have, total int64)) (string, error) {
	mid, err := im.ParseMessageID(id)
	if err != nil {
		return "", err
	}
	return b.D.Chat().Download(ctx, mid, progress)
}

// Consent implements tui.Backend.
func (b *Backend) Consent(ctx context.Context, peer common.Address, action tui.Consent) error {
	chat := b.D.Chat()
	switch action {
	case tui.Allow:
		return chat.Allow(ctx, peer)
	case tui.Deny:
		return chat.Deny(ctx, peer)
	case tui.Block:
		return chat.Block(ctx, peer)
	}
	return fmt.Errorf("tuiadapter: unknown consent action %d", action)
}

// Events implements tui.Backend.
func (b *Backend) Events(ctx context.Context) <-chan tui.Event {
	in := b.D.Chat().Subscribe(ctx)
	out := make(chan tui.Event, 16)
	go func() {
		defer close(out)
		for ev := range in {
			var te tui.Event
			switch ev.Kind {
			case im.EventMessage, im.EventRequest:
				te = tui.Event{Kind: tui.EventMessage, Message: message(ev.Message)}
			case im.EventReceipt:
				te = tui.Event{Kind: tui.EventReceipt, Message: message(ev.Message)}
			case im.EventGroup:
				// A roster change: the TUI refreshes the conversations.
				te = tui.Event{Kind: tui.EventMessage}
			case im.EventPost:
				te = tui.Event{Kind: tui.EventPost, Post: imPost(ev.Post)}
			default:
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

func message(m im.Message) tui.Message {
	if m.ID.IsZero() {
		return tui.Message{}
	}
	tm := tui.Message{ID: m.ID.String(), From: m.From, To: m.To, Text: m.Text, Sent: m.Sent, Status: status(m.Status), Err: m.Err}
	if m.Group != (im.GroupID{}) {
		tm.Group = m.Group.String()
	}
	if a := m.Attachment; a != nil {
		tm.File = &tui.File{Name: a.Name, Size: a.Size, Path: a.Path}
	}
	return tm
}

func status(s im.Status) tui.MessageStatus {
	switch s {
	case im.Pending:
		return tui.Pending
	case im.Sent:
		return tui.Sent
	case im.Delivered:
		return tui.Delivered
	case im.Read:
		return tui.Read
	}
	return tui.Failed
}
