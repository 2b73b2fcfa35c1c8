package control

import (
	"context"
	"fmt"
	"net/http"
)

// StreamBackend is the API of live streams (apps/stream). Like
// VPNBackend it is optional: a Backend without it answers these
// endpoints ErrUnsupported.
type StreamBackend interface {
	// StreamPublish readies stream Name for an encoder and returns the
	// ingest URL it pushes HLS to (ffmpeg -f hls -method PUT URL).
	StreamPublish(ctx context.Context, req StreamPublishRequest) (StreamPublished, error)
	// StreamList lists the streams this node publishes, relays or watches.
	StreamList(ctx context.Context) ([]StreamInfo, error)
	// StreamPlay joins Host's stream Name (as a relay for up to Relay
	// viewers if Relay > 0) and returns the URL players open through the
	// web proxy.
	StreamPlay(ctx context.Context, req StreamPlayRequest) (StreamPlaying, error)
	// StreamRecord starts recording stream Name published here, or with
	// Stop ends it and shares the recording (a content collection) as
	// Share (Name when empty) with Public or To.
	StreamRecord(ctx context.Context, req StreamRecordRequest) (StreamRecording, error)
}

// StreamPublishRequest is POST /v1/stream/publish.
type StreamPublishRequest struct {
	Name string `json:"name"`
	// Parts: the encoder's segments are LL-HLS parts, Parts to a
	// segment (0: whole segments).
	Parts int `json:"parts,omitempty"`
	// Allow and Token gate the stream (names or 0x wallets; a token
	// contract): empty is public.
	Allow []string `json:"allow,omitempty"`
	Token string   `json:"token,omitempty"`
}

// StreamPublished is where the encoder pushes.
type StreamPublished struct {
	Name   string `json:"name"`
	Ingest string `json:"ingest"` // http://127.0.0.1:PORT/KEY/NAME/index.m3u8
	Watch  string `json:"watch"`  // HOST/NAME for viewers
}

// StreamInfo is one stream as this node sees it.
type StreamInfo struct {
	Owner    string `json:"owner"`
	Name     string `json:"name"`
	Role     string `json:"role"` // publisher, relay, viewer
	Upstream string `json:"upstream,omitempty"`
	Children int    `json:"children"`
	Relays   int    `json:"relays"`
	Last     uint64 `json:"last"`
	// Parts: entries to a media segment (LL-HLS; 0 or 1: whole
	// segments): Last is part (Last−1) mod Parts of segment
	// (Last−1) div Parts.
	Parts int `json:"parts,omitempty"`
	// Access: "public", "N wallets" or "token 0x…" (and "N wallets or
	// token 0x…").
	Access    string `json:"access"`
	Denied    int64  `json:"denied"`
	Recording bool   `json:"recording"`
}

// StreamPlayRequest is POST /v1/stream/play.
type StreamPlayRequest struct {
	Host  string `json:"host"` // the publisher: a name or 0x wallet
	Name  string `json:"name"`
	Relay int    `json:"relay,omitempty"`
}

// StreamPlaying is what a player opens.
type StreamPlaying struct {
	URL   string `json:"url"`   // http://HOST.anynet/live/NAME/index.m3u8
	Proxy string `json:"proxy"` // the web proxy, host:port ("" if off)
}

// StreamRecordRequest is POST /v1/stream/record.
type StreamRecordRequest struct {
	Name   string   `json:"name"`
	Stop   bool     `json:"stop,omitempty"`
	Share  string   `json:"share,omitempty"`
	Public bool     `json:"public,omitempty"`
	To     []string `json:"to,omitempty"`
}

// StreamRecording is a recording started, or stopped and shared.
type StreamRecording struct {
	Name     string  `json:"name"`
	Active   bool    `json:"active"`
	ID       string  `json:"id,omitempty"`
	Segments int     `json:"segments,omitempty"`
	Seconds  float64 `json:"seconds,omitempty"`
	Link     string  `json:"link,omitempty"` // HOST/SHARE
}

func (s *Server) streamHandlers(b Backend, get, post func(string, func(*http.Request) (any, error))) {
	sb, ok := b.(StreamBackend)
	if !ok {
		sb = noStream{}
	}
	get("/v1/stream/list", func(r *http.Request) (any, error) { return sb.StreamList(r.Context()) })
	post("/v1/stream/publish", func(r *http.Request) (any, error) {
		var req StreamPublishRequest
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return sb.StreamPublish(r.Context(), req)
	})
	post("/v1/stream/play", func(r *http.Request) (any, error) {
		var req StreamPlayRequest
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return sb.StreamPlay(r.Context(), req)
	})
	post("/v1/stream/record", func(r *http.Request) (any, error) {
		var req StreamRecordRequest
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return sb.StreamRecord(r.Context(), req)
	})
}

var _ StreamBackend = (*Client)(nil)

// StreamPublish, StreamList, StreamPlay and StreamRecord call the
// stream endpoints (see doc.go).
func (c *Client) StreamPublish(ctx context.Context, req StreamPublishRequest) (p StreamPublished, err error) {
	return p, c.do(ctx, "POST", "/v1/stream/publish", req, &p)
}

func (c *Client) StreamList(ctx context.Context) (l []StreamInfo, err error) {
	return l, c.do(ctx, "GET", "/v1/stream/list", nil, &l)
}

func (c *Client) StreamPlay(ctx context.Context, req StreamPlayRequest) (p StreamPlaying, err error) {
	return p, c.do(ctx, "POST", "/v1/stream/play", req, &p)
}

func (c *Client) StreamRecord(ctx context.Context, req StreamRecordRequest) (r StreamRecording, err error) {
	return r, c.do(ctx, "POST", "/v1/stream/record", req, &r)
}

var errNoStream = fmt.Errorf("%w: this process runs no node (live streams need `anynet up`)", ErrUnsupported)

// noStream answers the StreamBackend endpoints of a Backend without them.
type noStream struct{}

func (noStream) StreamPublish(context.Context, StreamPublishRequest) (StreamPublished, error) {
	return StreamPublished{}, errNoStream
}
func (noStream) StreamList(context.Context) ([]StreamInfo, error) { return nil, errNoStream }
func (noStream) StreamPlay(context.Context, StreamPlayRequest) (StreamPlaying, error) {
	return StreamPlaying{}, errNoStream
}
func (noStream) StreamRecord(context.Context, StreamRecordRequest) (StreamRecording, error) {
	return StreamRecording{}, errNoStream
}
