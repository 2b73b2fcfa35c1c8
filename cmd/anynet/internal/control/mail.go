package control

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// MailBackend is the mail API (apps/mail). Like PassBackend it is
// optional: a Backend without it answers these endpoints ErrUnsupported.
// Folders are INBOX, Sent, Drafts, Trash and Requests.
type MailBackend interface {
	// MailSend sends a message to `to` (name@anynet, 0x…@anynet, or a
	// bare name or wallet): Subject, Text and, if set, the files at
	// Attach (absolute paths on the node's machine). It returns once the
	// message is stored (it is then delivered or bounced).
	MailSend(ctx context.Context, req MailSendRequest) (MailOutgoing, error)
	// MailList lists a folder, oldest first.
	MailList(ctx context.Context, folder string) ([]MailMessage, error)
	// MailRead returns one message with its text (and marks it seen).
	MailRead(ctx context.Context, folder string, uid uint32) (MailMessage, error)
	// MailOutbox lists the messages sent from here and how far each got.
	MailOutbox(ctx context.Context) ([]MailOutgoing, error)
	// MailAllow lets peer's mail into INBOX from now on.
	MailAllow(ctx context.Context, peer string) error
	// MailGateways says where the SMTP and IMAP gateways listen and the
	// password they take.
	MailGateways(ctx context.Context) (MailGateways, error)
	// MailStatus says what this node keeps for others (as a mailbox)
	// and on which terms, which node keeps this wallet's mail and on
	// which terms, and when senders hear their mail is late.
	MailStatus(ctx context.Context) (MailStatus, error)
}

// MailTerms are what a mailbox node keeps per recipient and how long,
// as its DID entry (AnynetMail) publishes them.
type MailTerms struct {
	Quota     int64         `json:"quota"` // bytes per recipient
	Retention time.Duration `json:"retentionNs"`
}

// MailHeld is what a mailbox node keeps for one recipient.
type MailHeld struct {
	To       string `json:"to"` // 0x…@anynet
	Messages int    `json:"messages"`
	Bytes    int64  `json:"bytes"`
}

// MailStatus is the answer of GET /v1/mail/status.
type MailStatus struct {
	Address string `json:"address"` // this wallet's, 0x…@anynet
	// Mailbox is set when this node keeps mail for others (--mailbox):
	// its published terms, and what it holds.
	Mailbox *MailTerms `json:"mailbox,omitempty"`
	Held    []MailHeld `json:"held,omitempty"`
	// MailAt is the node that keeps this wallet's mail while it is
	// offline (its DID document's mail-at), and MailAtTerms what that
	// node publishes (nil: nothing, or not read yet).
	MailAt      string     `json:"mailAt,omitempty"`
	MailAtTerms *MailTerms `json:"mailAtTerms,omitempty"`
	// DelayNotice is when a sender hears its mail is late
	// (mail.delay-notice); MaxSize the largest message taken.
	DelayNotice time.Duration `json:"delayNoticeNs"`
	MaxSize     int           `json:"maxSize"`
}

// MailSendRequest is the body of POST /v1/mail/send.
type MailSendRequest struct {
	To      string   `json:"to"`
	Subject string   `json:"subject"`
	Text    string   `json:"text"`
	Attach  []string `json:"attach,omitempty"`
}

// MailOutgoing is a message sent from here. Status is "queued",
// "held" (the recipient's mailbox node keeps it), "delivered" (the
// recipient's node stored it) or "failed" (bounced, Reason says why);
// Delayed is set once the sender was told it is late.
type MailOutgoing struct {
	ID        string    `json:"id"`
	To        string    `json:"to"` // 0x…@anynet
	Status    string    `json:"status"`
	Delayed   bool      `json:"delayed,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Size      int       `json:"size"`
	Submitted time.Time `json:"submitted"`
}

// MailMessage is a message in a folder; Body is set by MailRead only
// (the message's text part, or its raw bytes).
type MailMessage struct {
	Folder  string    `json:"folder"`
	UID     uint32    `json:"uid"`
	ID      string    `json:"id"`
	From    string    `json:"from"`            // the header's
	Sender  string    `json:"sender,omitzero"` // the verified wallet, 0x…@anynet
	Subject string    `json:"subject"`
	Date    time.Time `json:"date"`
	Flags   []string  `json:"flags"`
	Size    int       `json:"size"`
	Body    string    `json:"body,omitempty"`
	// Attachments names the attached files.
	Attachments []string `json:"attachments,omitempty"`
}

// MailGateways is where the gateways listen ("" when off).
type MailGateways struct {
	SMTP string `json:"smtp"`
	IMAP string `json:"imap"`
	// SMTPS and IMAPS speak TLS from the first byte (keys mail.smtps,
	// mail.imaps); empty if off.
	SMTPS    string `json:"smtps,omitempty"`
	IMAPS    string `json:"imaps,omitempty"`
	Address  string `json:"address"` // this wallet's, 0x…@anynet
	User     string `json:"user"`
	Password string `json:"password"`
	// Certificate is the gateways' certificate file (PEM; STARTTLS),
	// Fingerprint its SHA-256 in hex; TLSOnly: no password in the clear.
	Certificate string `json:"certificate"`
	Fingerprint string `json:"fingerprint"`
	TLSOnly     bool   `json:"tls_only"`
}

var errNoMail = fmt.Errorf("%w: this process runs no node (mail needs `anynet up`)", ErrUnsupported)

// noMail answers the MailBackend endpoints of a Backend without them.
type noMail struct{}

func (noMail) MailSend(context.Context, MailSendRequest) (MailOutgoing, error) {
	return MailOutgoing{}, errNoMail
}
func (noMail) MailList(context.Context, string) ([]MailMessage, error) { return nil, errNoMail }
func (noMail) MailRead(context.Context, string, uint32) (MailMessage, error) {
	return MailMessage{}, errNoMail
}
func (noMail) MailOutbox(context.Context) ([]MailOutgoing, error) { return nil, errNoMail }
func (noMail) MailAllow(context.Context, string) error            { return errNoMail }
func (noMail) MailGateways(context.Context) (MailGateways, error) { return MailGateways{}, errNoMail }
func (noMail) MailStatus(context.Context) (MailStatus, error)     { return MailStatus{}, errNoMail }

func (s *Server) mailHandlers(b Backend, get, post func(string, func(*http.Request) (any, error))) {
	mb, ok := b.(MailBackend)
	if !ok {
		mb = noMail{}
	}
	post("/v1/mail/send", func(r *http.Request) (any, error) {
		var req MailSendRequest
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return mb.MailSend(r.Context(), req)
	})
	get("/v1/mail/list", func(r *http.Request) (any, error) { return mb.MailList(r.Context(), folderOf(r.URL.Query())) })
	get("/v1/mail/read", func(r *http.Request) (any, error) {
		q := r.URL.Query()
		uid, err := strconv.ParseUint(q.Get("uid"), 10, 32)
		if err != nil || uid == 0 {
			return nil, fmt.Errorf("%w: uid %q: want a message number from `anynet mail list`", ErrBadRequest, q.Get("uid"))
		}
		return mb.MailRead(r.Context(), folderOf(q), uint32(uid))
	})
	get("/v1/mail/outbox", func(r *http.Request) (any, error) { return mb.MailOutbox(r.Context()) })
	post("/v1/mail/allow", func(r *http.Request) (any, error) {
		var req struct{ Peer string }
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		return struct{}{}, mb.MailAllow(r.Context(), req.Peer)
	})
	get("/v1/mail/gateways", func(r *http.Request) (any, error) { return mb.MailGateways(r.Context()) })
	get("/v1/mail/status", func(r *http.Request) (any, error) { return mb.MailStatus(r.Context()) })
}

func folderOf(q url.Values) string {
	if f := q.Get("folder"); f != "" {
		return f
	}
	return "INBOX"
}

var _ MailBackend = (*Client)(nil)

// MailSend, MailList … call the mail endpoints (see doc.go).
func (c *Client) MailSend(ctx context.Context, req MailSendRequest) (o MailOutgoing, err error) {
	return o, c.do(ctx, "POST", "/v1/mail/send", req, &o)
}

func (c *Client) MailList(ctx context.Context, folder string) (l []MailMessage, err error) {
	return l, c.do(ctx, "GET", "/v1/mail/list?folder="+url.QueryEscape(folder), nil, &l)
}

func (c *Client) MailRead(ctx context.Context, folder string, uid uint32) (m MailMessage, err error) {
	return m, c.do(ctx, "GET", fmt.Sprintf("/v1/mail/read?folder=%s&uid=%d", url.QueryEscape(folder), uid), nil, &m)
}

func (c *Client) MailOutbox(ctx context.Context) (l []MailOutgoing, err error) {
	return l, c.do(ctx, "GET", "/v1/mail/outbox", nil, &l)
}

func (c *Client) MailAllow(ctx context.Context, peer string) error {
	return c.do(ctx, "POST", "/v1/mail/allow", map[string]any{"peer": peer}, nil)
}

func (c *Client) MailGateways(ctx context.Context) (g MailGateways, err error) {
	return g, c.do(ctx, "GET", "/v1/mail/gateways", nil, &g)
}

func (c *Client) MailStatus(ctx context.Context) (s MailStatus, err error) {
	return s, c.do(ctx, "GET", "/v1/mail/status", nil, &s)
}
