package daemon

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

var _ control.Backend = (*Daemon)(nil)

// Status implements control.Backend.
func (d *Daemon) Status(ctx context.Context) (control.Status, error) {
	self := d.node.Self()
	ls, ts := d.node.LinkStats(), d.node.TransportStats()
	s := control.Status{
		Wallet:   d.wallet.Hex(),
		Underlay: self.Addr.String(),
		ChainID:  d.chainID.Uint64(),
		Chain:    "embedded",
		Started:  d.started,
		Chat:     d.chat != nil,
		Link: control.Counters{
			FramesSent: ls.FramesSent, FramesReceived: ls.FramesReceived,
			BytesSent: ls.BytesSent, BytesReceived: ls.BytesReceived,
			Handshakes: ts.HandshakesCompleted,
			Dropped: ls.DroppedMalformed + ls.DroppedOpen + ls.DroppedReplay + ls.DroppedSpoofed +
				ls.DroppedNoPeer + ls.DroppedNotIPv6 + ls.DroppedQueueFull + ls.DroppedQueueExpired + ls.DroppedTooBig +
				ls.DroppedHopLimit + ls.DroppedNoRoute + ls.DroppedControl,
		},
	}
	s.Drops = dropsByReason(ls, ts)                         // drops.go
	s.Handshake = handshakeLoad(d.node.HandshakeLoad(), ts) // drops.go
	if self.NodeKey != nil {
		s.NodeKey = self.NodeKey.String()
	}
	for _, l := range d.node.Locators() {
		s.Locators = append(s.Locators, l.String())
	}
	if d.remote != nil {
		s.Chain = d.cfg.Chain
	} else if d.emb != nil {
		s.ChainServed = d.emb.RPCURL()
	}
	d.mu.Lock()
	s.Name = d.name
	if d.published {
		s.Published = "node key, binding and underlay endpoint in " + naming.FormatDID(d.chainID, d.wallet)
	}
	if d.publishErr != nil {
		s.PublishError = d.publishErr.Error()
	}
	d.mu.Unlock()
	if s.Name == "" {
		if n, err := d.names.Reverse(ctx, d.wallet); err == nil {
			s.Name = n
		}
	}
	return s, nil
}

// Peers implements control.Backend: the static peers and every wallet
// this node resolved, pinged or chatted with. (The stack exposes no
// session table yet, so a peer that only dialed in unprompted shows once
// it chats.)
func (d *Daemon) Peers(context.Context) ([]control.Peer, error) {
	d.updatePaths() // fresh
	states := map[common.Address]stack.PeerState{}
	for _, s := range d.node.PeerStates() {
		states[s.Wallet] = s
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]control.Peer, 0, len(d.peers))
	for w, p := range d.peers {
		cp := *p
		if a, ok := d.node.PeerEndpoint(w); ok {
			cp.Addr = a.String() // where frames go now: a peer that moved shows its new endpoint
		}
		if s, ok := states[w]; ok { // the session table's view: traffic, last activity
			cp.Up, cp.BytesIn, cp.BytesOut = s.Up, s.BytesIn, s.BytesOut
			for _, at := range []time.Time{s.LastIn, s.LastOut} {
				if at.After(cp.Seen) {
					cp.Seen = at
				}
			}
		}
		out = append(out, cp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Wallet < out[j].Wallet })
	return out, nil
}

// seen records activity of a peer (and the peer, if new: an EventPeer)
// and applies f, if not nil, to its entry under d.mu.
func (d *Daemon) seen(w common.Address, source, addr string, f func(p *control.Peer)) {
	d.mu.Lock()
	p := d.peers[w]
	isNew := p == nil
	if isNew {
		p = &control.Peer{Wallet: w.Hex(), Source: source}
		d.peers[w] = p
	}
	if addr != "" {
		p.Addr = addr
	}
	if source != "static" && source != "router" { // configured, not met
		p.Seen = time.Now()
	}
	if f != nil {
		f(p)
	}
	cp := *p
	d.mu.Unlock()
	if isNew {
		d.events.Append(control.Event{Kind: control.EventPeer, Peer: &cp})
	}
}

// Routes implements control.Backend: the node's place in its routed
// segment (routing.go), a router's table, and the peers reached directly.
func (d *Daemon) Routes(context.Context) (control.Routes, error) {
	d.updatePaths()
	r := d.routes()
	r.Pass = d.passNote()
	d.mu.Lock()
	for _, p := range d.peers {
		if p.Path == pathDirect && p.Addr != "" {
			r.Direct = append(r.Direct, control.DirectPath{Wallet: p.Wallet, Name: p.Name, Addr: p.Addr})
		}
	}
	d.mu.Unlock()
	sort.Slice(r.Direct, func(i, j int) bool { return r.Direct[i].Wallet < r.Direct[j].Wallet })
	return r, nil
}

// Ping implements control.Backend.
func (d *Daemon) Ping(ctx context.Context, name string, count int) (control.PingResult, error) {
	if name == "" {
		return control.PingResult{}, fmt.Errorf("%w: ping whom? give a name or 0x wallet", control.ErrBadRequest)
	}
	if count <= 0 {
		count = 3
	}
	if count > maxPingCount {
		return control.PingResult{}, fmt.Errorf("%w: count %d: at most %d probes per ping", control.ErrBadRequest, count, maxPingCount)
	}
	res, err := ping(ctx, d.node, name, count, 5*time.Second)
	if err == nil && res.Sent > 0 && res.Lost == res.Sent {
		d.mu.Lock()
		published, perr := d.published, d.publishErr
		d.mu.Unlock()
		if !published {
			why := "it is still publishing"
			if perr != nil {
				why = perr.Error()
			}
			return res, fmt.Errorf("ping %s: no reply: this node's key is not in its DID document yet (%s), and peers refuse a node key they cannot find on chain; see `anynet status`", name, why)
		}
	}
	if errors.Is(err, stack.ErrUnknownPeer) {
		return res, fmt.Errorf("%w: %v", control.ErrNotFound, err)
	}
	if res.Wallet != "" {
		d.seen(common.HexToAddress(res.Wallet), "chain", "", func(p *control.Peer) {
			if len(res.RTTs) > 0 {
				p.RTT = res.RTTs[len(res.RTTs)-1]
			}
			if !strings.HasPrefix(name, "0x") {
				p.Name = d.fullName(name)
			}
		})
	}
	return res, err
}

// Chain implements control.Backend.
func (d *Daemon) Chain(context.Context) (control.ChainInfo, error) {
	info := chainInfo(d.names.Config())
	info.ChainID = d.chainID.Uint64()
	if d.remote != nil {
		info.Mode, info.URL = "remote", d.cfg.Chain
	} else {
		info.Mode, info.URL = "embedded", d.emb.RPCURL()
	}
	return info, nil
}

// Fund implements control.Backend: ether from the embedded chain's dev
// account, for another process's wallet.
func (d *Daemon) Fund(ctx context.Context, wallet string) error {
	if d.emb == nil {
		return fmt.Errorf("%w: this node uses the remote chain %s; fund wallets from the node that embeds it", control.ErrUnsupported, d.cfg.Chain)
	}
	if !common.IsHexAddress(wallet) {
		return fmt.Errorf("%w: %q is not a wallet address", control.ErrBadRequest, wallet)
	}
	return d.emb.Fund(ctx, common.HexToAddress(wallet))
}

func (d *Daemon) auth(ctx context.Context) *bind.TransactOpts {
	a := naming.Transactor(d.key, d.chainID)
	a.Context = ctx
	return a
}

// ChatSend implements control.Backend.
func (d *Daemon) ChatSend(ctx context.Context, to, text string) (control.ChatMessage, error) {
	return d.ChatSendID(ctx, to, "", text)
}

// ChatSendID implements control.ChatBackend: "" means a new message.
func (d *Daemon) ChatSendID(ctx context.Context, to, id, text string) (control.ChatMessage, error) {
	var mid im.MessageID
	if id != "" {
		var err error
		if mid, err = im.ParseMessageID(id); err != nil || mid.IsZero() {
			return control.ChatMessage{}, fmt.Errorf("%w: message id %q: want 32 hex digits, not all zero", control.ErrBadRequest, id)
		}
	}
	if to == "" || text == "" {
		return control.ChatMessage{}, fmt.Errorf("%w: chat send needs a recipient and a text", control.ErrBadRequest)
	}
	// im resolves names only through Node.Resolver; the chain resolver
	// lives in Node.Names, so names are turned into wallets here.
	w, _, err := d.lookup(ctx, to)
	if err != nil {
		return control.ChatMessage{}, err
	}
	m, err := d.chat.SendID(ctx, w.Hex(), mid, text)
	if errors.Is(err, im.ErrUnknownPeer) || errors.Is(err, stack.ErrUnknownPeer) {
		return chatMessage(m), fmt.Errorf("%w: %v", control.ErrNotFound, err)
	}
	if errors.Is(err, im.ErrTooLarge) {
		return chatMessage(m), fmt.Errorf("%w: %v (send a long text as a file: chat send --file)", control.ErrBadRequest, err)
	}
	d.sent(m)
	return chatMessage(m), err
}

// ChatList implements control.Backend: conversations, then requests.
func (d *Daemon) ChatList(ctx context.Context) ([]control.ChatConversation, error) {
	convs, err := d.chat.Conversations(ctx)
	if err != nil {
		return nil, err
	}
	reqs, err := d.chat.Requests(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]control.ChatConversation, 0, len(convs)+len(reqs))
	for i, c := range append(convs, reqs...) {
		cc := control.ChatConversation{Peer: c.Peer.Hex(), Unread: c.Unread, Request: i >= len(convs), Last: chatMessage(c.Last)}
		if n, err := d.names.Reverse(ctx, c.Peer); err == nil {
			cc.Name = n
		}
		out = append(out, cc)
	}
	return out, nil
}

// ChatRead implements control.Backend: the newest limit messages with
// peer, oldest first, marked read unless peek.
func (d *Daemon) ChatRead(ctx context.Context, peer string, limit int, peek bool) ([]control.ChatMessage, error) {
	w, _, err := d.lookup(ctx, peer)
	if err != nil {
		return nil, err
	}
	h, err := d.chat.History(ctx, w, limit)
	if err != nil {
		return nil, err
	}
	out := make([]control.ChatMessage, 0, len(h))
	for _, m := range h {
		out = append(out, chatMessage(m))
	}
	if len(h) > 0 && !peek {
		d.chat.MarkRead(ctx, w)
	}
	return out, nil
}

func chatMessage(m im.Message) control.ChatMessage {
	if m.ID.IsZero() {
		return control.ChatMessage{}
	}
	cm := control.ChatMessage{ID: m.ID.String(), From: m.From.Hex(), To: m.To.Hex(), Text: m.Text, Sent: m.Sent, Status: statusOf(m.Status), Error: m.Err, Attachment: attachmentOf(m.Attachment)}
	if m.Status == im.Pending && m.Err != "" { // a send's answer: queued for retry
		cm.Status = control.StatusQueued
	}
	if m.Group != (im.GroupID{}) {
		cm.Group = m.Group.String()
	}
	return cm
}

// statusOf names a message status in the control API.
func statusOf(s im.Status) string {
	switch s {
	case im.Pending:
		return control.StatusPending
	case im.Sent:
		return control.StatusSent
	case im.Delivered:
		return control.StatusDelivered
	case im.Read:
		return control.StatusRead
	}
	return control.StatusFailed
}
