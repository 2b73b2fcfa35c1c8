package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

var (
	_ ChatBackend      = (*Client)(nil)
	_ CommunityBackend = (*Client)(nil)
)

// ChatRequests, ChatConsent … call the chat endpoints (see doc.go).
func (c *Client) ChatRequests(ctx context.Context) (l []ChatConversation, err error) {
	return l, c.do(ctx, "GET", "/v1/chat/requests", nil, &l)
}

func (c *Client) ChatConsent(ctx context.Context, peer, action string) error {
	return c.do(ctx, "POST", "/v1/chat/consent", map[string]any{"peer": peer, "action": action}, nil)
}

func (c *Client) ChatMarkRead(ctx context.Context, peer string) error {
	return c.do(ctx, "POST", "/v1/chat/markread", map[string]any{"peer": peer}, nil)
}

// ChatSendID sends text to a name or wallet as message id (32 hex
// digits): sending an id again does not duplicate it at the recipient.
func (c *Client) ChatSendID(ctx context.Context, to, id, text string) (m ChatMessage, err error) {
	return m, c.do(ctx, "POST", "/v1/chat/send", map[string]any{"to": to, "text": text, "id": id}, &m)
}

func (c *Client) ChatSendFile(ctx context.Context, to, path string) (m ChatMessage, err error) {
	return m, c.do(ctx, "POST", "/v1/chat/sendfile", map[string]any{"to": to, "path": path}, &m)
}

// ChatGet reads the streamed progress lines, calling progress for each,
// and returns the final line's file or error.
func (c *Client) ChatGet(ctx context.Context, id, dir string, progress func(have, total int64)) (ChatFile, error) {
	return getWithProgress[ChatFile](ctx, c, "/v1/chat/get", map[string]any{"id": id, "dir": dir}, progress)
}

// getWithProgress POSTs body to a streaming download endpoint and reads
// its progress lines (Progress, ContentProgress: have and total, then a
// last line with the file or an error), calling progress for each.
func getWithProgress[F any](ctx context.Context, c *Client, path string, body any, progress func(have, total int64)) (F, error) {
	var zero F
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, "POST", "http://anynet"+path, bytes.NewReader(b))
	if err != nil {
		return zero, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return zero, c.dialError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return zero, readError(resp)
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var p struct {
			Have  int64  `json:"have,omitempty"`
			Total int64  `json:"total,omitempty"`
			File  *F     `json:"file,omitempty"`
			Error string `json:"error,omitempty"`
			Code  string `json:"code,omitempty"`
		}
		if err := dec.Decode(&p); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return zero, fmt.Errorf("control: download answer cut short: %w", err)
		}
		switch {
		case p.Error != "":
			return zero, remoteError(0, p.Code, p.Error)
		case p.File != nil:
			return *p.File, nil
		case progress != nil:
			progress(p.Have, p.Total)
		}
	}
}

func (c *Client) GroupCreate(ctx context.Context, name string, members []string) (g ChatGroup, err error) {
	return g, c.do(ctx, "POST", "/v1/chat/group/create", map[string]any{"name": name, "members": members}, &g)
}

func (c *Client) GroupInvite(ctx context.Context, group, member string) (g ChatGroup, err error) {
	return g, c.do(ctx, "POST", "/v1/chat/group/invite", map[string]any{"group": group, "member": member}, &g)
}

func (c *Client) GroupRemove(ctx context.Context, group, member string) (g ChatGroup, err error) {
	return g, c.do(ctx, "POST", "/v1/chat/group/remove", map[string]any{"group": group, "member": member}, &g)
}

func (c *Client) GroupLeave(ctx context.Context, group string) error {
	return c.do(ctx, "POST", "/v1/chat/group/leave", map[string]any{"group": group}, nil)
}

func (c *Client) GroupAccept(ctx context.Context, group string) error {
	return c.do(ctx, "POST", "/v1/chat/group/accept", map[string]any{"group": group}, nil)
}

func (c *Client) GroupSend(ctx context.Context, group, text string) (m ChatMessage, err error) {
	return m, c.do(ctx, "POST", "/v1/chat/group/send", map[string]any{"group": group, "text": text}, &m)
}

func (c *Client) GroupList(ctx context.Context) (l []ChatGroup, err error) {
	return l, c.do(ctx, "GET", "/v1/chat/group/list", nil, &l)
}

func (c *Client) GroupRead(ctx context.Context, group string, limit int) (l []ChatMessage, err error) {
	q := "/v1/chat/group/read?group=" + url.QueryEscape(group) + "&limit=" + strconv.Itoa(limit)
	return l, c.do(ctx, "GET", q, nil, &l)
}

func (c *Client) CommunityCreate(ctx context.Context, name string) (r ChatCommunity, err error) {
	return r, c.do(ctx, "POST", "/v1/chat/community/create", map[string]any{"name": name}, &r)
}

func (c *Client) CommunityJoin(ctx context.Context, host, id string) (r ChatCommunity, err error) {
	return r, c.do(ctx, "POST", "/v1/chat/community/join", map[string]any{"host": host, "id": id}, &r)
}

func (c *Client) CommunityPost(ctx context.Context, community, text string) (p ChatPost, err error) {
	return p, c.do(ctx, "POST", "/v1/chat/community/post", map[string]any{"community": community, "text": text}, &p)
}

func (c *Client) CommunityRead(ctx context.Context, community string, limit int) (l []ChatPost, err error) {
	q := "/v1/chat/community/read?community=" + url.QueryEscape(community) + "&limit=" + strconv.Itoa(limit)
	return l, c.do(ctx, "GET", q, nil, &l)
}

func (c *Client) CommunityList(ctx context.Context) (l []ChatCommunity, err error) {
	return l, c.do(ctx, "GET", "/v1/chat/community/list", nil, &l)
}

func (c *Client) CommunityLeave(ctx context.Context, community string) error {
	return c.do(ctx, "POST", "/v1/chat/community/leave", map[string]any{"community": community}, nil)
}

func (c *Client) CommunityBan(ctx context.Context, community, member string) error {
	return c.do(ctx, "POST", "/v1/chat/community/ban", map[string]any{"community": community, "member": member}, nil)
}

func (c *Client) CommunityDelete(ctx context.Context, community, post string) error {
	return c.do(ctx, "POST", "/v1/chat/community/delete", map[string]any{"community": community, "post": post}, nil)
}

func (c *Client) Call(ctx context.Context, to, path string, bitrate int) (r CallResult, err error) {
	return r, c.do(ctx, "POST", "/v1/chat/call", map[string]any{"to": to, "path": path, "bitrate": bitrate}, &r)
}
