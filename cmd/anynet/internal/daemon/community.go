package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/anynet/anynet/apps/im"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
)

var _ control.CommunityBackend = (*Daemon)(nil)

// community finds a community by ID or unique name.
func (d *Daemon) community(ctx context.Context, s string) (im.Community, error) {
	if s == "" {
		return im.Community{}, fmt.Errorf("%w: which community? give its ID or name", control.ErrBadRequest)
	}
	cs, err := d.chat.Communities(ctx)
	if err != nil {
		return im.Community{}, err
	}
	id, idErr := im.ParseCommunityID(s)
	var found []im.Community
	for _, c := range cs {
		if (idErr == nil && c.ID == id) || c.Name == s {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		return im.Community{}, fmt.Errorf("%w: no community %q here (join it first; see `anynet chat community list`)", control.ErrNotFound, s)
	case 1:
		return found[0], nil
	}
	return im.Community{}, fmt.Errorf("%w: %d communities are named %q; give the ID", control.ErrBadRequest, len(found), s)
}

// CommunityCreate implements control.CommunityBackend.
func (d *Daemon) CommunityCreate(ctx context.Context, name string) (control.ChatCommunity, error) {
	if name == "" {
		return control.ChatCommunity{}, fmt.Errorf("%w: a community needs a name", control.ErrBadRequest)
	}
	c, err := d.chat.CreateCommunity(ctx, name)
	return chatCommunity(c), err
}

// CommunityJoin implements control.CommunityBackend.
func (d *Daemon) CommunityJoin(ctx context.Context, host, id string) (control.ChatCommunity, error) {
	cid, err := im.ParseCommunityID(id)
	if err != nil {
		return control.ChatCommunity{}, fmt.Errorf("%w: community ID %q: %v", control.ErrBadRequest, id, err)
	}
	w, _, err := d.lookup(ctx, host)
	if err != nil {
		return control.ChatCommunity{}, err
	}
	c, err := d.chat.JoinCommunity(ctx, w.Hex(), cid)
	return chatCommunity(c), err
}

// CommunityPost implements control.CommunityBackend.
func (d *Daemon) CommunityPost(ctx context.Context, community, text string) (control.ChatPost, error) {
	if text == "" {
		return control.ChatPost{}, fmt.Errorf("%w: post what? give a text", control.ErrBadRequest)
	}
	c, err := d.community(ctx, community)
	if err != nil {
		return control.ChatPost{}, err
	}
	p, err := d.chat.PostTo(ctx, c.ID, text)
	return chatPost(p), err
}

// CommunityRead implements control.CommunityBackend.
func (d *Daemon) CommunityRead(ctx context.Context, community string, limit int) ([]control.ChatPost, error) {
	c, err := d.community(ctx, community)
	if err != nil {
		return nil, err
	}
	ps, err := d.chat.CommunityHistory(ctx, c.ID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]control.ChatPost, 0, len(ps))
	for _, p := range ps {
		out = append(out, chatPost(p))
	}
	return out, nil
}

// CommunityList implements control.CommunityBackend.
func (d *Daemon) CommunityList(ctx context.Context) ([]control.ChatCommunity, error) {
	cs, err := d.chat.Communities(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]control.ChatCommunity, 0, len(cs))
	for _, c := range cs {
		out = append(out, chatCommunity(c))
	}
	return out, nil
}

// CommunityLeave implements control.CommunityBackend.
func (d *Daemon) CommunityLeave(ctx context.Context, community string) error {
	c, err := d.community(ctx, community)
	if err != nil {
		return err
	}
	return d.chat.LeaveCommunity(ctx, c.ID)
}

// CommunityBan implements control.CommunityBackend.
func (d *Daemon) CommunityBan(ctx context.Context, community, member string) error {
	c, err := d.community(ctx, community)
	if err != nil {
		return err
	}
	w, _, err := d.lookup(ctx, member)
	if err != nil {
		return err
	}
	return d.chat.Ban(ctx, c.ID, w)
}

// CommunityDelete implements control.CommunityBackend.
func (d *Daemon) CommunityDelete(ctx context.Context, community, post string) error {
	c, err := d.community(ctx, community)
	if err != nil {
		return err
	}
	id, err := im.ParseMessageID(post)
	if err != nil {
		return fmt.Errorf("%w: post ID %q: %v", control.ErrBadRequest, post, err)
	}
	err = d.chat.DeletePost(ctx, c.ID, id)
	if errors.Is(err, im.ErrNotFound) {
		return fmt.Errorf("%w: %v", control.ErrNotFound, err)
	}
	return err
}

// Call implements control.CommunityBackend.
func (d *Daemon) Call(ctx context.Context, to, path string, bitrate int) (control.CallResult, error) {
	if to == "" || !filepath.IsAbs(path) {
		return control.CallResult{}, fmt.Errorf("%w: a call needs a callee and an absolute file path (got %q)", control.ErrBadRequest, path)
	}
	if bitrate < 0 {
		return control.CallResult{}, fmt.Errorf("%w: bitrate %d", control.ErrBadRequest, bitrate)
	}
	f, err := os.Open(path)
	if err != nil {
		return control.CallResult{}, fmt.Errorf("%w: %v", control.ErrBadRequest, err)
	}
	defer f.Close()
	w, _, err := d.lookup(ctx, to)
	if err != nil {
		return control.CallResult{}, err
	}
	st, err := d.chat.Call(ctx, w.Hex(), f, im.CallOptions{Bitrate: bitrate})
	if err != nil {
		return control.CallResult{}, err
	}
	r := control.CallResult{
		Peer: st.Peer.Hex(), Sent: st.Sent, Received: st.Received, Lost: st.Lost, LossRate: st.LossRate(),
		Late: st.Late, Duplicates: st.Duplicates, Jitter: st.Jitter, Bytes: st.Bytes,
		Duration: st.Duration, Reported: st.Reported,
	}
	if st.Echoes > 0 {
		r.RTTP50, r.RTTP99 = st.RTTP50, st.RTTP99
	}
	return r, nil
}

func chatCommunity(c im.Community) control.ChatCommunity {
	if c.ID == (im.CommunityID{}) {
		return control.ChatCommunity{}
	}
	return control.ChatCommunity{ID: c.ID.String(), Name: c.Name, Host: c.Host.Hex(), Hosted: c.Hosted, Members: c.Members}
}

func chatPost(p im.Post) control.ChatPost {
	if p.ID.IsZero() {
		return control.ChatPost{}
	}
	return control.ChatPost{Community: p.Community.String(), Seq: p.Seq, ID: p.ID.String(), From: p.From.Hex(), Text: p.Text, Sent: p.Sent, Deleted: p.Deleted}
}
