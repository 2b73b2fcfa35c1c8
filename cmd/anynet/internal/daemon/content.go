package daemon

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/anynet/anynet/apps/content"
	"github.com/anynet/anynet/apps/stream"
	"github.com/anynet/anynet/cmd/anynet/internal/config"
	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/naming"
	"github.com/anynet/anynet/transport"
)

var _ control.ContentBackend = (*Daemon)(nil)

// contentNode is the daemon's content service, its web proxy and the
// live site.
type contentNode struct {
	svc    *content.Service
	proxy  *http.Server
	ln     net.Listener // the web proxy's; nil when off
	cancel func()       // the event subscription
	closed sync.Once

	mu     sync.Mutex // guards site, target and pct
	site   *content.Site
	target string
	pct    map[content.ID]int64 // the last progress journaled, in 5 % steps
}

// startContent opens the content service on DIR/content and, if
// configured, the web proxy for http://NAME.anynet/.
func (d *Daemon) startContent(ctx context.Context) error {
	c := &contentNode{pct: map[content.ID]int64{}}
	var err error
	var caches []common.Address // the routers this host attaches to: caches on its path
	if d.cfg.RoutePrefix == "" {
		for _, r := range d.node.Routing.Routers {
			caches = append(caches, common.Address(r.Wallet))
		}
	}
	if c.svc, err = content.Open(ctx, content.Config{Host: d.node, Dir: filepath.Join(d.cfg.Dir, "content"),
		Serve: d.cfg.CachesContent(), CacheBytes: d.cfg.ContentCacheBytes(), Caches: caches,
		Sign:   transport.NewKeySigner(d.key).SignText,
		Logger: d.log.With("svc", "content")}); err != nil {
		return fmt.Errorf("daemon: content service: %w", err)
	}
	d.content = c
	c.cancel = c.svc.Subscribe(d.contentEvent)
	if target, err := d.servedTarget(); err != nil {
		d.log.Warn("content: the live site's record is unreadable; not served", "err", err)
	} else if target != "" {
		if c.site, err = content.ServeSite(d.node, target); err != nil {
			d.log.Warn("content: the live site is not served again", "target", target, "err", err)
		} else {
			c.target = target
			d.log.Info("live site served again", "target", target)
		}
	}
	if a := d.cfg.WebProxy; a != "" {
		if c.ln, err = net.Listen("tcp", a); err != nil {
			return fmt.Errorf("%w: web-proxy %s: %v", ErrInUse, a, err)
		}
		gw := &content.Gateway{Service: c.svc, Addr: c.ln.Addr().String(), Logger: d.log.With("svc", "web-proxy"),
			Contenthash: func(ctx context.Context, name string) ([]byte, error) {
				return d.names.Contenthash(ctx, d.fullName(name))
			}}
		var h http.Handler = gw
		if d.stream != nil { // http://NAME.anynet/live/… first
			h = &stream.Gateway{Stream: d.stream.svc, Next: gw}
		}
		c.proxy = &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second}
		go c.proxy.Serve(c.ln)
		d.log.Info("web proxy for http://NAME.anynet/", "addr", c.ln.Addr().String(), "pac", "http://"+c.ln.Addr().String()+"/proxy.pac")
	}
	return nil
}

func (d *Daemon) closeContent() {
	if c := d.content; c != nil {
		c.closed.Do(c.close)
	}
}

func (c *contentNode) close() {
	if c.proxy != nil {
		c.proxy.Close()
	}
	c.mu.Lock()
	if c.site != nil {
		c.site.Close()
		c.site = nil
	}
	c.mu.Unlock()
	if c.cancel != nil {
		c.cancel()
	}
	c.svc.Close()
}

// contentEvent journals a content event (on the service's goroutine):
// progress at most once per 5 % of a download.
func (d *Daemon) contentEvent(ev content.Event) {
	e := &control.ContentEvent{What: ev.Kind.String(), ID: ev.ID.String(), Have: ev.Have, Size: ev.Size}
	if ev.Peer != (common.Address{}) {
		e.Peer = ev.Peer.Hex()
	}
	if ev.Err != nil {
		e.Error = ev.Err.Error()
	}
	c := d.content
	switch ev.Kind {
	case content.EventProgress:
		step := ev.Have * 20 / max(ev.Size, 1)
		c.mu.Lock()
		last, ok := c.pct[ev.ID]
		c.pct[ev.ID] = step
		c.mu.Unlock()
		if ok && last == step {
			return
		}
	case content.EventDone, content.EventFailed:
		c.mu.Lock()
		delete(c.pct, ev.ID)
		c.mu.Unlock()
	case content.EventListing:
		return
	}
	d.events.Append(control.Event{Kind: control.EventContent, Content: e})
}

// linkHost is how others name this node in a link: its name, else its
// wallet.
func (d *Daemon) linkHost() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.name != "" {
		return d.name
	}
	return d.wallet.Hex()
}

func contentShare(e content.Entry, host string) control.ContentShare {
	s := control.ContentShare{Name: e.Name, ID: e.ID.String(), CID: e.ID.CID(), Size: e.Size, Collection: e.Collection, Public: e.Public}
	if host != "" {
		s.Link = host + "/" + e.Name
	}
	return s
}

// contentErr maps content's errors to the control API's.
func contentErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, content.ErrNotFound):
		return fmt.Errorf("%w: %v", control.ErrNotFound, err)
	case errors.Is(err, content.ErrBadLink), errors.Is(err, content.ErrBadID):
		return fmt.Errorf("%w: %v", control.ErrBadRequest, err)
	case errors.Is(err, content.ErrDenied), errors.Is(err, content.ErrRefused):
		return fmt.Errorf("%w: %v", control.ErrRefused, err)
	}
	return err
}

func absPath(what, p string) error {
	if !filepath.IsAbs(p) {
		return fmt.Errorf("%w: %s %q: give an absolute path", control.ErrBadRequest, what, p)
	}
	return nil
}

// ContentShare implements control.ContentBackend.
func (d *Daemon) ContentShare(ctx context.Context, req control.ContentShareRequest) (control.ContentShare, error) {
	if err := absPath("path", req.Path); err != nil {
		return control.ContentShare{}, err
	}
	if req.Public && len(req.To) > 0 {
		return control.ContentShare{}, fmt.Errorf("%w: a share is public or for wallets (--to), not both", control.ErrBadRequest)
	}
	if !req.Public && len(req.To) == 0 {
		return control.ContentShare{}, fmt.Errorf("%w: share with whom? --public, or --to NAME", control.ErrBadRequest)
	}
	var to []common.Address
	for _, n := range req.To {
		w, _, err := d.lookup(ctx, n)
		if err != nil {
			return control.ContentShare{}, err
		}
		to = append(to, w)
	}
	e, err := d.content.svc.Share(ctx, req.Path, req.Name, req.Public, to)
	if err != nil {
		return control.ContentShare{}, contentErr(err)
	}
	return contentShare(e, d.linkHost()), nil
}

// ContentUnshare implements control.ContentBackend.
func (d *Daemon) ContentUnshare(ctx context.Context, name string) error {
	return contentErr(d.content.svc.Unshare(ctx, name))
}

// ContentShares implements control.ContentBackend.
func (d *Daemon) ContentShares(ctx context.Context) ([]control.ContentShare, error) {
	es, err := d.content.svc.Shares(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]control.ContentShare, 0, len(es))
	host := d.linkHost()
	for _, e := range es {
		out = append(out, contentShare(e, host))
	}
	return out, nil
}

// ContentList implements control.ContentBackend.
func (d *Daemon) ContentList(ctx context.Context, host, prefix string) ([]control.ContentShare, error) {
	if host == "" {
		return nil, fmt.Errorf("%w: list whose shares? give a name or 0x wallet", control.ErrBadRequest)
	}
	w, _, err := d.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	es, err := d.content.svc.List(ctx, w.Hex(), prefix)
	if err != nil {
		return nil, contentErr(err)
	}
	out := make([]control.ContentShare, 0, len(es))
	for _, e := range es {
		out = append(out, contentShare(e, host))
	}
	return out, nil
}

// ContentGet implements control.ContentBackend.
func (d *Daemon) ContentGet(ctx context.Context, link, dir string, progress func(have, total int64)) (control.ContentFile, error) {
	if err := absPath("dir", dir); err != nil {
		return control.ContentFile{}, err
	}
	l, err := content.ParseLink(link)
	if err != nil {
		return control.ContentFile{}, contentErr(err)
	}
	w, _, err := d.lookup(ctx, l.Host)
	if err != nil {
		return control.ContentFile{}, err
	}
	l.Host = w.Hex()
	p, err := d.content.svc.Get(ctx, l.String(), dir, progress)
	if err != nil {
		return control.ContentFile{}, contentErr(err)
	}
	return control.ContentFile{Path: p, Link: link}, nil
}

// ContentStatus implements control.ContentBackend.
func (d *Daemon) ContentStatus(ctx context.Context) (control.ContentStatus, error) {
	s, err := d.content.svc.Status(ctx)
	if err != nil {
		return control.ContentStatus{}, err
	}
	st := s.Stats
	out := control.ContentStatus{
		Downloads: []control.ContentDownload{},
		Stats: control.ContentStats{Served: st.Served, Fetched: st.Fetched, Wasted: st.Wasted, Corrupt: st.Corrupt,
			Dropped: st.Dropped, Denied: st.Denied, Completed: st.Completed, Evicted: st.Evicted,
			Mirrored: st.Mirrored, Forged: st.Forged},
		Cache: control.ContentCache{Bytes: s.Cache.Bytes, Limit: s.Cache.Limit, Blobs: []control.ContentCachedBlob{}},
	}
	for _, dl := range s.Downloads {
		x := control.ContentDownload{ID: dl.ID.String(), Size: dl.Size, Have: dl.Have, Providers: []control.ContentProvider{}}
		for _, p := range dl.Providers {
			x.Providers = append(x.Providers, control.ContentProvider{Wallet: p.Wallet.Hex(), Bytes: p.Bytes, Rate: p.Rate, Dropped: p.Dropped})
		}
		out.Downloads = append(out.Downloads, x)
	}
	for _, b := range s.Cache.Blobs {
		out.Cache.Blobs = append(out.Cache.Blobs, control.ContentCachedBlob{ID: b.ID.String(), Size: b.Size, Used: b.Used, Pinned: b.Pinned})
	}
	c := d.content
	if c.ln != nil {
		out.Proxy = c.ln.Addr().String()
	}
	c.mu.Lock()
	out.Serving = c.target
	c.mu.Unlock()
	return out, nil
}

// ContentPin implements control.ContentBackend.
func (d *Daemon) ContentPin(ctx context.Context, id string, pin bool) error {
	v, err := content.ParseID(id)
	if err != nil {
		return contentErr(err)
	}
	if _, done, err := d.content.svc.Blobs().Stat(v); pin && (err != nil || !done) {
		return fmt.Errorf("%w: blob %s is not here (get it first)", control.ErrNotFound, id)
	}
	return d.content.svc.Pin(ctx, v, pin)
}

// ContentServe implements control.ContentBackend.
func (d *Daemon) ContentServe(ctx context.Context, target string) (control.ContentSite, error) {
	c := d.content
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.site != nil {
		c.site.Close()
		c.site, c.target = nil, ""
	}
	if target == "" {
		return control.ContentSite{}, d.saveServed("")
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return control.ContentSite{}, fmt.Errorf("%w: serve %q: want http://127.0.0.1:PORT", control.ErrBadRequest, target)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return control.ContentSite{}, fmt.Errorf("%w: serve %q: only a server on this machine (loopback) is published", control.ErrBadRequest, target)
	}
	s, err := content.ServeSite(d.node, target)
	if err != nil {
		return control.ContentSite{}, err
	}
	if err := d.saveServed(target); err != nil {
		s.Close()
		return control.ContentSite{}, err
	}
	c.site, c.target = s, target
	return control.ContentSite{Target: target, URL: "http://" + strings.TrimSuffix(d.linkHost(), "."+d.names.Config().TLD) + content.TLD + "/"}, nil
}

// ContentPublish implements control.ContentBackend.
func (d *Daemon) ContentPublish(ctx context.Context, dir, name string) (control.ContentPublished, error) {
	if err := absPath("dir", dir); err != nil {
		return control.ContentPublished{}, err
	}
	e, err := d.content.svc.PublishSite(ctx, dir, "")
	if err != nil {
		return control.ContentPublished{}, contentErr(err)
	}
	out := control.ContentPublished{Share: contentShare(e, d.linkHost()), URL: "http://" + d.wallet.Hex() + content.TLD + "/"}
	if name == "" {
		return out, nil
	}
	full, err := naming.Normalize(d.fullName(name))
	if err != nil {
		return control.ContentPublished{}, fmt.Errorf("%w: %q is not a valid name: %v", control.ErrBadRequest, name, err)
	}
	if owner, err := d.names.Owner(ctx, full); err != nil || owner != d.wallet {
		return control.ContentPublished{}, fmt.Errorf("%w: %s is not this wallet's name (register it first)", control.ErrRefused, full)
	}
	auth := naming.Transactor(d.key, d.chainID)
	auth.Context = ctx
	if err := content.SetSite(ctx, d.names, auth, full, e.ID); err != nil {
		return control.ContentPublished{}, err
	}
	out.Name = full
	out.URL = "http://" + strings.TrimSuffix(full, "."+d.names.Config().TLD) + content.TLD + "/"
	return out, nil
}

// servedFile records the live site (`anynet serve`) so a restarted
// daemon serves it again: the target URL, or no file.
func (d *Daemon) servedFile() string { return filepath.Join(d.cfg.Dir, "content", "serve") }

// servedTarget reads the recorded live site's target ("" for none).
func (d *Daemon) servedTarget() (string, error) {
	b, err := os.ReadFile(d.servedFile())
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("daemon: live site record: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// saveServed records target as the live site ("" forgets it), durably
// before serve answers.
func (d *Daemon) saveServed(target string) error {
	path := d.servedFile()
	if target == "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("daemon: live site record: %w", err)
		}
		return nil
	}
	if err := config.WriteAtomic(path, []byte(target+"\n"), 0o600, true); err != nil {
		return fmt.Errorf("daemon: live site record: %w", err)
	}
	return nil
}
