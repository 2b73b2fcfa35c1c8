package daemon

import (
	"context"
	"time"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
)

// The ways a peer is reached (control.Peer.Path).
const (
	pathDirect  = "direct"
	pathRelayed = "relayed"
)

var _ control.EventBackend = (*Daemon)(nil)

// Events implements control.EventBackend over the daemon's journal:
// peers met, paths switching between direct and relayed, chat messages,
// requests, receipts, group changes, community posts, download progress
// and the node's own reports (published, name registered, pass
// announced).
func (d *Daemon) Events(ctx context.Context, after uint64) ([]control.Event, uint64, <-chan struct{}) {
	return d.events.Events(ctx, after)
}

// service appends a service event.
func (d *Daemon) service(svc, what, detail string) {
	d.events.Append(control.Event{Kind: control.EventService, Service: &control.ServiceEvent{Service: svc, What: what, Detail: detail}})
}

// watchChat turns the chat service's events into the journal's and
// records chat peers as seen.
func (d *Daemon) watchChat(ctx context.Context) {
	for ev := range d.chat.Subscribe(ctx) {
		e := control.Event{}
		switch ev.Kind {
		case im.EventMessage, im.EventRequest:
			e.Kind = control.EventMessage
			if ev.Kind == im.EventRequest {
				e.Kind = control.EventRequest
			}
			d.seen(ev.Peer, "seen", "", func(p *control.Peer) { p.Messages++ })
			d.log.Info("chat message", "from", ev.Peer.Hex())
			d.log.Debug("chat message text", "from", ev.Peer.Hex(), "text", ev.Message.Text)
		case im.EventReceipt:
			e.Kind = control.EventReceipt
		case im.EventGroup:
			e.Kind, e.Group = control.EventGroup, ev.Group.String()
		case im.EventPost:
			p := chatPost(ev.Post)
			e.Kind, e.Post = control.EventPost, &p
		case im.EventCall:
			e.Kind, e.Service = control.EventService, &control.ServiceEvent{Service: "chat", What: "call-ended", Detail: ev.Peer.Hex()}
		default:
			continue
		}
		if !ev.Message.ID.IsZero() {
			m := chatMessage(ev.Message)
			e.Message = &m
		}
		d.events.Append(e)
	}
}

// sent journals a message sent from here, so every client sees it.
func (d *Daemon) sent(m im.Message) {
	if m.ID.IsZero() {
		return
	}
	if m.Group.IsZero() {
		d.seen(m.To, "seen", "", func(p *control.Peer) { p.Messages++ })
	}
	cm := chatMessage(m)
	d.events.Append(control.Event{Kind: control.EventMessage, Message: &cm})
}

// watchPeers is the long-lived goroutine that journals the node's
// sessions coming up and going down (peer-up, peer-down) and each peer's
// path changing (updatePaths). It sleeps between changes: the node wakes
// it (stack.Node.WatchPeers), nothing is polled.
func (d *Daemon) watchPeers(ctx context.Context) {
	d.updatePaths()
	err := d.node.WatchPeers(ctx, func(e stack.PeerEvent) {
		switch e.Kind {
		case stack.PeerUp, stack.PeerDown:
			d.peerUp(e.Wallet, e.Kind == stack.PeerUp)
		}
		d.updatePaths() // paths and the attachment: it journals what changed
	})
	if err != nil && ctx.Err() == nil {
		d.log.Warn("peer events stopped", "err", err)
	}
}

// peerUp records that a session with w came up or ended, and journals it
// (with an EventPeer first for a wallet met this way).
func (d *Daemon) peerUp(w common.Address, up bool) {
	if w == d.wallet {
		return
	}
	d.mu.Lock()
	p := d.peers[w]
	isNew := p == nil
	if isNew {
		p = &control.Peer{Wallet: w.Hex(), Source: "session"}
		d.peers[w] = p
	}
	p.Up = up
	cp := *p
	d.mu.Unlock()
	if isNew {
		d.events.Append(control.Event{Kind: control.EventPeer, Peer: &cp})
	}
	kind := control.EventPeerDown
	if up {
		kind = control.EventPeerUp
	}
	d.events.Append(control.Event{Kind: kind, Peer: &cp})
}

// updatePaths journals a host's attachment to its router coming up or
// going down (service node attached/detached), and sets each peer's Path: a host with routers reaches a peer
// directly when hole punching found it a direct path, else relayed (its
// routers themselves directly); a node without routers reaches every
// peer directly. A peer met without a name or endpoint gets them from
// the chain (its reverse record, its DID document), once.
func (d *Daemon) updatePaths() {
	routed := len(d.node.Routing.Routers) > 0
	attached := routed && d.node.Attached()
	d.mu.Lock()
	flipped := routed && attached != d.wasAttached
	d.wasAttached = attached
	ws := make([]common.Address, 0, len(d.peers))
	var unnamed []common.Address
	for w, p := range d.peers {
		ws = append(ws, w)
		if p.Name == "" && !d.named[w] {
			d.named[w] = true
			unnamed = append(unnamed, w)
		}
	}
	d.mu.Unlock()
	if flipped { // the host's router link came up or went down
		what := "detached"
		if attached {
			what = "attached"
		}
		d.service("node", what, common.Address(d.node.Routing.Routers[0].Wallet).Hex())
	}
	for _, w := range unnamed { // once per peer: names rarely change
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		n, err := d.names.Reverse(ctx, w)
		var addr string
		if doc, err := d.names.DIDDocument(ctx, w); err == nil && len(doc.Underlays) > 0 {
			addr = doc.Underlays[len(doc.Underlays)-1].Addr.String()
		}
		cancel()
		d.mu.Lock()
		p := d.peers[w]
		if err == nil && n != "" && p.Name == "" {
			p.Name = n
		}
		if addr != "" && p.Addr == "" {
			p.Addr = addr
		}
		d.mu.Unlock()
	}
	for _, w := range ws {
		path, addr := "", ""
		switch {
		case routed:
			if ap, ok := d.node.DirectPath(w); ok {
				path, addr = pathDirect, ap.String()
			} else {
				path = pathRelayed
			}
		}
		d.mu.Lock()
		p := d.peers[w]
		if p.Source == "router" || !routed {
			path = pathDirect
		}
		if p.Source == "router" && attached { // its session is live
			p.Seen = time.Now()
		}
		changed := p.Path != path && path != ""
		if changed {
			p.Path = path
			if addr != "" {
				p.Addr = addr
			}
		}
		cp := *p
		d.mu.Unlock()
		if changed {
			d.events.Append(control.Event{Kind: control.EventPath, Peer: &cp})
		}
	}
}
