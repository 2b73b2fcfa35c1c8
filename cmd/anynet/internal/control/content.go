package control

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// ContentBackend is the content API (apps/content): sharing files and
// directories with wallets, downloads that are verified as they come,
// the cache, live sites and sites published by name. Like MailBackend
// it is optional: a Backend without it answers ErrUnsupported.
type ContentBackend interface {
	// ContentShare adds a file or directory (an absolute path) and
	// shares it: with every wallet if Public, else with To (names or
	// 0x wallets).
	ContentShare(ctx context.Context, req ContentShareRequest) (ContentShare, error)
	// ContentUnshare stops sharing name.
	ContentUnshare(ctx context.Context, name string) error
	// ContentShares lists this node's shares.
	ContentShares(ctx context.Context) ([]ContentShare, error)
	// ContentList asks host (a name or 0x wallet) for the shares this
	// wallet may read whose names start with prefix (FTP's LIST).
	ContentList(ctx context.Context, host, prefix string) ([]ContentShare, error)
	// ContentGet downloads link (HOST/SHARE[/PATH] or ID@HOST) into dir
	// (absolute), calling progress with the verified bytes.
	ContentGet(ctx context.Context, link, dir string, progress func(have, total int64)) (ContentFile, error)
	// ContentStatus reports the downloads, the counters, the cache, the
	// web proxy and the live site.
	ContentStatus(ctx context.Context) (ContentStatus, error)
	// ContentPin pins (or unpins) a blob against the cache's evictions.
	ContentPin(ctx context.Context, id string, pin bool) error
	// ContentServe publishes a local web server (target, an
	// http://127.0.0.1:PORT URL) at this node's name; "" stops it.
	ContentServe(ctx context.Context, target string) (ContentSite, error)
	// ContentPublish shares dir (absolute) publicly as the site and,
	// with name, points name's contenthash at it.
	ContentPublish(ctx context.Context, dir, name string) (ContentPublished, error)
}

// ContentShareRequest is the body of POST /v1/content/share.
type ContentShareRequest struct {
	Path   string   `json:"path"`
	Name   string   `json:"name,omitempty"` // "": the path's base name
	Public bool     `json:"public,omitempty"`
	To     []string `json:"to,omitempty"`
}

// ContentShare is a share: its name, blob (hex ID and CIDv1), size,
// whether it is a directory, and the link others get it by
// (HOST/NAME; set for this node's shares).
type ContentShare struct {
	Name       string `json:"name"`
	ID         string `json:"id"`
	CID        string `json:"cid"`
	Size       int64  `json:"size"`
	Collection bool   `json:"collection,omitempty"`
	Public     bool   `json:"public,omitempty"`
	Link       string `json:"link,omitempty"`
}

// ContentFile is what ContentGet wrote.
type ContentFile struct {
	Path string `json:"path"`
	Link string `json:"link"`
}

// ContentProgress is one line of POST /v1/content/get's stream:
// progress reports, then exactly one line with File or Error.
type ContentProgress struct {
	Have  int64        `json:"have,omitempty"`
	Total int64        `json:"total,omitempty"`
	File  *ContentFile `json:"file,omitempty"`
	Error string       `json:"error,omitempty"`
	Code  string       `json:"code,omitempty"`
}

// ContentStatus is GET /v1/content/status.
type ContentStatus struct {
	Downloads []ContentDownload `json:"downloads"`
	Stats     ContentStats      `json:"stats"`
	Cache     ContentCache      `json:"cache"`
	// Proxy is where the web proxy for http://NAME.anynet/ listens
	// ("" off); its PAC file is at http://PROXY/proxy.pac.
	Proxy string `json:"proxy,omitempty"`
	// Serving is the local server published as this node's live site.
	Serving string `json:"serving,omitempty"`
}

// ContentDownload is a download in progress.
type ContentDownload struct {
	ID        string            `json:"id"`
	Size      int64             `json:"size"` // -1 until proven
	Have      int64             `json:"have"`
	Providers []ContentProvider `json:"providers"`
}

// ContentProvider is one provider of a download: verified bytes it
// gave, its measured rate, and why it was dropped.
type ContentProvider struct {
	Wallet  string  `json:"wallet"`
	Bytes   int64   `json:"bytes"`
	Rate    float64 `json:"rate"` // bytes per second
	Dropped string  `json:"dropped,omitempty"`
}

// ContentStats are the content service's counters (apps/content.Stats).
type ContentStats struct {
	Served    int64 `json:"served"`
	Fetched   int64 `json:"fetched"`
	Wasted    int64 `json:"wasted"`
	Corrupt   int64 `json:"corrupt"`
	Dropped   int64 `json:"dropped"`
	Denied    int64 `json:"denied"`
	Completed int64 `json:"completed"`
	Evicted   int64 `json:"evicted"`
	// Mirrored counts providers added from mirror lists their
	// publisher signed; Forged the lists refused.
	Mirrored int64 `json:"mirrored"`
	Forged   int64 `json:"forged"`
}

// ContentCache is the cache: downloaded blobs kept, most recently used
// first, and pinned ones; Limit 0 is no cap.
type ContentCache struct {
	Bytes int64               `json:"bytes"`
	Limit int64               `json:"limit"`
	Blobs []ContentCachedBlob `json:"blobs"`
}

// ContentCachedBlob is one blob of ContentCache.
type ContentCachedBlob struct {
	ID     string    `json:"id"`
	Size   int64     `json:"size"`
	Used   time.Time `json:"used,omitzero"`
	Pinned bool      `json:"pinned,omitempty"`
}

// ContentSite is the live site: the local server published and the URL
// others open through their web proxy ("" when stopped).
type ContentSite struct {
	Target string `json:"target,omitempty"`
	URL    string `json:"url,omitempty"`
}

// ContentPublished is a published site: the share, and with a name the
// URL its contenthash now serves.
type ContentPublished struct {
	Share ContentShare `json:"share"`
	Name  string       `json:"name,omitempty"`
	URL   string       `json:"url"`
}

// ContentEvent is an event of the content service (EventContent):
// What is "progress", "done", "failed", "dropped" (Peer left a download;
// Error says why, "verification failed" for a liar) or "evicted".
type ContentEvent struct {
	What  string `json:"what"`
	ID    string `json:"id"`
	Peer  string `json:"peer,omitempty"`
	Have  int64  `json:"have,omitempty"`
	Size  int64  `json:"size,omitempty"`
	Error string `json:"error,omitempty"`
}

var errNoContent = fmt.Errorf("%w: this process runs no node (content needs `anynet up`)", ErrUnsupported)

// noContent answers the ContentBackend endpoints of a Backend without
// them.
type noContent struct{}

func (noContent) ContentShare(context.Context, ContentShareRequest) (ContentShare, error) {
	return ContentShare{}, errNoContent
}
func (noContent) ContentUnshare(context.Context, string) error          { return errNoContent }
func (noContent) ContentShares(context.Context) ([]ContentShare, error) { return nil, errNoContent }
func (noContent) ContentStatus(context.Context) (ContentStatus, error) {
	return ContentStatus{}, errNoContent
}
func (noContent) ContentPin(context.Context, string, bool) error { return errNoContent }
func (noContent) ContentServe(context.Context, string) (ContentSite, error) {
	return ContentSite{}, errNoContent
}
func (noContent) ContentList(context.Context, string, string) ([]ContentShare, error) {
	return nil, errNoContent
}
func (noContent) ContentGet(context.Context, string, string, func(int64, int64)) (ContentFile, error) {
	return ContentFile{}, errNoContent
}
func (noContent) ContentPublish(context.Context, string, string) (ContentPublished, error) {
	return ContentPublished{}, errNoContent
}

func (s *Server) contentHandlers(mux *http.ServeMux, b Backend, get, post func(string, func(*http.Request) (any, error))) {
	cb, ok := b.(ContentBackend)
	if !ok {
		cb = noContent{}
	}
	post("/v1/content/share", func(r *http.Request) (any, error) {
		var req ContentShareRequest
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return cb.ContentShare(r.Context(), req)
	})
	post("/v1/content/unshare", func(r *http.Request) (any, error) {
		var req struct{ Name string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return struct{}{}, cb.ContentUnshare(r.Context(), req.Name)
	})
	get("/v1/content/shares", func(r *http.Request) (any, error) { return cb.ContentShares(r.Context()) })
	get("/v1/content/ls", func(r *http.Request) (any, error) {
		q := r.URL.Query()
		return cb.ContentList(r.Context(), q.Get("host"), q.Get("prefix"))
	})
	get("/v1/content/status", func(r *http.Request) (any, error) { return cb.ContentStatus(r.Context()) })
	post("/v1/content/pin", func(r *http.Request) (any, error) {
		var req struct {
			ID  string
			Pin bool
		}
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return struct{}{}, cb.ContentPin(r.Context(), req.ID, req.Pin)
	})
	post("/v1/content/serve", func(r *http.Request) (any, error) {
		var req struct{ Target string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return cb.ContentServe(r.Context(), req.Target)
	})
	post("/v1/content/publish", func(r *http.Request) (any, error) {
		var req struct{ Dir, Name string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return cb.ContentPublish(r.Context(), req.Dir, req.Name)
	})
	mux.HandleFunc("POST /v1/content/get", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Link, Dir string }
		if err := decode(r, &req); err != nil {
			reply(w, nil, err)
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(w)
		fl, _ := w.(http.Flusher)
		last := int64(-1)
		f, err := cb.ContentGet(r.Context(), req.Link, req.Dir, func(have, total int64) {
			if pct := have * 100 / max(total, 1); pct != last || have == total { // a line per percent at most
				last = pct
				enc.Encode(ContentProgress{Have: have, Total: total})
				if fl != nil {
					fl.Flush()
				}
			}
		})
		if err != nil {
			enc.Encode(ContentProgress{Error: err.Error(), Code: codeOf(err)})
			return
		}
		enc.Encode(ContentProgress{File: &f})
	})
}

var _ ContentBackend = (*Client)(nil)

// ContentShare, ContentList … call the content endpoints (see doc.go).
func (c *Client) ContentShare(ctx context.Context, req ContentShareRequest) (s ContentShare, err error) {
	return s, c.do(ctx, "POST", "/v1/content/share", req, &s)
}

func (c *Client) ContentUnshare(ctx context.Context, name string) error {
	return c.do(ctx, "POST", "/v1/content/unshare", map[string]any{"name": name}, nil)
}

func (c *Client) ContentShares(ctx context.Context) (l []ContentShare, err error) {
	return l, c.do(ctx, "GET", "/v1/content/shares", nil, &l)
}

func (c *Client) ContentList(ctx context.Context, host, prefix string) (l []ContentShare, err error) {
	q := url.Values{"host": {host}}
	if prefix != "" {
		q.Set("prefix", prefix)
	}
	return l, c.do(ctx, "GET", "/v1/content/ls?"+q.Encode(), nil, &l)
}

func (c *Client) ContentStatus(ctx context.Context) (s ContentStatus, err error) {
	return s, c.do(ctx, "GET", "/v1/content/status", nil, &s)
}

func (c *Client) ContentPin(ctx context.Context, id string, pin bool) error {
	return c.do(ctx, "POST", "/v1/content/pin", map[string]any{"id": id, "pin": pin}, nil)
}

func (c *Client) ContentServe(ctx context.Context, target string) (s ContentSite, err error) {
	return s, c.do(ctx, "POST", "/v1/content/serve", map[string]any{"target": target}, &s)
}

func (c *Client) ContentPublish(ctx context.Context, dir, name string) (p ContentPublished, err error) {
	return p, c.do(ctx, "POST", "/v1/content/publish", map[string]any{"dir": dir, "name": name}, &p)
}

// ContentGet reads the streamed progress lines, calling progress for
// each, and returns the final line's file or error.
func (c *Client) ContentGet(ctx context.Context, link, dir string, progress func(have, total int64)) (ContentFile, error) {
	return getWithProgress[ContentFile](ctx, c, "/v1/content/get", map[string]any{"link": link, "dir": dir}, progress)
}
