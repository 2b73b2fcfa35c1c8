package im

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/ethereum/go-ethereum/common"
)

// Send sends text to a wallet ("0x…") or a name. It returns once the
// first attempt came to something, with the message's Status:
// Delivered (the recipient's node has it), Sent (its mailbox has it),
// Pending (queued for retry; Err says why), or Failed with the
// recipient's refusal as the error.
func (s *Service) Send(ctx context.Context, to string, text string) (Message, error) {
	return s.SendID(ctx, to, MessageID{}, text)
}

// SendID is Send with the message's ID chosen by the caller (zero: a
// random one): sending an ID again does not send the message twice; it
// returns how far the first got, and tries a message not yet delivered
// again at once.
func (s *Service) SendID(ctx context.Context, to string, id MessageID, text string) (Message, error) {
	w, err := s.resolve(ctx, to)
	if err != nil {
		return Message{}, err
	}
	return s.sent(ctx, SendCmd{To: w, ID: id, Text: text})
}

// sent waits for a send (see wait) and returns the message as it
// stands: a refusal is the error, and a Pending message's Err says why
// it is queued.
func (s *Service) sent(ctx context.Context, cmd any) (Message, error) {
	res, notes, err := s.wait(ctx, cmd)
	m, _ := res.(Message)
	if notes == nil {
		return m, err
	}
	if cur, qerr := s.message(context.Background(), m.ID); qerr == nil {
		m = cur
	}
	for _, n := range notes {
		if n.Status == Pending && n.Err != nil && m.Status == Pending && err == nil {
			m.Err = n.Err.Error()
		}
	}
	return m, err
}

// Resend tries again at once a message this wallet sent 1:1 that is
// not yet Delivered (a Failed one too). The recipient suppresses a copy
// it already holds.
func (s *Service) Resend(ctx context.Context, id MessageID) (Message, error) {
	m, err := s.message(ctx, id)
	if err != nil {
		return m, err
	}
	if m.From != s.self || !m.Group.IsZero() {
		return m, fmt.Errorf("%w: only 1:1 messages this wallet sent are resent", ErrRefused)
	}
	return s.sent(ctx, SendCmd{To: m.To, ID: id})
}

func (s *Service) message(ctx context.Context, id MessageID) (Message, error) {
	m, err := query(s, ctx, func(c *Core) (Message, bool) { return c.Message(id) })
	if err != nil {
		return m, fmt.Errorf("message %s: %w", id, err)
	}
	return m, nil
}

// Edit replaces the text of a message this wallet sent to peer.
func (s *Service) Edit(ctx context.Context, peer common.Address, id MessageID, text string) (Message, error) {
	return run[Message](s, ctx, EditCmd{Peer: peer, ID: id, Text: text})
}

// React sets this wallet's reaction to a message of the conversation
// with peer; an empty reaction removes it.
func (s *Service) React(ctx context.Context, peer common.Address, id MessageID, reaction string) (Message, error) {
	return run[Message](s, ctx, ReactCmd{Peer: peer, ID: id, Reaction: reaction})
}

// MarkRead marks every message from peer read and sends the peer a read
// receipt.
func (s *Service) MarkRead(ctx context.Context, peer common.Address) error {
	return s.do(ctx, ReadCmd{Peer: peer})
}

// Fetch applies what this wallet's mailbox holds and has the mailbox
// delete it; it returns how many items it applied. Open calls it once,
// and it runs every FetchInterval.
func (s *Service) Fetch(ctx context.Context) (int, error) {
	_, notes, err := s.wait(ctx, FetchCmd{})
	return notes[fetchKey].N, err
}

// History returns the newest limit messages (0: all) of the 1:1
// conversation with peer, oldest first, ordered by the sender's clock.
func (s *Service) History(ctx context.Context, peer common.Address, limit int) ([]Message, error) {
	return query(s, ctx, func(c *Core) ([]Message, bool) {
		return c.history(func(m *Message) bool {
			return m.Group.IsZero() && (m.From == peer && m.To == c.self || m.From == c.self && m.To == peer)
		}, limit), true
	})
}

// query runs read on the core's goroutine; read's false is ErrNotFound.
func query[T any](s *Service, ctx context.Context, read func(*Core) (T, bool)) (T, error) {
	return run[T](s, ctx, func(c *Core) (any, error) {
		if v, ok := read(c); ok {
			return v, nil
		}
		return nil, ErrNotFound
	})
}

// Conversations lists the 1:1 conversations with allowed peers, newest
// first. Conversations with peers never allowed are in Requests.
func (s *Service) Conversations(ctx context.Context) ([]Conversation, error) {
	return query(s, ctx, func(c *Core) ([]Conversation, bool) { return c.conversations(Allowed), true })
}

// Requests lists the conversations started by wallets never allowed:
// their messages wait here until Allow (or Deny, Block).
func (s *Service) Requests(ctx context.Context) ([]Conversation, error) {
	return query(s, ctx, func(c *Core) ([]Conversation, bool) { return c.conversations(Unknown), true })
}

// Allow makes peer a contact: its requests become a conversation.
func (s *Service) Allow(ctx context.Context, peer common.Address) error {
	return s.do(ctx, ConsentCmd{Peer: peer, Consent: Allowed})
}

// Deny hides peer's messages (kept, no events) without telling it.
func (s *Service) Deny(ctx context.Context, peer common.Address) error {
	return s.do(ctx, ConsentCmd{Peer: peer, Consent: Denied})
}

// Block refuses peer's messages from now on with ErrBlocked.
func (s *Service) Block(ctx context.Context, peer common.Address) error {
	return s.do(ctx, ConsentCmd{Peer: peer, Consent: Blocked})
}

// ConsentOf returns what was decided about peer.
func (s *Service) ConsentOf(ctx context.Context, peer common.Address) (Consent, error) {
	return query(s, ctx, func(c *Core) (Consent, bool) { return cmp.Or(c.peers[peer], &corePeer{}).consent, true })
}

// CreateGroup creates a private group owned by this wallet with members
// invited, and sends each its key.
func (s *Service) CreateGroup(ctx context.Context, name string, members ...common.Address) (Group, error) {
	return run[Group](s, ctx, CreateGroupCmd{Name: name, Members: members})
}

// Invite adds a wallet to a group (admin or owner only) and rotates the key.
func (s *Service) Invite(ctx context.Context, id GroupID, w common.Address) (Group, error) {
	return run[Group](s, ctx, RosterCmd{Group: id, Op: "invite", Wallet: w})
}

// Remove takes a member out of a group and rotates the key, so it reads
// nothing sent afterwards. Admins remove members; the owner removes
// anyone but itself.
func (s *Service) Remove(ctx context.Context, id GroupID, w common.Address) (Group, error) {
	return run[Group](s, ctx, RosterCmd{Group: id, Op: "remove", Wallet: w})
}

// SetRole changes a member's role (owner only; the owner's own role is
// fixed) and rotates the key.
func (s *Service) SetRole(ctx context.Context, id GroupID, w common.Address, role Role) (Group, error) {
	return run[Group](s, ctx, RosterCmd{Group: id, Op: "role", Wallet: w, Role: role})
}

// Leave asks the group's owner to remove this wallet and stops reading
// the group here. The owner cannot leave.
func (s *Service) Leave(ctx context.Context, id GroupID) error {
	return s.do(ctx, LeaveGroupCmd{Group: id})
}

// AcceptGroup accepts an invitation from a wallet never allowed: the
// group's messages become ordinary events.
func (s *Service) AcceptGroup(ctx context.Context, id GroupID) error {
	return s.do(ctx, AcceptGroupCmd{Group: id})
}

// SendGroup posts text to a group: sealed once with the current key and
// fanned out to every other member. Status is Delivered once every
// member has it, Sent once the rest are in their mailboxes, Pending
// while some are queued for retry; a member's refusal is the error.
func (s *Service) SendGroup(ctx context.Context, id GroupID, text string) (Message, error) {
	return s.sent(ctx, SendGroupCmd{Group: id, Text: text})
}

// Groups lists the groups this wallet knows, including those it left.
func (s *Service) Groups(ctx context.Context) ([]Group, error) {
	return query(s, ctx, func(c *Core) ([]Group, bool) { return c.groupList(), true })
}

// GroupInfo returns one group.
func (s *Service) GroupInfo(ctx context.Context, id GroupID) (Group, error) {
	g, err := query(s, ctx, func(c *Core) (Group, bool) { return c.Group(id) })
	if err != nil {
		return g, fmt.Errorf("group %s: %w", id, err)
	}
	return g, nil
}

// GroupHistory returns the newest limit messages (0: all) of a group,
// oldest first.
func (s *Service) GroupHistory(ctx context.Context, id GroupID, limit int) ([]Message, error) {
	return query(s, ctx, func(c *Core) ([]Message, bool) {
		return c.history(func(m *Message) bool { return m.Group == id }, limit), true
	})
}

// CreateCommunity creates a public community hosted by this node.
func (s *Service) CreateCommunity(ctx context.Context, name string) (Community, error) {
	return run[Community](s, ctx, createCommunity{name: name})
}

// community finds a community this node hosts or joined.
func (s *Service) community(ctx context.Context, id CommunityID) (Community, error) {
	cs, err := s.Communities(ctx)
	if i := slices.IndexFunc(cs, func(c Community) bool { return c.ID == id }); i >= 0 {
		return cs[i], err
	}
	return Community{}, errors.Join(err, fmt.Errorf("community %s: %w", id, ErrNotFound))
}

// JoinCommunity joins community id hosted by host (a name or "0x…"
// wallet) and fetches its history.
func (s *Service) JoinCommunity(ctx context.Context, host string, id CommunityID) (Community, error) {
	h, err := s.resolve(ctx, host)
	if err != nil {
		return Community{}, err
	}
	if err := s.do(ctx, toHost{id: id, host: h, f: &cmodFrame{Community: id, ID: newMessageID(), Op: modJoin}}); err != nil {
		return Community{}, fmt.Errorf("im: join %s: %w", id, err)
	}
	if err := s.do(ctx, syncCmd{id: id, host: h}); err != nil {
		return Community{}, err
	}
	return s.community(ctx, id)
}

// LeaveCommunity leaves a joined community; its history stays here.
func (s *Service) LeaveCommunity(ctx context.Context, id CommunityID) error {
	if err := s.do(ctx, toHost{id: id, f: &cmodFrame{Community: id, ID: newMessageID(), Op: modLeave}}); err != nil {
		return fmt.Errorf("im: leave %s: %w", id, err)
	}
	return s.do(ctx, leftCmd{id: id})
}

// PostTo posts text to a community this wallet hosts or joined.
func (s *Service) PostTo(ctx context.Context, id CommunityID, text string) (Post, error) {
	if err := checkText(text, s.cfg.MaxText); err != nil {
		return Post{}, err
	}
	f := &cpostFrame{Community: id, ID: newMessageID(), Sent: s.node.Time().UnixMicro(), Text: text}
	p, err := run[Post](s, ctx, toHost{id: id, f: f})
	if err != nil {
		return Post{}, fmt.Errorf("im: post to %s: %w", id, err)
	}
	return p, nil
}

// Ban (owner only) bars a wallet from the community: it can no longer
// join, post or fetch.
func (s *Service) Ban(ctx context.Context, id CommunityID, w common.Address) error {
	return s.do(ctx, toHost{id: id, host: s.self, f: &cmodFrame{Community: id, Op: modBan, Target: w}})
}

// DeletePost deletes a post: the owner deletes any, an author its own.
func (s *Service) DeletePost(ctx context.Context, id CommunityID, post MessageID) error {
	return s.do(ctx, toHost{id: id, f: &cmodFrame{Community: id, ID: newMessageID(), Op: modDelete, Post: post}})
}

// CommunityHistory returns the newest limit posts (0: all), oldest
// first. A member first fetches what the host has that it lacks (if the
// host is reachable).
func (s *Service) CommunityHistory(ctx context.Context, id CommunityID, limit int) ([]Post, error) {
	c, err := s.community(ctx, id)
	if err != nil {
		return nil, err
	}
	if !c.Hosted {
		if err := s.do(ctx, syncCmd{id: id}); err != nil {
			s.log.Debug("community sync", "id", id, "err", err)
		}
	}
	return query(s, ctx, func(c *Core) ([]Post, bool) { return c.posts(id, limit), true })
}

// Communities lists the communities this node hosts or joined.
func (s *Service) Communities(ctx context.Context) ([]Community, error) {
	return query(s, ctx, func(c *Core) ([]Community, bool) { return c.communities(), true })
}

// SendFile offers the file at path to a wallet or name. The file must
// stay at path until the recipient has downloaded it.
func (s *Service) SendFile(ctx context.Context, to string, path string, typ AttachmentType) (Message, error) {
	if typ < File || typ > Video {
		typ = File
	}
	a, err := hashFile(path)
	if err != nil {
		return Message{}, err
	}
	a.Type = typ
	w, err := s.resolve(ctx, to)
	if err != nil {
		return Message{}, err
	}
	return s.sent(ctx, SendFileCmd{To: w, Attachment: a})
}

// Download fetches the attachment of a received message from its
// sender, resuming a partial download, and returns the path of the
// verified file. progress, if not nil, is called after each chunk with
// the bytes held and the total.
func (s *Service) Download(ctx context.Context, id MessageID, progress func(have, total int64)) (string, error) {
	m, err := s.message(ctx, id)
	if err != nil {
		return "", err
	}
	if m.Attachment == nil || m.From == s.self {
		return "", fmt.Errorf("message %s: no attachment to download: %w", id, ErrNotFound)
	}
	a := *m.Attachment
	if a.Path != "" {
		return a.Path, nil
	}
	if s.cfg.AttachmentDir == "" {
		return "", errors.New("im: no AttachmentDir (and no Dir) to download into")
	}
	if err := os.MkdirAll(s.cfg.AttachmentDir, 0o700); err != nil {
		return "", err
	}
	final := filepath.Join(s.cfg.AttachmentDir, hex.EncodeToString(a.SHA256[:8])+"-"+safeName(a.Name))
	part := final + ".part"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return "", fmt.Errorf("im: download: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return "", err
	}
	have := min(st.Size(), a.Size)
	if progress != nil {
		progress(have, a.Size)
	}
	s.files.parts.Store(id, &partFile{File: f, size: a.Size, progress: progress})
	if err = s.do(ctx, DownloadCmd{Msg: id, Have: have}); err != nil {
		s.do(context.Background(), cancelDownload{msg: id}) // no more bytes into f
	}
	s.files.parts.Delete(id)
	err = errors.Join(err, f.Sync(), f.Close())
	if err != nil {
		return "", err
	}
	if err := verifyFile(part, a.SHA256); err != nil {
		os.Remove(part)
		return "", err
	}
	if err := os.Rename(part, final); err != nil {
		return "", fmt.Errorf("im: download: %w", err)
	}
	return final, s.do(ctx, setPathCmd{msg: id, path: final})
}
