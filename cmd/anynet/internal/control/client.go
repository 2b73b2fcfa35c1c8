package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// Client talks to the node whose data directory is Dir.
type Client struct {
	Dir  string
	http *http.Client
}

// NewClient returns a client of the node in dir. It does not connect.
func NewClient(dir string) *Client {
	path := filepath.Join(dir, SocketName)
	return &Client{Dir: dir, http: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}}
}

// Status, Peers … call the endpoints of the same names (see doc.go).
func (c *Client) Status(ctx context.Context) (s Status, err error) {
	return s, c.do(ctx, "GET", "/v1/status", nil, &s)
}

func (c *Client) Peers(ctx context.Context) (p []Peer, err error) {
	return p, c.do(ctx, "GET", "/v1/peers", nil, &p)
}

func (c *Client) Routes(ctx context.Context) (r Routes, err error) {
	return r, c.do(ctx, "GET", "/v1/routes", nil, &r)
}

func (c *Client) Resolve(ctx context.Context, name string, texts ...string) (r Resolved, err error) {
	q := url.Values{"name": {name}}
	if len(texts) > 0 {
		q["text"] = texts
	}
	return r, c.do(ctx, "GET", "/v1/resolve?"+q.Encode(), nil, &r)
}

func (c *Client) Register(ctx context.Context, name string, primary bool) (r Registered, err error) {
	return r, c.do(ctx, "POST", "/v1/register", map[string]any{"name": name, "primary": primary}, &r)
}

func (c *Client) Ping(ctx context.Context, name string, count int) (r PingResult, err error) {
	return r, c.do(ctx, "POST", "/v1/ping", map[string]any{"name": name, "count": count}, &r)
}

func (c *Client) Chain(ctx context.Context) (r ChainInfo, err error) {
	return r, c.do(ctx, "GET", "/v1/chain", nil, &r)
}

func (c *Client) Fund(ctx context.Context, wallet string) error {
	return c.do(ctx, "POST", "/v1/chain/fund", map[string]any{"wallet": wallet}, nil)
}

func (c *Client) ChatSend(ctx context.Context, to, text string) (m ChatMessage, err error) {
	return m, c.do(ctx, "POST", "/v1/chat/send", map[string]any{"to": to, "text": text}, &m)
}

func (c *Client) ChatList(ctx context.Context) (l []ChatConversation, err error) {
	return l, c.do(ctx, "GET", "/v1/chat/list", nil, &l)
}

func (c *Client) ChatRead(ctx context.Context, peer string, limit int, peek bool) (l []ChatMessage, err error) {
	q := "/v1/chat/read?peer=" + url.QueryEscape(peer) + "&limit=" + strconv.Itoa(limit)
	if peek {
		q += "&peek=true"
	}
	return l, c.do(ctx, "GET", q, nil, &l)
}

var _ Backend = (*Client)(nil)

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://anynet"+path, rd)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.dialError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return readError(resp)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("control: bad answer: %w", err)
	}
	return nil
}

// dialError explains a failed request: most often no node runs.
func (c *Client) dialError(err error) error {
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) {
		return fmt.Errorf("%w in %s (start one with `anynet up`)", ErrNoNode, c.Dir)
	}
	return fmt.Errorf("control: %w", err)
}

// readError reads an error answer.
func readError(resp *http.Response) error {
	var e ErrorBody
	json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e)
	return remoteError(resp.StatusCode, e.Code, e.Error)
}

// remoteError rebuilds an error from the node: its message, wrapping the
// sentinel of its code (else of its status) so callers can errors.Is it.
func remoteError(status int, code, msg string) error {
	var s error
	for _, c := range codes {
		if c.code == code || (code == "" && c.status == status) {
			s = c.err
			break
		}
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	if s == nil {
		return errors.New(msg)
	}
	return &wrapped{msg: msg, err: s}
}

type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }
