package tui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Community IDs of the fake: alice hosts lobby, and joined bob's news.
const (
	lobbyID = "10bb1000000000000000000000000001"
	newsID  = "4e3500000000000000000000000000b0"
	// joinableID is a community of carol's that alice may join.
	joinableID = "ca201000000000000000000000000003"
)

// withCommunities gives f alice's two communities with a few posts.
func (f *fakeBackend) withCommunities() *fakeBackend {
	f.comms = []Community{
		{ID: lobbyID, Name: "lobby", Host: aliceW, Hosted: true, Members: 3},
		{ID: newsID, Name: "news", Host: bobW, HostName: "bob.any"},
	}
	f.posts = map[string][]Post{
		lobbyID: {
			{Community: lobbyID, Seq: 1, ID: "p1aaaa", From: aliceW, Text: "welcome to the lobby", Sent: t0.Add(-5 * time.Minute)},
			{Community: lobbyID, Seq: 2, ID: "p2bbbb", From: bobW, FromName: "bob.any", Text: "hi all", Sent: t0.Add(-4 * time.Minute)},
			{Community: lobbyID, Seq: 3, ID: "p3cccc", From: carolW, Text: "spam spam", Sent: t0.Add(-3 * time.Minute)},
		},
		newsID: {
			{Community: newsID, Seq: 1, ID: "n1dddd", From: bobW, FromName: "bob.any", Text: "release 1.0 is out", Sent: t0.Add(-10 * time.Minute)},
		},
	}
	return f
}

func (f *fakeBackend) community(id string) (int, error) {
	i := slices.IndexFunc(f.comms, func(c Community) bool { return c.ID == id })
	if i < 0 {
		return 0, fmt.Errorf("community %q: %w", id, errNotFound)
	}
	return i, nil
}

func (f *fakeBackend) Communities(context.Context) ([]Community, error) {
	if err := f.err("Communities"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.comms), nil
}

func (f *fakeBackend) CommunityPosts(_ context.Context, id string, limit int) ([]Post, error) {
	if err := f.err("CommunityPosts"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.community(id); err != nil {
		return nil, err
	}
	ps := f.posts[id]
	if limit > 0 && len(ps) > limit {
		ps = ps[len(ps)-limit:]
	}
	return slices.Clone(ps), nil
}

func (f *fakeBackend) CreateCommunity(_ context.Context, name string) (Community, error) {
	if err := f.err("CreateCommunity"); err != nil {
		return Community{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	c := Community{ID: fmt.Sprintf("c0%030d", f.nextID), Name: name, Host: aliceW, Hosted: true, Members: 1}
	f.comms = append(f.comms, c)
	f.commOps = append(f.commOps, "create "+name)
	return c, nil
}

func (f *fakeBackend) JoinCommunity(_ context.Context, host, id string) (Community, error) {
	if err := f.err("JoinCommunity"); err != nil {
		return Community{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if host != "carol" || id != joinableID {
		return Community{}, fmt.Errorf("join %s at %s: %w", id, host, errNotFound)
	}
	c := Community{ID: id, Name: "garden", Host: carolW, HostName: "carol.any"}
	f.comms = append(f.comms, c)
	if f.posts == nil {
		f.posts = map[string][]Post{}
	}
	f.posts[id] = []Post{{Community: id, Seq: 1, ID: "g1eeee", From: carolW, FromName: "carol.any", Text: "tomatoes are up", Sent: t0.Add(-time.Hour)}}
	f.commOps = append(f.commOps, "join "+host+" "+id)
	return c, nil
}

func (f *fakeBackend) PostCommunity(_ context.Context, id, text string) (Post, error) {
	if err := f.err("PostCommunity"); err != nil {
		return Post{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.community(id)
	if err != nil {
		return Post{}, err
	}
	f.nextID++
	p := Post{Community: id, ID: fmt.Sprintf("q%d", f.nextID), From: aliceW, Text: text, Sent: t0}
	if f.comms[i].Hosted { // the host numbers it at once
		p.Seq = uint64(len(f.posts[id]) + 1)
		f.posts[id] = append(f.posts[id], p)
	}
	f.commOps = append(f.commOps, "post "+f.comms[i].Name+": "+text)
	return p, nil
}

func (f *fakeBackend) LeaveCommunity(_ context.Context, id string) error {
	if err := f.err("LeaveCommunity"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.community(id)
	if err != nil {
		return err
	}
	f.commOps = append(f.commOps, "leave "+f.comms[i].Name)
	f.comms = slices.Delete(f.comms, i, i+1)
	return nil
}

func (f *fakeBackend) BanMember(_ context.Context, id, member string) error {
	if err := f.err("BanMember"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.community(id)
	if err != nil {
		return err
	}
	if _, ok := f.names[member]; !ok && !common.IsHexAddress(member) {
		return fmt.Errorf("ban %q: %w", member, errNotFound)
	}
	f.commOps = append(f.commOps, "ban "+f.comms[i].Name+" "+member)
	return nil
}

func (f *fakeBackend) DeletePost(_ context.Context, id, post string) error {
	if err := f.err("DeletePost"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.community(id)
	if err != nil {
		return err
	}
	for j, p := range f.posts[id] {
		if p.ID == post {
			f.posts[id][j].Deleted = true
			f.commOps = append(f.commOps, "delete "+f.comms[i].Name+" "+post)
			return nil
		}
	}
	return fmt.Errorf("post %q: %w", post, errNotFound)
}

func (f *fakeBackend) ops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.commOps)
}
