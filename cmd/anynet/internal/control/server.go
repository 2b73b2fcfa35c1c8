package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
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
	s := &Server{path: path, ln: ln, log: log}
	s.srv = &http.Server{
		Handler:           s.handler(b),
		ReadHeaderTimeout: 10 * time.Second,
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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	os.Remove(s.path)
	return err
}

func (s *Server) handler(b Backend) http.Handler {
	mux := http.NewServeMux()
	get := func(path string, f func(r *http.Request) (any, error)) {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			v, err := f(r)
			reply(w, v, err)
		})
	}
	post := func(path string, f func(r *http.Request) (any, error)) {
		mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
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
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		return b.ChatRead(r.Context(), r.URL.Query().Get("peer"), limit)
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
		var req struct{ To, Text string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return b.ChatSend(r.Context(), req.To, req.Text)
	})
	s.chatHandlers(mux, b, get, post)
	s.communityHandlers(b, get, post)
	s.passHandlers(b, get, post)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if uid, _ := r.Context().Value(uidKey{}).(int); uid != allowedUID() {
			s.log.Warn("control: refused a connection from another user", "uid", uid)
			reply(w, nil, ErrForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields() // a misspelt field is an error, not a silent default
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	return nil
}

type errorBody struct {
	Error string `json:"error"`
}

func reply(w http.ResponseWriter, v any, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(statusOf(err))
		json.NewEncoder(w).Encode(errorBody{Error: err.Error()})
		return
	}
	json.NewEncoder(w).Encode(v)
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrUnsupported):
		return http.StatusNotImplemented
	case errors.Is(err, ErrRefused):
		return http.StatusConflict
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, syscall.ETIMEDOUT):
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
