package content

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// The web by name:
//
//   - Gateway is a local HTTP proxy (curl -x, or a browser through the
//     PAC file it serves at /proxy.pac) for http://HOST.anynet/… where
//     HOST is a name or a 0x wallet. A live site (the wallet runs
//     Serve) is proxied over the overlay; otherwise the static site is
//     served: the collection in the name's contenthash record, or the
//     wallet's public share "www". Static files are fetched verified
//     (and then kept), with Content-Type by extension, Range, ETag (the
//     file's ID), index.html for directories and 404s.
//   - Serve publishes a local HTTP server at the node's identity on
//     WebPort, adding HeaderWallet with the caller's verified wallet.

// WebPort is the overlay TCP port of live sites.
const WebPort = 80

// HeaderWallet carries the caller's verified wallet to a served app.
const HeaderWallet = "X-Anynet-Wallet"

// TLD is the suffix the gateway answers for.
const TLD = ".anynet"

// SiteShare is the share a wallet's static site is served from when its
// name has no contenthash.
const SiteShare = "www"

// Contenthash is how the gateway reads a name's contenthash record
// (naming.Client.Contenthash satisfies it).
type Contenthash func(ctx context.Context, name string) ([]byte, error)

// ContenthashOf encodes an ID as an ENSIP-7 contenthash: the ipfs-ns
// codec (varint 0xe3) followed by the binary CIDv1.
func ContenthashOf(id ID) []byte {
	return append(append([]byte{0xe3, 0x01}, cidPrefix...), id[:]...)
}

// ParseContenthash reads a contenthash written by ContenthashOf.
func ParseContenthash(b []byte) (ID, error) {
	p := append([]byte{0xe3, 0x01}, cidPrefix...)
	if len(b) != len(p)+32 || string(b[:len(p)]) != string(p) {
		return ID{}, fmt.Errorf("%w: contenthash %x", ErrBadID, b)
	}
	return ID(b[len(p):]), nil
}

// Gateway is the local HTTP proxy for sites by name.
type Gateway struct {
	// Service fetches static sites; required.
	Service *Service
	// Contenthash reads names' records; nil uses the "www" share only.
	Contenthash Contenthash
	// Addr is where the proxy listens, for the PAC file.
	Addr string
	// Logger receives logs; nil discards.
	Logger *slog.Logger
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if !strings.HasSuffix(host, TLD) {
		if r.URL.Path == "/proxy.pac" {
			w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
			fmt.Fprintf(w, "function FindProxyForURL(url, host) {\n  if (shExpMatch(host, \"*%s\")) return \"PROXY %s\";\n  return \"DIRECT\";\n}\n", TLD, g.Addr)
			return
		}
		http.Error(w, "anynet gateway: only http://NAME"+TLD+"/ is served", http.StatusBadGateway)
		return
	}
	name := strings.TrimSuffix(host, TLD)
	ctx := r.Context()
	wallet, err := g.Service.host.Lookup(ctx, name)
	if err != nil {
		http.Error(w, fmt.Sprintf("anynet gateway: %s: %v", name, err), http.StatusBadGateway)
		return
	}
	if g.live(w, r, wallet) {
		return
	}
	g.static(w, r, name, wallet)
}

// live proxies r to wallet's Serve, if it runs one.
func (g *Gateway) live(w http.ResponseWriter, r *http.Request, wallet common.Address) bool {
	dctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	c, err := g.Service.host.Dial(dctx, "tcp", fmt.Sprintf("%s:%d", wallet.Hex(), WebPort))
	if err != nil {
		return false
	}
	used := false
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme, pr.Out.URL.Host = "http", pr.In.Host
			pr.Out.Header.Del(HeaderWallet) // only the serving end sets it
		},
		Transport: &http.Transport{
			DialContext: func(context.Context, string, string) (net.Conn, error) {
				if used {
					return nil, errors.New("content: one connection per request")
				}
				used = true
				return c, nil
			},
			DisableKeepAlives: true,
		},
	}
	rp.ServeHTTP(w, r)
	return true
}

// static serves a file of wallet's static site.
func (g *Gateway) static(w http.ResponseWriter, r *http.Request, name string, wallet common.Address) {
	ctx := r.Context()
	s := g.Service
	root, err := g.site(ctx, name, wallet)
	if err != nil {
		http.Error(w, fmt.Sprintf("anynet gateway: %s has no site: %v", name, err), http.StatusNotFound)
		return
	}
	o := FetchOptions{Providers: []common.Address{wallet}, AskHolders: true, Public: true}
	if err := s.Fetch(ctx, root.ID, withSize(o, root.Size)); err != nil {
		http.Error(w, fmt.Sprintf("anynet gateway: %v", err), http.StatusBadGateway)
		return
	}
	files, err := s.collection(root.ID)
	if err != nil {
		http.Error(w, fmt.Sprintf("anynet gateway: %v", err), http.StatusBadGateway)
		return
	}
	p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	f, ok := lookupFile(files, p)
	status := http.StatusOK
	if !ok {
		if f, ok = lookupFile(files, "404.html"); !ok {
			http.NotFound(w, r)
			return
		}
		status = http.StatusNotFound
	}
	if err := s.Fetch(ctx, f.ID, withSize(o, f.Size)); err != nil {
		http.Error(w, fmt.Sprintf("anynet gateway: %v", err), http.StatusBadGateway)
		return
	}
	body, err := s.Open(f.ID)
	if err != nil {
		http.Error(w, fmt.Sprintf("anynet gateway: %v", err), http.StatusBadGateway)
		return
	}
	w.Header().Set("Etag", `"`+f.ID.String()+`"`)
	if status != http.StatusOK {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		io.Copy(w, body)
		return
	}
	http.ServeContent(w, r, f.Path, time.Time{}, body)
}

// site finds a name's static site: its contenthash, else its public
// "www" share.
func (g *Gateway) site(ctx context.Context, name string, wallet common.Address) (Entry, error) {
	if g.Contenthash != nil && !strings.HasPrefix(name, "0x") {
		if b, err := g.Contenthash(ctx, name); err == nil && len(b) > 0 {
			id, err := ParseContenthash(b)
			if err != nil {
				return Entry{}, err
			}
			return Entry{ID: id, Size: -1, Collection: true}, nil
		}
	}
	es, err := g.Service.List(ctx, wallet.Hex(), SiteShare)
	if err != nil {
		return Entry{}, err
	}
	i := slices.IndexFunc(es, func(e Entry) bool { return e.Name == SiteShare && e.Collection })
	if i < 0 {
		return Entry{}, ErrNotFound
	}
	return es[i], nil
}

func withSize(o FetchOptions, size int64) FetchOptions {
	o.Size, o.SizeKnown = size, size >= 0
	return o
}

// lookupFile finds p in a collection: the file, or p/index.html.
func lookupFile(files []FileEntry, p string) (FileEntry, bool) {
	for _, want := range []string{p, strings.TrimPrefix(p+"/index.html", "/")} {
		if want == "" {
			continue
		}
		i, ok := slices.BinarySearchFunc(files, want, func(f FileEntry, s string) int { return strings.Compare(f.Path, s) })
		if ok {
			return files[i], true
		}
	}
	return FileEntry{}, false
}
