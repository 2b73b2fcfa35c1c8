package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// SocketName is the control socket's file in the data directory.
const SocketName = "control.sock"

// Server serves a Backend on a unix socket.
type Server struct {
	path string
	ln   net.Listener
	srv  *http.Server
	log  *slog.Logger
	// stop ends the requests' contexts on Close, which ends event
	// streams (Shutdown alone waits for them).
	stop context.CancelFunc
}

type uidKey struct{}

// Listen creates DIR/control.sock, mode 0600, and serves b on it until
// Close. A socket left behind by a dead node is replaced; one a live node
// answers on is an error.
func Listen(dir string, b Backend, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	path := filepath.Join(dir, SocketName)
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("control: a node is already running in %s (stop it first, or use another --dir)", dir)
	}
	// Bind under a temporary name, restrict it, then move it in place:
	// the socket is never reachable with a looser mode.
	tmp := filepath.Join(dir, fmt.Sprintf(".control.%d.sock", os.Getpid()))
	os.Remove(tmp)
	ln, err := net.Listen("unix", tmp)
	if err != nil {
		return nil, fmt.Errorf("control: listen on %s: %w", tmp, err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		ln.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("control: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		ln.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("control: %w", err)
	}
	base, stop := context.WithCancel(context.Background())
	s := &Server{path: path, ln: ln, log: log, stop: stop}
	s.srv = &http.Server{
		Handler:           s.handler(b),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			uid, err := peerUID(c)
			if err != nil {
				uid = -1
			}
			return context.WithValue(ctx, uidKey{}, uid)
		},
	}
	go s.srv.Serve(ln)
	return s, nil
}

// Path returns the socket's path.
func (s *Server) Path() string { return s.path }

// Close stops serving and removes the socket.
func (s *Server) Close() error {
	s.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		s.srv.Close()
	}
	os.Remove(s.path)
	return err
}

func (s *Server) handler(b Backend) http.Handler {
	mux := http.NewServeMux()
	get := func(path string, f func(r *http.Request) (any, error)) {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			if err := checkQuery(path, r.URL.Query()); err != nil {
				reply(w, nil, err)
				return
			}
			v, err := f(r)
			reply(w, v, err)
		})
	}
	post := func(path string, f func(r *http.Request) (any, error)) {
		mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
			if err := checkQuery(path, r.URL.Query()); err != nil {
				reply(w, nil, err)
				return
			}
			v, err := f(r)
			reply(w, v, err)
		})
	}
	get("/v1/status", func(r *http.Request) (any, error) { return b.Status(r.Context()) })
	get("/v1/peers", func(r *http.Request) (any, error) { return b.Peers(r.Context()) })
	get("/v1/routes", func(r *http.Request) (any, error) { return b.Routes(r.Context()) })
	get("/v1/resolve", func(r *http.Request) (any, error) {
		return b.Resolve(r.Context(), r.URL.Query().Get("name"), r.URL.Query()["text"]...)
	})
	get("/v1/chain", func(r *http.Request) (any, error) { return b.Chain(r.Context()) })
	get("/v1/chat/list", func(r *http.Request) (any, error) { return b.ChatList(r.Context()) })
	get("/v1/chat/read", func(r *http.Request) (any, error) {
		q := r.URL.Query()
		limit, err := queryInt(q, "limit")
		if err != nil {
			return nil, err
		}
		peek, err := queryBool(q, "peek")
		if err != nil {
			return nil, err
		}
		return b.ChatRead(r.Context(), q.Get("peer"), limit, peek)
	})
	post("/v1/register", func(r *http.Request) (any, error) {
		var req struct {
			Name    string
			Primary bool
		}
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return b.Register(r.Context(), req.Name, req.Primary)
	})
	post("/v1/ping", func(r *http.Request) (any, error) {
		var req struct {
			Name  string
			Count int
		}
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return b.Ping(r.Context(), req.Name, req.Count)
	})
	post("/v1/chain/fund", func(r *http.Request) (any, error) {
		var req struct{ Wallet string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return struct{}{}, b.Fund(r.Context(), req.Wallet)
	})
	post("/v1/chat/send", func(r *http.Request) (any, error) {
		var req struct{ To, Text, ID string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		if cb, ok := b.(ChatBackend); ok && req.ID != "" {
			return cb.ChatSendID(r.Context(), req.To, req.ID, req.Text)
		}
		return b.ChatSend(r.Context(), req.To, req.Text)
	})
	s.chatHandlers(mux, b, get, post)
	s.communityHandlers(b, get, post)
	s.passHandlers(b, get, post)
	s.payHandlers(b, get, post)
	s.vpnHandlers(b, get)
	s.mailHandlers(b, get, post)
	s.mqHandlers(b, get, post)
	s.relayHandlers(b, get, post)
	s.contentHandlers(mux, b, get, post)
	s.streamHandlers(b, get, post)
	s.eventHandlers(mux, b)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if uid, _ := r.Context().Value(uidKey{}).(int); uid != allowedUID() {
			s.log.Warn("control: refused a connection from another user", "uid", uid)
			reply(w, nil, ErrForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// queryParams are the query parameters each endpoint takes; any other
// is refused, as unknown body fields are. A parameter may be given once,
// except those in repeatable.
var queryParams = map[string][]string{
	"/v1/resolve":             {"name", "text"},
	"/v1/chat/read":           {"peer", "limit", "peek"},
	"/v1/chat/group/read":     {"group", "limit"},
	"/v1/chat/community/read": {"community", "limit"},
	"/v1/pass":                {"ref"},
	"/v1/mail/list":           {"folder"},
	"/v1/mail/read":           {"folder", "uid"},
	"/v1/events":              {"after"},
	"/v1/content/ls":          {"host", "prefix"},
	"/v1/relay/score":         {"epoch", "guardian"},
}

var repeatable = map[string]bool{"text": true} // /v1/resolve's text records

// checkQuery refuses a parameter path does not take, or one given twice.
func checkQuery(path string, q url.Values) error {
	for k, v := range q {
		if !slices.Contains(queryParams[path], k) {
			return fmt.Errorf("%w: %s takes no parameter %q", ErrBadRequest, path, k)
		}
		if len(v) > 1 && !repeatable[k] {
			return fmt.Errorf("%w: parameter %q given %d times", ErrBadRequest, k, len(v))
		}
	}
	return nil
}

// queryInt reads a non-negative integer parameter; absent is 0.
func queryInt(q url.Values, name string) (int, error) {
	s := q.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: %s=%q: want a number from 0", ErrBadRequest, name, s)
	}
	return n, nil
}

// queryBool reads a boolean parameter; absent is false.
func queryBool(q url.Values, name string) (bool, error) {
	s := q.Get(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%w: %s=%q: want true or false", ErrBadRequest, name, s)
	}
	return b, nil
}

// decode reads a request's JSON body into v, refusing unknown fields
// and trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields() // a misspelt field is an error, not a silent default
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: more than one JSON value in the body", ErrBadRequest)
	}
	return nil
}

// ErrorBody is every error answer: the message and a machine code (the
// Code… constants).
type ErrorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

func reply(w http.ResponseWriter, v any, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(statusOf(err))
		json.NewEncoder(w).Encode(ErrorBody{Error: err.Error(), Code: codeOf(err)})
		return
	}
	json.NewEncoder(w).Encode(v)
}

// Error codes of ErrorBody, each with its HTTP status.
const (
	CodeBadRequest  = "bad_request" // 400, ErrBadRequest
	CodeForbidden   = "forbidden"   // 403, ErrForbidden
	CodeNotFound    = "not_found"   // 404, ErrNotFound
	CodeRefused     = "refused"     // 409, ErrRefused
	CodeInternal    = "internal"    // 500
	CodeUnsupported = "unsupported" // 501, ErrUnsupported
	CodeTimeout     = "timeout"     // 504, a deadline passed
)

// codes maps each code to its sentinel and status, in the order errors
// are matched.
var codes = []struct {
	code   string
	err    error
	status int
}{
	{CodeBadRequest, ErrBadRequest, http.StatusBadRequest},
	{CodeForbidden, ErrForbidden, http.StatusForbidden},
	{CodeNotFound, ErrNotFound, http.StatusNotFound},
	{CodeUnsupported, ErrUnsupported, http.StatusNotImplemented},
	{CodeRefused, ErrRefused, http.StatusConflict},
	{CodeTimeout, ErrTimeout, http.StatusGatewayTimeout},
}

func codeOf(err error) string {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ETIMEDOUT) {
		return CodeTimeout
	}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return CodeInternal
}

func statusOf(err error) int {
	code := codeOf(err)
	for _, c := range codes {
		if c.code == code {
			return c.status
		}
	}
	return http.StatusInternalServerError
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
