package control

import (
	"context"
	"net/http"
	"time"
)

// CommunityBackend is the API of public communities and calls. Like
// ChatBackend it is optional: a Backend without it answers these
// endpoints ErrUnsupported.
type CommunityBackend interface {
	// CommunityCreate creates a community hosted by this node.
	CommunityCreate(ctx context.Context, name string) (ChatCommunity, error)
	// CommunityJoin joins community id hosted by host (a name or wallet).
	CommunityJoin(ctx context.Context, host, id string) (ChatCommunity, error)
	// CommunityPost posts text; community is an ID or a unique name.
	CommunityPost(ctx context.Context, community, text string) (ChatPost, error)
	// CommunityRead returns the newest limit posts (0: all), oldest first.
	CommunityRead(ctx context.Context, community string, limit int) ([]ChatPost, error)
	// CommunityList lists the communities this node hosts or joined.
	CommunityList(ctx context.Context) ([]ChatCommunity, error)
	// CommunityLeave leaves a joined community.
	CommunityLeave(ctx context.Context, community string) error
	// CommunityBan bars a wallet (owner only).
	CommunityBan(ctx context.Context, community, member string) error
	// CommunityDelete deletes a post (its author or the owner).
	CommunityDelete(ctx context.Context, community, post string) error
	// Call streams the file at path (absolute) to a name or wallet at
	// bitrate bits/s (0: 64000) and returns the call's statistics.
	Call(ctx context.Context, to, path string, bitrate int) (CallResult, error)
}

// ChatCommunity is a public community as this node knows it.
type ChatCommunity struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Host    string `json:"host"`
	Hosted  bool   `json:"hosted,omitempty"`
	Members int    `json:"members,omitempty"` // known on the host only
}

// ChatPost is one post of a community.
type ChatPost struct {
	Community string    `json:"community"`
	Seq       uint64    `json:"seq"`
	ID        string    `json:"id"`
	From      string    `json:"from"`
	Text      string    `json:"text"`
	Sent      time.Time `json:"sent"`
	Deleted   bool      `json:"deleted,omitempty"`
}

// CallResult is a finished call's statistics.
type CallResult struct {
	Peer       string        `json:"peer"`
	Sent       uint64        `json:"sent"`
	Received   uint64        `json:"received"`
	Lost       uint64        `json:"lost"`
	LossRate   float64       `json:"lossRate"`
	Late       uint64        `json:"late"`
	Duplicates uint64        `json:"duplicates"`
	Jitter     time.Duration `json:"jitterNs"`
	RTTP50     time.Duration `json:"rttP50Ns,omitempty"` // zero: no echo came back
	RTTP99     time.Duration `json:"rttP99Ns,omitempty"`
	Bytes      int64         `json:"bytes"`
	Duration   time.Duration `json:"durationNs"`
	Reported   bool          `json:"reported"` // the callee's report arrived
}

func (s *Server) communityHandlers(b Backend, get, post func(string, func(*http.Request) (any, error))) {
	cb, ok := b.(CommunityBackend)
	if !ok {
		cb = noChat{}
	}
	// Each endpoint decodes its own fields only, so that any other is
	// refused.
	type (
		nameReq      struct{ Name string }
		joinReq      struct{ Host, ID string }
		postReq      struct{ Community, Text string }
		communityReq struct{ Community string }
		banReq       struct{ Community, Member string }
		deleteReq    struct{ Community, Post string }
		callReq      struct {
			To, Path string
			Bitrate  int
		}
	)
	post("/v1/chat/community/create", func(r *http.Request) (any, error) {
		var q nameReq
		if err := decode(r, &q); err != nil {
			return nil, err
		}
		return cb.CommunityCreate(r.Context(), q.Name)
	})
	post("/v1/chat/community/join", func(r *http.Request) (any, error) {
		var q joinReq
		if err := decode(r, &q); err != nil {
			return nil, err
		}
		return cb.CommunityJoin(r.Context(), q.Host, q.ID)
	})
	post("/v1/chat/community/post", func(r *http.Request) (any, error) {
		var q postReq
		if err := decode(r, &q); err != nil {
			return nil, err
		}
		return cb.CommunityPost(r.Context(), q.Community, q.Text)
	})
	get("/v1/chat/community/read", func(r *http.Request) (any, error) {
		limit, err := queryInt(r.URL.Query(), "limit")
		if err != nil {
			return nil, err
		}
		return cb.CommunityRead(r.Context(), r.URL.Query().Get("community"), limit)
	})
	get("/v1/chat/community/list", func(r *http.Request) (any, error) { return cb.CommunityList(r.Context()) })
	post("/v1/chat/community/leave", func(r *http.Request) (any, error) {
		var q communityReq
		if err := decode(r, &q); err != nil {
			return nil, err
		}
		return struct{}{}, cb.CommunityLeave(r.Context(), q.Community)
	})
	post("/v1/chat/community/ban", func(r *http.Request) (any, error) {
		var q banReq
		if err := decode(r, &q); err != nil {
			return nil, err
		}
		return struct{}{}, cb.CommunityBan(r.Context(), q.Community, q.Member)
	})
	post("/v1/chat/community/delete", func(r *http.Request) (any, error) {
		var q deleteReq
		if err := decode(r, &q); err != nil {
			return nil, err
		}
		return struct{}{}, cb.CommunityDelete(r.Context(), q.Community, q.Post)
	})
	post("/v1/chat/call", func(r *http.Request) (any, error) {
		var q callReq
		if err := decode(r, &q); err != nil {
			return nil, err
		}
		return cb.Call(r.Context(), q.To, q.Path, q.Bitrate)
	})
}
