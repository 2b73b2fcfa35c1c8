package daemon

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/stack"
	"github.com/ethereum/go-ethereum/common"
)

var _ control.ChatBackend = (*Daemon)(nil)

// ChatRequests implements control.ChatBackend.
func (d *Daemon) ChatRequests(ctx context.Context) ([]control.ChatConversation, error) {
	reqs, err := d.chat.Requests(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]control.ChatConversation, 0, len(reqs))
	for _, c := range reqs {
		cc := control.ChatConversation{Peer: c.Peer.Hex(), Unread: c.Unread, Request: true, Last: chatMessage(c.Last)}
		if n, err := d.names.Reverse(ctx, c.Peer); err == nil {
			cc.Name = n
		}
		out = append(out, cc)
	}
	return out, nil
}

// ChatMarkRead implements control.ChatBackend.
func (d *Daemon) ChatMarkRead(ctx context.Context, peer string) error {
	w, _, err := d.lookup(ctx, peer)
	if err != nil {
		return err
	}
	return d.chat.MarkRead(ctx, w)
}

// ChatConsent implements control.ChatBackend.
func (d *Daemon) ChatConsent(ctx context.Context, peer, action string) error {
	if peer == "" {
		return fmt.Errorf("%w: %s whom? give a name or 0x wallet", control.ErrBadRequest, action)
	}
	w, _, err := d.lookup(ctx, peer)
	if err != nil {
		return err
	}
	switch action {
	case control.ConsentAllow:
		return d.chat.Allow(ctx, w)
	case control.ConsentDeny:
		return d.chat.Deny(ctx, w)
	case control.ConsentBlock:
		return d.chat.Block(ctx, w)
	}
	return fmt.Errorf("%w: consent action %q (want allow, deny or block)", control.ErrBadRequest, action)
}

// ChatSendFile implements control.ChatBackend.
func (d *Daemon) ChatSendFile(ctx context.Context, to, path string) (control.ChatMessage, error) {
	if to == "" || !filepath.IsAbs(path) {
		return control.ChatMessage{}, fmt.Errorf("%w: send a file needs a recipient and an absolute path (got %q)", control.ErrBadRequest, path)
	}
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return control.ChatMessage{}, fmt.Errorf("%w: %s is not a readable file", control.ErrBadRequest, path)
	}
	w, _, err := d.lookup(ctx, to)
	if err != nil {
		return control.ChatMessage{}, err
	}
	m, err := d.chat.SendFile(ctx, w.Hex(), path, im.File)
	if errors.Is(err, im.ErrUnknownPeer) || errors.Is(err, stack.ErrUnknownPeer) {
		return chatMessage(m), fmt.Errorf("%w: %v", control.ErrNotFound, err)
	}
	d.sent(m)
	return chatMessage(m), err
}

// ChatGet implements control.ChatBackend: im.Download, then a copy into
// dir under the attachment's name (never over an existing file); with
// dir empty, the verified file stays where the chat store keeps it.
// Progress is journaled as EventTransfer too.
func (d *Daemon) ChatGet(ctx context.Context, id, dir string, progress func(have, total int64)) (control.ChatFile, error) {
	mid, err := im.ParseMessageID(id)
	if err != nil {
		return control.ChatFile{}, fmt.Errorf("%w: message ID %q: want the 32 hex digits of a message's id (chat read NAME --json shows them)", control.ErrBadRequest, id)
	}
	if dir != "" && !filepath.IsAbs(dir) {
		return control.ChatFile{}, fmt.Errorf("%w: the output directory must be absolute (got %q)", control.ErrBadRequest, dir)
	}
	transfer := func(t control.Transfer) {
		t.ID = id
		d.events.Append(control.Event{Kind: control.EventTransfer, Transfer: &t})
	}
	last := int64(-1)
	src, err := d.chat.Download(ctx, mid, func(have, total int64) {
		if pct := have * 100 / max(total, 1); pct != last { // one event per percent at most
			last = pct
			transfer(control.Transfer{Have: have, Total: total})
		}
		if progress != nil {
			progress(have, total)
		}
	})
	if errors.Is(err, im.ErrNotFound) {
		err = fmt.Errorf("%w: %v", control.ErrNotFound, err)
	}
	if err != nil {
		transfer(control.Transfer{Error: err.Error()})
		return control.ChatFile{}, err
	}
	att, err := d.attachment(ctx, mid)
	if err != nil {
		return control.ChatFile{}, err
	}
	if dir == "" {
		transfer(control.Transfer{Have: att.Size, Total: att.Size, Done: true})
		return control.ChatFile{Path: src, Name: att.Name, Size: att.Size, SHA256: hex.EncodeToString(att.SHA256[:])}, nil
	}
	name := filepath.Base(filepath.Clean("/" + att.Name))
	if name == "/" || name == "." {
		name = id
	}
	dst := filepath.Join(dir, name)
	if err := copyNew(src, dst); err != nil {
		return control.ChatFile{}, err
	}
	transfer(control.Transfer{Have: att.Size, Total: att.Size, Done: true})
	return control.ChatFile{Path: dst, Name: att.Name, Size: att.Size, SHA256: hex.EncodeToString(att.SHA256[:])}, nil
}

// attachment finds the attachment of message id among the received
// messages (the im service has no lookup by ID).
func (d *Daemon) attachment(ctx context.Context, id im.MessageID) (*im.Attachment, error) {
	reqs, _ := d.chat.Requests(ctx)
	convs, err := d.chat.Conversations(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range append(convs, reqs...) {
		h, err := d.chat.History(ctx, c.Peer, 0)
		if err != nil {
			return nil, err
		}
		for _, m := range h {
			if m.ID == id && m.Attachment != nil {
				return m.Attachment, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: no attachment with message ID %s", control.ErrNotFound, id)
}

// copyNew copies src to a new file dst.
func copyNew(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%w: %s exists (move it away or pick another --out)", control.ErrBadRequest, dst)
	}
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return fmt.Errorf("daemon: copy to %s: %w", dst, err)
	}
	return out.Close()
}

// group finds a group by ID or unique name.
func (d *Daemon) group(ctx context.Context, s string) (im.Group, error) {
	if s == "" {
		return im.Group{}, fmt.Errorf("%w: which group? give its ID or name", control.ErrBadRequest)
	}
	if id, err := im.ParseGroupID(s); err == nil {
		return d.chat.GroupInfo(ctx, id)
	}
	gs, err := d.chat.Groups(ctx)
	if err != nil {
		return im.Group{}, err
	}
	var found []im.Group
	for _, g := range gs {
		if g.Name == s && g.Me != 0 {
			found = append(found, g)
		}
	}
	switch len(found) {
	case 0:
		return im.Group{}, fmt.Errorf("%w: no group named %q (see `anynet chat group list`)", control.ErrNotFound, s)
	case 1:
		return found[0], nil
	}
	return im.Group{}, fmt.Errorf("%w: %d groups are named %q; give the ID (see `anynet chat group list`)", control.ErrBadRequest, len(found), s)
}

// GroupCreate implements control.ChatBackend. Members that could not be
// reached are named in the error; the group exists anyway.
func (d *Daemon) GroupCreate(ctx context.Context, name string, members []string) (control.ChatGroup, error) {
	if name == "" {
		return control.ChatGroup{}, fmt.Errorf("%w: a group needs a name", control.ErrBadRequest)
	}
	ws := make([]common.Address, 0, len(members))
	for _, m := range members {
		w, _, err := d.lookup(ctx, m)
		if err != nil {
			return control.ChatGroup{}, err
		}
		ws = append(ws, w)
	}
	g, err := d.chat.CreateGroup(ctx, name, ws...)
	return chatGroup(g), err
}

// GroupInvite implements control.ChatBackend.
func (d *Daemon) GroupInvite(ctx context.Context, group, member string) (control.ChatGroup, error) {
	return d.roster(ctx, group, member, d.chat.Invite)
}

// GroupRemove implements control.ChatBackend.
func (d *Daemon) GroupRemove(ctx context.Context, group, member string) (control.ChatGroup, error) {
	return d.roster(ctx, group, member, d.chat.Remove)
}

func (d *Daemon) roster(ctx context.Context, group, member string, f func(context.Context, im.GroupID, common.Address) (im.Group, error)) (control.ChatGroup, error) {
	g, err := d.group(ctx, group)
	if err != nil {
		return control.ChatGroup{}, err
	}
	w, _, err := d.lookup(ctx, member)
	if err != nil {
		return control.ChatGroup{}, err
	}
	g, err = f(ctx, g.ID, w)
	return chatGroup(g), err
}

// GroupLeave implements control.ChatBackend.
func (d *Daemon) GroupLeave(ctx context.Context, group string) error {
	g, err := d.group(ctx, group)
	if err != nil {
		return err
	}
	return d.chat.Leave(ctx, g.ID)
}

// GroupAccept implements control.ChatBackend.
func (d *Daemon) GroupAccept(ctx context.Context, group string) error {
	g, err := d.group(ctx, group)
	if err != nil {
		return err
	}
	return d.chat.AcceptGroup(ctx, g.ID)
}

// GroupSend implements control.ChatBackend.
func (d *Daemon) GroupSend(ctx context.Context, group, text string) (control.ChatMessage, error) {
	if text == "" {
		return control.ChatMessage{}, fmt.Errorf("%w: group send needs a text", control.ErrBadRequest)
	}
	g, err := d.group(ctx, group)
	if err != nil {
		return control.ChatMessage{}, err
	}
	m, err := d.chat.SendGroup(ctx, g.ID, text)
	d.sent(m)
	return chatMessage(m), err
}

// GroupList implements control.ChatBackend.
func (d *Daemon) GroupList(ctx context.Context) ([]control.ChatGroup, error) {
	gs, err := d.chat.Groups(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]control.ChatGroup, 0, len(gs))
	for _, g := range gs {
		out = append(out, chatGroup(g))
	}
	return out, nil
}

// GroupRead implements control.ChatBackend.
func (d *Daemon) GroupRead(ctx context.Context, group string, limit int) ([]control.ChatMessage, error) {
	g, err := d.group(ctx, group)
	if err != nil {
		return nil, err
	}
	h, err := d.chat.GroupHistory(ctx, g.ID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]control.ChatMessage, 0, len(h))
	for _, m := range h {
		out = append(out, chatMessage(m))
	}
	return out, nil
}

func chatGroup(g im.Group) control.ChatGroup {
	if g.ID == (im.GroupID{}) {
		return control.ChatGroup{}
	}
	cg := control.ChatGroup{ID: g.ID.String(), Name: g.Name, Epoch: g.Epoch, Me: roleName(g.Me), Request: g.Request, Members: map[string]string{}}
	for w, r := range g.Members {
		cg.Members[w.Hex()] = roleName(r)
	}
	return cg
}

func roleName(r im.Role) string {
	if r == 0 {
		return ""
	}
	return r.String()
}

func attachmentOf(a *im.Attachment) *control.ChatAttachment {
	if a == nil {
		return nil
	}
	return &control.ChatAttachment{Name: a.Name, Size: a.Size, SHA256: hex.EncodeToString(a.SHA256[:]), Type: a.Type.String(), Path: a.Path}
}
