package control

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Event kinds (Event.Kind).
const (
	// EventHello opens every stream: Seq is the newest event's number
	// (the cursor to resume from), nothing else is set. It is not an
	// event and is never replayed.
	EventHello = "hello"
	// EventGap: events after the cursor asked for were dropped from the
	// node's journal before this client came back; Seq is the last one
	// lost. The client re-reads what it shows, then goes on.
	EventGap = "gap"
	// EventPeer: a wallet became known or changed (Peer set).
	EventPeer = "peer"
	// EventPath: the way to a peer changed between "direct" and
	// "relayed" (Peer set, Peer.Path the new way).
	EventPath = "path"
	// EventPeerUp: a session with a peer came up (Peer set, Up true).
	EventPeerUp = "peer-up"
	// EventPeerDown: it ended: reset, expired, or the peer stopped
	// answering (Peer set, Up false).
	EventPeerDown = "peer-down"
	// EventMessage: a chat message arrived or was sent here (Message).
	EventMessage = "message"
	// EventRequest: a message from a wallet never allowed (Message).
	EventRequest = "request"
	// EventReceipt: a sent message's status moved on (Message, with the
	// new Status).
	EventReceipt = "receipt"
	// EventGroup: a group's roster or invitation changed (Group, the ID).
	EventGroup = "group"
	// EventPost: a community post arrived, got its number, or was
	// deleted (Post).
	EventPost = "post"
	// EventTransfer: a download moved on (Transfer).
	EventTransfer = "transfer"
	// EventMail: mail arrived in a folder (Mail, without Body), or a
	// message sent from here moved on (MailOut).
	EventMail = "mail"
	// EventService: a service of the node reports something (Service).
	EventService = "service"
	// EventPayment: money moved or is asked for (Payment).
	EventPayment = "payment"
	// EventContent: a content download moved on, ended or dropped a
	// provider, or the cache evicted a blob (Content).
	EventContent = "content"
)

// Event is one line of GET /v1/events.
type Event struct {
	// Seq numbers the node's events from 1 in order; a client resumes
	// with ?after=Seq of the last event it handled.
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time,omitzero"`
	Kind string    `json:"kind"`

	Peer     *Peer         `json:"peer,omitempty"`
	Message  *ChatMessage  `json:"message,omitempty"`
	Group    string        `json:"group,omitempty"`
	Post     *ChatPost     `json:"post,omitempty"`
	Transfer *Transfer     `json:"transfer,omitempty"`
	Service  *ServiceEvent `json:"service,omitempty"`
	Payment  *PayEvent     `json:"payment,omitempty"`
	Mail     *MailMessage  `json:"mail,omitempty"`
	MailOut  *MailOutgoing `json:"mail_out,omitempty"`
	Content  *ContentEvent `json:"content,omitempty"`
}

// Transfer is the progress of a download.
type Transfer struct {
	ID    string `json:"id"` // the message that offers the file
	Have  int64  `json:"have"`
	Total int64  `json:"total"`
	Done  bool   `json:"done,omitempty"`
	Error string `json:"error,omitempty"`
}

// ServiceEvent is a service's report: which service and what happened.
type ServiceEvent struct {
	Service string `json:"service"` // "node", "naming", "chat", "pass"
	What    string `json:"what"`    // a short code: "published", "name", "publish-failed" …
	Detail  string `json:"detail,omitempty"`
}

// EventBackend streams the node's events. A Backend that implements it
// serves GET /v1/events; others answer ErrUnsupported.
type EventBackend interface {
	// Events returns the events after cursor `after` held in the journal
	// (with an EventGap first when some were dropped), the newest event's
	// number, and a channel that closes when newer events exist or ctx
	// ends. Call it again with the last Seq to go on.
	Events(ctx context.Context, after uint64) (evs []Event, newest uint64, more <-chan struct{})
}

// eventHandler serves GET /v1/events?after=N: the journal's events after
// N, then each new one as it comes, one JSON object per line, until the
// client goes. Without after, the stream starts at the next event.
func (s *Server) eventHandlers(mux *http.ServeMux, b Backend) {
	mux.HandleFunc("GET /v1/events", func(w http.ResponseWriter, r *http.Request) {
		if err := checkQuery("/v1/events", r.URL.Query()); err != nil {
			reply(w, nil, err)
			return
		}
		eb, ok := b.(EventBackend)
		if !ok {
			reply(w, nil, fmt.Errorf("%w: this process has no event stream", ErrUnsupported))
			return
		}
		ctx := r.Context()
		_, newest, _ := eb.Events(ctx, ^uint64(0))
		after := newest
		if q := r.URL.Query().Get("after"); q != "" {
			n, err := strconv.ParseUint(q, 10, 64)
			if err != nil {
				reply(w, nil, fmt.Errorf("%w: after=%q: want the seq of the last event seen", ErrBadRequest, q))
				return
			}
			after = n
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(w)
		fl, _ := w.(http.Flusher)
		if err := enc.Encode(Event{Seq: newest, Kind: EventHello}); err != nil {
			return
		}
		for {
			evs, _, more := eb.Events(ctx, after)
			for _, e := range evs {
				if err := enc.Encode(e); err != nil {
					return
				}
				after = e.Seq
			}
			if fl != nil {
				fl.Flush()
			}
			select {
			case <-ctx.Done():
				return
			case <-more:
			}
		}
	})
}
