package content

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"

	"github.com/anynet/anynet/apps/service"
	"github.com/ethereum/go-ethereum/common"
)

// Site is a local HTTP server published at the node's identity on
// WebPort (like `tailscale serve`): every request is forwarded to the
// local server with HeaderWallet set to the caller's wallet, as the
// overlay verified it (a header of that name from the caller is
// replaced), so the app gets sign-in by wallet.
type Site struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

type walletKey struct{}

// ServeSite publishes target (a local "http://127.0.0.1:PORT" URL) on
// host's WebPort until Close.
func ServeSite(host service.Host, target string) (*Site, error) {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("content: serve %q: not an http URL", target)
	}
	ln, err := host.Listen("tcp", fmt.Sprintf(":%d", WebPort))
	if err != nil {
		return nil, fmt.Errorf("content: serve: %w", err)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.Out.Host = pr.In.Host
		pr.Out.Header.Del(HeaderWallet)
		if w, ok := pr.In.Context().Value(walletKey{}).(common.Address); ok {
			pr.Out.Header.Set(HeaderWallet, w.Hex())
		}
	}}
	s := &Site{ln: ln, done: make(chan struct{}), srv: &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, ok := r.Context().Value(walletKey{}).(common.Address); !ok {
				http.Error(w, "anynet: caller's wallet not verified", http.StatusForbidden)
				return
			}
			rp.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 30 * time.Second,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if w, err := host.PeerOf(c); err == nil {
				return context.WithValue(ctx, walletKey{}, w)
			}
			return ctx
		},
	}}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener closed under it
		}
	}()
	return s, nil
}

// Close stops serving and waits for the server goroutine.
func (s *Site) Close() error {
	err := s.srv.Close()
	<-s.done
	return err
}
