package tuiadapter

import (
	"context"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
	"github.com/ethereum/go-ethereum/common"
)

// Communities implements tui.Backend.
func (b *Backend) Communities(ctx context.Context) ([]tui.Community, error) {
	l, err := b.C.CommunityList(ctx)
	if err != nil {
		return nil, err
	}
	names := b.namer()
	out := make([]tui.Community, 0, len(l))
	for _, c := range l {
		host := common.HexToAddress(c.Host)
		tc := tui.Community{ID: c.ID, Name: c.Name, Host: host, Hosted: c.Hosted, Members: c.Members}
		if !c.Hosted {
			tc.HostName = names(ctx, host)
		}
		out = append(out, tc)
	}
	return out, nil
}

// CommunityPosts implements tui.Backend.
func (b *Backend) CommunityPosts(ctx context.Context, community string, limit int) ([]tui.Post, error) {
	ps, err := b.C.CommunityRead(ctx, community, max(limit, 0))
	if err != nil {
		return nil, err
	}
	names := b.namer()
	out := make([]tui.Post, 0, len(ps))
	for _, p := range ps {
		tp := post(p)
		tp.FromName = names(ctx, tp.From)
		out = append(out, tp)
	}
	return out, nil
}

// CreateCommunity implements tui.Backend.
func (b *Backend) CreateCommunity(ctx context.Context, name string) (tui.Community, error) {
	c, err := b.C.CommunityCreate(ctx, name)
	return community(c), err
}

// JoinCommunity implements tui.Backend.
func (b *Backend) JoinCommunity(ctx context.Context, host, id string) (tui.Community, error) {
	c, err := b.C.CommunityJoin(ctx, host, id)
	tc := community(c)
	if err == nil {
		tc.HostName = b.namer()(ctx, tc.Host)
	}
	return tc, err
}

// PostCommunity implements tui.Backend.
func (b *Backend) PostCommunity(ctx context.Context, community, text string) (tui.Post, error) {
	p, err := b.C.CommunityPost(ctx, community, text)
	return post(p), err
}

// LeaveCommunity implements tui.Backend.
func (b *Backend) LeaveCommunity(ctx context.Context, community string) error {
	return b.C.CommunityLeave(ctx, community)
}

// BanMember implements tui.Backend.
func (b *Backend) BanMember(ctx context.Context, community, member string) error {
	return b.C.CommunityBan(ctx, community, member)
}

// DeletePost implements tui.Backend.
func (b *Backend) DeletePost(ctx context.Context, community, p string) error {
	return b.C.CommunityDelete(ctx, community, p)
}

// namer returns a reverse lookup that asks the chain once per wallet for
// the life of one call; a wallet without a verified name gets "".
func (b *Backend) namer() func(context.Context, common.Address) string {
	seen := map[common.Address]string{}
	return func(ctx context.Context, w common.Address) string {
		if n, ok := seen[w]; ok {
			return n
		}
		n, _ := b.Reverse(ctx, w)
		seen[w] = n
		return n
	}
}

func community(c control.ChatCommunity) tui.Community {
	return tui.Community{ID: c.ID, Name: c.Name, Host: common.HexToAddress(c.Host), Hosted: c.Hosted, Members: c.Members}
}

func post(p control.ChatPost) tui.Post {
	return tui.Post{Community: p.Community, Seq: p.Seq, ID: p.ID, From: common.HexToAddress(p.From), Text: p.Text, Sent: p.Sent, Deleted: p.Deleted}
}
