package vpn

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// hopHeaders are not forwarded (RFC 9110 section 7.6.1).
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// httpStatusFor maps an error from Client.Dial to a status: 403 for a
// policy refusal, 429 for a limit, 402 for traffic not paid for (or
// an exit priced over the client's maximum), 502 otherwise.
func httpStatusFor(err error) int {
	switch {
	case errors.Is(err, ErrDestination), errors.Is(err, ErrPort), errors.Is(err, ErrWallet):
		return http.StatusForbidden
	case errors.Is(err, ErrRate), errors.Is(err, ErrBytes):
		return http.StatusTooManyRequests
	case errors.Is(err, ErrUnpaid), errors.Is(err, ErrPrice):
		return http.StatusPaymentRequired
	}
	return http.StatusBadGateway
}

// serveHTTP answers HTTP proxy requests: CONNECT opens a tunnel; any
// other method with an absolute URI is forwarded through an exit, one
// request after another on the same connection.
func (p *Proxy) serveHTTP(c net.Conn, br *bufio.Reader) {
	tr := &http.Transport{
		DialContext:        p.Client.Dial,
		DisableCompression: true,
		MaxIdleConns:       4,
		IdleConnTimeout:    30 * time.Second,
	}
	defer tr.CloseIdleConnections()
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		c.SetReadDeadline(time.Time{})
		if req.Method == http.MethodConnect {
			p.connectHTTP(c, br, req)
			return
		}
		if req.URL.Host == "" || req.URL.Scheme != "http" {
			writeHTTPError(c, http.StatusBadRequest, fmt.Errorf("vpn: proxy request needs an absolute http:// URI, got %q", req.RequestURI))
			return
		}
		keep := !req.Close
		for _, h := range hopHeaders {
			req.Header.Del(h)
		}
		req.RequestURI = ""
		resp, err := tr.RoundTrip(req.WithContext(p.ctx))
		if err != nil {
			writeHTTPError(c, httpStatusFor(err), err)
			return
		}
		for _, h := range hopHeaders[:len(hopHeaders)-2] {
			resp.Header.Del(h)
		}
		err = resp.Write(c)
		resp.Body.Close()
		if err != nil || !keep || resp.Close {
			return
		}
		c.SetReadDeadline(time.Now().Add(2 * time.Minute))
	}
}

// connectHTTP answers CONNECT host:port.
func (p *Proxy) connectHTTP(c net.Conn, br *bufio.Reader, req *http.Request) {
	dst, err := p.Client.Dial(p.ctx, "tcp", req.Host)
	if err != nil {
		p.log().Info("vpn: http connect refused", "dest", req.Host, "err", err)
		writeHTTPError(c, httpStatusFor(err), err)
		return
	}
	if !p.track(dst, false) {
		dst.Close()
		return
	}
	defer p.track(dst, true)
	if _, err := c.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		dst.Close()
		return
	}
	var up, down atomic.Uint64
	splice(&bufConn{Conn: c, r: br}, dst, &up, &down, nil, nil)
}

// writeHTTPError answers with status and err's text, and closes.
func writeHTTPError(c net.Conn, status int, err error) {
	msg := strings.NewReplacer("\r", " ", "\n", "; ").Replace(err.Error()) + "\n"
	fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\nX-Anynet-Error: %s\r\n\r\n%s",
		status, http.StatusText(status), len(msg), strings.TrimSpace(msg), msg)
}
