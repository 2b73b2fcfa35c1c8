package mail

import (
	"bufio"
	"bytes"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"fmt"
	"io"
	"math"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/backend"
	"github.com/emersion/go-imap/backend/backendutil"
	"github.com/emersion/go-imap/server"
	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// imapUser is what every IMAP login's name begins with ("anynet.N"):
// the node has one mail store, its owner's, whatever name a client
// gives.
const imapUser = "anynet"

// IMAPServer is the reading gateway: an IMAP4rev1 server
// (github.com/emersion/go-imap v1, with IDLE, MOVE, UNSELECT) serving
// the node's folders to the local user (LOGIN with the gateway
// password, any user name). New mail reaches clients in IDLE at once.
// It offers STARTTLS with the gateway certificate (tls.go). Serve it on
// loopback and Close it when done:
//
//	ln, _ := net.Listen("tcp", "127.0.0.1:1143")
//	srv := svc.IMAPServer()
//	go srv.Serve(ln)
func (s *Service) IMAPServer() *server.Server {
	be := &imapBackend{s: s, updates: make(chan backend.Update, 64), logins: map[string]bool{}}
	srv := server.New(be)
	srv.AllowInsecureAuth = !s.requireTLS // loopback only, as the control socket
	// go-imap v1 reads a literal whole into memory before the command
	// runs (imap.Reader.ReadLiteral): APPEND cannot be streamed, so no
	// literal over the largest message is read at all.
	srv.MaxLiteralSize = uint32(min(s.core.cfg.MaxSize, math.MaxUint32))
	if cfg, err := s.TLSConfig(); err == nil {
		srv.TLSConfig = cfg
	} else {
		s.log.Warn("mail: IMAP gateway without STARTTLS", "err", err)
	}
	// Add before Close waits, or not at all: a gateway started while
	// the service closes (ServeIMAP on a goroutine) follows nothing.
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.follows.Add(1)
	}
	s.mu.Unlock()
	if !closed {
		ch, cancel := s.Subscribe()
		go func() {
			defer s.follows.Done()
			be.follow(ch, cancel)
		}()
	}
	return srv
}

// ServeIMAP serves the reading gateway on ln until ln closes.
func (s *Service) ServeIMAP(ln net.Listener) error { return s.IMAPServer().Serve(ln) }

// ServeIMAPTLS serves the reading gateway with TLS from the first byte
// (imaps, port 993's way) on ln until ln closes.
func (s *Service) ServeIMAPTLS(ln net.Listener) error {
	cfg, err := s.TLSConfig()
	if err != nil {
		ln.Close()
		return err
	}
	return s.IMAPServer().Serve(tls.NewListener(ln, cfg))
}

// imapBackend serves one node's store. Every login is a user of its
// own ("anynet.N"), so that an update meant for all the clients of a
// folder can be addressed to each: go-imap v1 gives an EXPUNGE's or a
// FETCH's number to only one of the connections an update matches, so
// one update per login keeps every device's view in step.
type imapBackend struct {
	s       *Service
	updates chan backend.Update

	mu     sync.Mutex
	logins map[string]bool
	next   int
}

// users lists the live logins.
func (b *imapBackend) users() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, 0, len(b.logins))
	for u := range b.logins {
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

var (
	_ backend.Backend        = (*imapBackend)(nil)
	_ backend.BackendUpdater = (*imapBackend)(nil)
)

func (b *imapBackend) Updates() <-chan backend.Update { return b.updates }

// follow turns the service's events into IMAP updates (EXISTS for a
// selected folder that grew, so IDLE sees new mail) until the service
// closes.
func (b *imapBackend) follow(ch <-chan Event, cancel func()) {
	defer cancel()
	for e := range ch {
		if e.Kind != EventNew {
			continue
		}
		mb := &imapMailbox{s: b.s, name: e.Folder}
		st, err := mb.Status([]imap.StatusItem{imap.StatusMessages, imap.StatusUidNext})
		if err != nil {
			continue
		}
		// EXISTS is written whole to every client of the folder: one
		// update for all logins ("").
		u := &backend.MailboxUpdate{Update: backend.NewUpdate("", e.Folder), MailboxStatus: st}
		done := u.Done() // made here: Done makes its channel on first call, unguarded
		select {
		case b.updates <- u:
		case <-time.After(time.Second):
			continue // no server reads updates (not served yet, or closed)
		}
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	}
}

func (b *imapBackend) Login(_ *imap.ConnInfo, username, password string) (backend.User, error) {
	want, err := b.s.Password()
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(password), []byte(want)) != 1 {
		return nil, backend.ErrInvalidCredentials
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	name := fmt.Sprintf("%s.%d", imapUser, b.next)
	b.logins[name] = true
	return &imapUserT{s: b.s, be: b, name: name}, nil
}

type imapUserT struct {
	s    *Service
	be   *imapBackend
	name string // this login's
}

var _ backend.User = (*imapUserT)(nil)

func (u *imapUserT) Username() string { return u.name }

func (u *imapUserT) ListMailboxes(bool) ([]backend.Mailbox, error) {
	var out []backend.Mailbox
	for _, f := range Folders() {
		out = append(out, &imapMailbox{s: u.s, be: u.be, name: f})
	}
	return out, nil
}

func (u *imapUserT) GetMailbox(name string) (backend.Mailbox, error) {
	for _, f := range Folders() {
		if f == name || (f == Inbox && imapEqualFold(name, Inbox)) {
			return &imapMailbox{s: u.s, be: u.be, name: f}, nil
		}
	}
	return nil, backend.ErrNoSuchMailbox
}

func imapEqualFold(a, b string) bool { return bytes.EqualFold([]byte(a), []byte(b)) }

func (u *imapUserT) CreateMailbox(string) error {
	return fmt.Errorf("%w: folders are fixed (%v)", ErrRefused, Folders())
}
func (u *imapUserT) DeleteMailbox(string) error {
	return fmt.Errorf("%w: folders are fixed", ErrRefused)
}
func (u *imapUserT) RenameMailbox(string, string) error {
	return fmt.Errorf("%w: folders are fixed", ErrRefused)
}
func (u *imapUserT) Logout() error {
	u.be.mu.Lock()
	defer u.be.mu.Unlock()
	delete(u.be.logins, u.name)
	return nil
}

type imapMailbox struct {
	s    *Service
	be   *imapBackend // nil in follow's status reads
	name string
}

var _ backend.MoveMailbox = (*imapMailbox)(nil)

func (m *imapMailbox) Name() string { return m.name }

func (m *imapMailbox) Info() (*imap.MailboxInfo, error) {
	info := &imap.MailboxInfo{Delimiter: "/", Name: m.name}
	switch m.name {
	case Sent:
		info.Attributes = []string{imap.SentAttr}
	case Drafts:
		info.Attributes = []string{imap.DraftsAttr}
	case Trash:
		info.Attributes = []string{imap.TrashAttr}
	}
	return info, nil
}

func (m *imapMailbox) list() ([]Stored, error) { return Messages(m.s.st, m.name) }

func (m *imapMailbox) Status(items []imap.StatusItem) (*imap.MailboxStatus, error) {
	ms, err := m.list()
	if err != nil {
		return nil, err
	}
	st := imap.NewMailboxStatus(m.name, items)
	st.Flags = []string{imap.SeenFlag, imap.AnsweredFlag, imap.FlaggedFlag, imap.DeletedFlag, imap.DraftFlag}
	st.PermanentFlags = []string{`\*`, imap.SeenFlag, imap.AnsweredFlag, imap.FlaggedFlag, imap.DeletedFlag, imap.DraftFlag}
	for _, it := range items {
		switch it {
		case imap.StatusMessages:
			st.Messages = uint32(len(ms))
		case imap.StatusUidNext:
			st.UidNext = 1
			if len(ms) > 0 {
				st.UidNext = ms[len(ms)-1].UID + 1
			}
			if v, err := m.s.st.Get(append([]byte("n"), folderKey(m.name)...)); err == nil && len(v) == 4 {
				st.UidNext = uint32(v[0])<<24 | uint32(v[1])<<16 | uint32(v[2])<<8 | uint32(v[3])
			}
		case imap.StatusUidValidity:
			st.UidValidity = 1
		case imap.StatusRecent:
			st.Recent = 0
		case imap.StatusUnseen:
			st.Unseen = 0
			for i, x := range ms {
				if !slices.Contains(x.Flags, imap.SeenFlag) {
					if st.UnseenSeqNum == 0 {
						st.UnseenSeqNum = uint32(i + 1)
					}
					st.Unseen++
				}
			}
		}
	}
	return st, nil
}

func (m *imapMailbox) SetSubscribed(bool) error { return nil }
func (m *imapMailbox) Check() error             { return nil }

// selected lists the messages seqset names, with their sequence numbers.
func (m *imapMailbox) selected(uid bool, seqset *imap.SeqSet) ([]Stored, []uint32, error) {
	ms, err := m.list()
	if err != nil {
		return nil, nil, err
	}
	var out []Stored
	var seqs []uint32
	for i, x := range ms {
		seq := uint32(i + 1)
		id := seq
		if uid {
			id = x.UID
		}
		if seqset.Contains(id) {
			out = append(out, x)
			seqs = append(seqs, seq)
		}
	}
	return out, seqs, nil
}

func (m *imapMailbox) ListMessages(uid bool, seqset *imap.SeqSet, items []imap.FetchItem, ch chan<- *imap.Message) error {
	defer close(ch)
	ms, seqs, err := m.selected(uid, seqset)
	if err != nil {
		return err
	}
	for i, x := range ms {
		msg, err := m.fetch(x, seqs[i], items)
		if err != nil {
			continue
		}
		ch <- msg
	}
	return nil
}

func (m *imapMailbox) fetch(x Stored, seq uint32, items []imap.FetchItem) (*imap.Message, error) {
	// Each item reads the message again from the store, a chunk at a
	// time: a large one is never held whole.
	read := func() (textproto.Header, io.Reader, error) {
		body, _, err := BodyReader(m.s.st, m.name, x.UID)
		if err != nil {
			return textproto.Header{}, nil, err
		}
		r := bufio.NewReader(body)
		h, err := textproto.ReadHeader(r)
		return h, r, err
	}
	out := imap.NewMessage(seq, items)
	for _, item := range items {
		switch item {
		case imap.FetchEnvelope:
			h, _, err := read()
			if err != nil {
				return nil, err
			}
			out.Envelope, _ = backendutil.FetchEnvelope(h)
		case imap.FetchBody, imap.FetchBodyStructure:
			h, r, err := read()
			if err != nil {
				return nil, err
			}
			out.BodyStructure, _ = backendutil.FetchBodyStructure(h, r, item == imap.FetchBodyStructure)
		case imap.FetchFlags:
			out.Flags = x.Flags
		case imap.FetchInternalDate:
			out.InternalDate = x.Date
		case imap.FetchRFC822Size:
			out.Size = uint32(x.Size)
		case imap.FetchUid:
			out.Uid = x.UID
		default:
			section, err := imap.ParseBodySectionName(item)
			if err != nil {
				break
			}
			var l imap.Literal
			if whole(section) {
				// BODY[] and RFC822: the stored bytes as they are,
				// streamed from the store to the client.
				body, size, err := BodyReader(m.s.st, m.name, x.UID)
				if err != nil {
					return nil, err
				}
				l = streamLiteral{body, size}
			} else {
				h, r, err := read()
				if err != nil {
					return nil, err
				}
				l, _ = backendutil.FetchBodySection(h, r, section)
			}
			out.Body[section] = l
			if !section.Peek && !slices.Contains(x.Flags, imap.SeenFlag) {
				m.s.Do(context.Background(), FlagsCmd{Folder: m.name, UIDs: []uint32{x.UID}, Op: "add", Flags: []string{imap.SeenFlag}})
			}
		}
	}
	return out, nil
}

// whole reports whether section is the whole message, unabridged.
func whole(s *imap.BodySectionName) bool {
	return s.Specifier == imap.EntireSpecifier && len(s.Path) == 0 && len(s.Partial) == 0 && s.Fields == nil
}

// streamLiteral is a literal read from the store as the server writes
// it (go-imap v1 copies a Literal to the connection).
type streamLiteral struct {
	io.Reader
	n int
}

func (l streamLiteral) Len() int { return l.n }

func (m *imapMailbox) SearchMessages(uid bool, c *imap.SearchCriteria) ([]uint32, error) {
	ms, err := m.list()
	if err != nil {
		return nil, err
	}
	var out []uint32
	for i, x := range ms {
		b, _, err := BodyReader(m.s.st, m.name, x.UID)
		if err != nil {
			continue
		}
		e, _ := message.Read(b) // an unknown charset still matches on the rest
		if e == nil {
			continue
		}
		ok, err := backendutil.Match(e, uint32(i+1), x.UID, x.Date, x.Flags, c)
		if err != nil || !ok {
			continue
		}
		if uid {
			out = append(out, x.UID)
		} else {
			out = append(out, uint32(i+1))
		}
	}
	return out, nil
}

func (m *imapMailbox) CreateMessage(flags []string, _ time.Time, body imap.Literal) error {
	var b []byte
	if bb, ok := body.(interface{ Bytes() []byte }); ok {
		b = bb.Bytes() // go-imap read it whole already: no second copy
	} else {
		var err error
		if b, err = io.ReadAll(body); err != nil {
			return err
		}
	}
	_, err := m.s.Do(context.Background(), AppendCmd{Folder: m.name, Flags: flags, Data: b})
	return err
}

// UpdateMessagesFlags sets the flags and tells the clients that
// selected the folder (the untagged FETCH of STORE; not to the
// connection that asked .SILENT).
//
// go-imap v1's server sets a connection's silent flag before it calls
// this and clears it after, and reads it, without a lock, when it writes
// an update. So the updates are sent from here and waited for (Done):
// the flag's write comes before the send, the server's read before Done,
// and the clearing after this returns. (Updates that another goroutine
// sends while a STORE runs, such as EXISTS for new mail, still race with
// it inside go-imap; that needs go-imap changed. So does this: go-imap
// hands one FETCH response to every connection that selected the
// folder, and the first to write it empties it, so with several
// connections on the folder only one hears the new flags.)
func (m *imapMailbox) UpdateMessagesFlags(uid bool, seqset *imap.SeqSet, op imap.FlagsOp, flags []string) error {
	ms, seqs, err := m.selected(uid, seqset)
	if err != nil {
		return err
	}
	var uids []uint32
	for _, x := range ms {
		uids = append(uids, x.UID)
	}
	o := map[imap.FlagsOp]string{imap.SetFlags: "set", imap.AddFlags: "add", imap.RemoveFlags: "remove"}[op]
	if _, err = m.s.Do(context.Background(), FlagsCmd{Folder: m.name, UIDs: uids, Op: o, Flags: flags}); err != nil {
		return err
	}
	for i, x := range ms {
		now, err := m.s.core.stored(m.name, x.UID) // reads the store only
		if err != nil {
			continue // expunged meanwhile
		}
		ok := m.sendWait(func(user string) backend.Update {
			msg := imap.NewMessage(seqs[i], []imap.FetchItem{imap.FetchFlags, imap.FetchUid})
			msg.Flags, msg.Uid = now.Flags, now.UID
			return &backend.MessageUpdate{Update: backend.NewUpdate(user, m.name), Message: msg}
		})
		if !ok {
			break
		}
	}
	return nil
}

// sendWait hands the server the update mk makes for each login, and
// waits until they were written to the clients that selected the
// folder.
func (m *imapMailbox) sendWait(mk func(user string) backend.Update) bool {
	if m.be == nil {
		return false
	}
	var dones []<-chan struct{}
	for _, user := range m.be.users() {
		u := mk(user)
		dones = append(dones, u.Done()) // made here: Done makes its channel on first call, unguarded
		if !m.put(u) {
			return false
		}
	}
	for _, done := range dones {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			return false
		}
	}
	return true
}

func (m *imapMailbox) put(u backend.Update) bool {
	select {
	case m.be.updates <- u:
		return true
	case <-time.After(time.Second):
		return false
	}
}

func (m *imapMailbox) CopyMessages(uid bool, seqset *imap.SeqSet, dest string) error {
	return m.copy(uid, seqset, dest, false)
}

func (m *imapMailbox) MoveMessages(uid bool, seqset *imap.SeqSet, dest string) error {
	return m.copy(uid, seqset, dest, true)
}

func (m *imapMailbox) copy(uid bool, seqset *imap.SeqSet, dest string, move bool) error {
	if !isFolder(dest) {
		return backend.ErrNoSuchMailbox
	}
	ms, seqs, err := m.selected(uid, seqset)
	if err != nil {
		return err
	}
	var uids []uint32
	for _, x := range ms {
		uids = append(uids, x.UID)
	}
	if _, err = m.s.Do(context.Background(), CopyCmd{Folder: m.name, Dest: dest, UIDs: uids, Move: move}); err != nil {
		return err
	}
	if move {
		m.expunged(seqs)
	}
	return nil
}

func (m *imapMailbox) Expunge() error {
	ms, err := m.list()
	if err != nil {
		return err
	}
	var seqs []uint32
	for i, x := range ms {
		if slices.Contains(x.Flags, imap.DeletedFlag) {
			seqs = append(seqs, uint32(i+1))
		}
	}
	if _, err := m.s.Do(context.Background(), ExpungeCmd{Folder: m.name}); err != nil {
		return err
	}
	m.expunged(seqs)
	return nil
}

// expunged tells the clients that selected the folder (the server
// leaves EXPUNGE to a backend with updates): the highest first, so that
// no number shifts under the next, and before the command's tagged OK.
func (m *imapMailbox) expunged(seqs []uint32) {
	for i := len(seqs) - 1; i >= 0; i-- {
		seq := seqs[i]
		if !m.sendWait(func(user string) backend.Update {
			return &backend.ExpungeUpdate{Update: backend.NewUpdate(user, m.name), SeqNum: seq}
		}) {
			return
		}
	}
}
