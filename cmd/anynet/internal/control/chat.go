package control

import (
	"context"
	"encoding/json"
	"net/http"
)

// ChatBackend is the chat API beyond send, list and read: consent,
// attachments and groups. A Backend that also implements it serves the
// endpoints below; one that does not (`anynet chain serve`) answers them
// ErrUnsupported.
type ChatBackend interface {
	// ChatRequests lists the conversations started by wallets never allowed.
	ChatRequests(ctx context.Context) ([]ChatConversation, error)
	// ChatMarkRead marks the conversation with peer read, sending read
	// receipts; for a request it also allows peer (reading is answering).
	ChatMarkRead(ctx context.Context, peer string) error
	// ChatConsent applies action ("allow", "deny" or "block") to peer.
	ChatConsent(ctx context.Context, peer, action string) error
	// ChatSendID is ChatSend with an idempotency key: id (32 hex digits)
	// names the message, and sending an id again does not send it twice
	// (it answers how far the first got, trying it again if need be).
	ChatSendID(ctx context.Context, to, id, text string) (ChatMessage, error)
	// ChatSendFile offers the file at path (absolute, on the node's
	// machine) to a name or wallet.
	ChatSendFile(ctx context.Context, to, path string) (ChatMessage, error)
	// ChatGet downloads the attachment of message id and copies it into
	// dir (absolute); progress, if not nil, gets the bytes held and the
	// total after each chunk.
	ChatGet(ctx context.Context, id, dir string, progress func(have, total int64)) (ChatFile, error)
	// GroupCreate creates a group owned by this wallet.
	GroupCreate(ctx context.Context, name string, members []string) (ChatGroup, error)
	// GroupInvite, GroupRemove change a group's roster; group is its ID
	// or its name, if unique.
	GroupInvite(ctx context.Context, group, member string) (ChatGroup, error)
	GroupRemove(ctx context.Context, group, member string) (ChatGroup, error)
	// GroupAccept accepts an invitation from a wallet never allowed (a
	// group listed with Request set); the inviter becomes allowed.
	GroupAccept(ctx context.Context, group string) error
	// GroupLeave leaves a group.
	GroupLeave(ctx context.Context, group string) error
	// GroupSend posts text to a group.
	GroupSend(ctx context.Context, group, text string) (ChatMessage, error)
	// GroupList lists the groups this wallet knows.
	GroupList(ctx context.Context) ([]ChatGroup, error)
	// GroupRead returns a group's newest limit messages (0: all), oldest
	// first.
	GroupRead(ctx context.Context, group string, limit int) ([]ChatMessage, error)
}

// Consent actions of ChatConsent.
const (
	ConsentAllow = "allow"
	ConsentDeny  = "deny"
	ConsentBlock = "block"
)

// ChatAttachment is the file a message offers.
type ChatAttachment struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // hex
	Type   string `json:"type"`   // "file", "voice", "video"
	// Path is the file on this node: the sender's original, or the
	// verified download; empty until downloaded.
	Path string `json:"path,omitempty"`
}

// ChatFile is a downloaded attachment.
type ChatFile struct {
	Path   string `json:"path"` // where ChatGet copied it
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// ChatGroup is a private group as this node knows it.
type ChatGroup struct {
	ID      string            `json:"id"`
	Name    string            `json:"name"`
	Epoch   uint32            `json:"epoch"`
	Members map[string]string `json:"members"` // wallet → "member", "admin", "owner"
	Me      string            `json:"me"`      // this wallet's role; "" once removed
	Request bool              `json:"request,omitempty"`
}

// Progress is one line of a streaming answer (POST /v1/chat/get): a
// progress report, then exactly one line with File or Error.
type Progress struct {
	Have  int64     `json:"have,omitempty"`
	Total int64     `json:"total,omitempty"`
	File  *ChatFile `json:"file,omitempty"`
	Error string    `json:"error,omitempty"`
	// Code is the error's code (ErrorBody.Code).
	Code string `json:"code,omitempty"`
}

func (s *Server) chatHandlers(mux *http.ServeMux, b Backend, get, post func(string, func(*http.Request) (any, error))) {
	cb, ok := b.(ChatBackend)
	if !ok {
		cb = noChat{}
	}
	get("/v1/chat/requests", func(r *http.Request) (any, error) { return cb.ChatRequests(r.Context()) })
	post("/v1/chat/consent", func(r *http.Request) (any, error) {
		var req struct{ Peer, Action string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return struct{}{}, cb.ChatConsent(r.Context(), req.Peer, req.Action)
	})
	post("/v1/chat/markread", func(r *http.Request) (any, error) {
		var req struct{ Peer string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return struct{}{}, cb.ChatMarkRead(r.Context(), req.Peer)
	})
	post("/v1/chat/sendfile", func(r *http.Request) (any, error) {
		var req struct{ To, Path string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return cb.ChatSendFile(r.Context(), req.To, req.Path)
	})
	mux.HandleFunc("POST /v1/chat/get", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ ID, Dir string }
		if err := decode(r, &req); err != nil {
			reply(w, nil, err)
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(w)
		fl, _ := w.(http.Flusher)
		last := int64(-1)
		f, err := cb.ChatGet(r.Context(), req.ID, req.Dir, func(have, total int64) {
			// One line per percent at most.
			if pct := have * 100 / max(total, 1); pct != last || have == total {
				last = pct
				enc.Encode(Progress{Have: have, Total: total})
				if fl != nil {
					fl.Flush()
				}
			}
		})
		if err != nil {
			enc.Encode(Progress{Error: err.Error(), Code: codeOf(err)})
			return
		}
		enc.Encode(Progress{File: &f})
	})
	post("/v1/chat/group/create", func(r *http.Request) (any, error) {
		var req struct {
			Name    string
			Members []string
		}
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return cb.GroupCreate(r.Context(), req.Name, req.Members)
	})
	post("/v1/chat/group/invite", func(r *http.Request) (any, error) {
		var req struct{ Group, Member string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return cb.GroupInvite(r.Context(), req.Group, req.Member)
	})
	post("/v1/chat/group/remove", func(r *http.Request) (any, error) {
		var req struct{ Group, Member string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return cb.GroupRemove(r.Context(), req.Group, req.Member)
	})
	post("/v1/chat/group/leave", func(r *http.Request) (any, error) {
		var req struct{ Group string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return struct{}{}, cb.GroupLeave(r.Context(), req.Group)
	})
	post("/v1/chat/group/accept", func(r *http.Request) (any, error) {
		var req struct{ Group string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return struct{}{}, cb.GroupAccept(r.Context(), req.Group)
	})
	post("/v1/chat/group/send", func(r *http.Request) (any, error) {
		var req struct{ Group, Text string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return cb.GroupSend(r.Context(), req.Group, req.Text)
	})
	get("/v1/chat/group/list", func(r *http.Request) (any, error) { return cb.GroupList(r.Context()) })
	get("/v1/chat/group/read", func(r *http.Request) (any, error) {
		limit, err := queryInt(r.URL.Query(), "limit")
		if err != nil {
			return nil, err
		}
		return cb.GroupRead(r.Context(), r.URL.Query().Get("group"), limit)
	})
}
