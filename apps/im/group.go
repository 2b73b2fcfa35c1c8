package im

// Private groups. The owner (creator) or an admin changes the roster;
// every change starts a new epoch with a fresh random 32-byte key, and
// the new state (epoch, key, roster, name) travels to each remaining
// member in a GROUPKEY frame over the 1:1 path (direct, or sealed in its
// mailbox). A removed member gets a GROUPKEY with a zero key and a
// roster without it, and no key of the new epoch: it cannot open what
// is sent after. A GROUP frame is one message sealed with the key of
// its epoch (XChaCha20-Poly1305, additional data: group, epoch, message
// ID, sender wallet) and fanned out to every other member the same way.

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/chacha20poly1305"
)

// kindLeave is a group message kind: the sender asks to be removed.
const kindLeave byte = 4

// Group is a private group as this node knows it.
type Group struct {
	ID    GroupID
	Name  string
	Epoch uint32
	// Members maps each member to its role at Epoch.
	Members map[common.Address]Role
	// Me is this wallet's role; zero once removed.
	Me Role
	// Request is set for a group this wallet was invited to by a wallet
	// it never allowed: its messages arrive as EventRequest until
	// AcceptGroup.
	Request bool
}

// groupState is what the store keeps of a group.
type groupState struct {
	ID      GroupID
	Name    string
	Epoch   uint32
	Members []groupMember
	// Keys holds every epoch key this wallet received, so messages in
	// flight across a rotation still open.
	Keys map[uint32][32]byte
	// Request: invited by a wallet not allowed, not accepted yet.
	Request bool `json:",omitempty"`
}

func (g *groupState) role(w common.Address) Role {
	for _, m := range g.Members {
		if m.Wallet == w {
			return m.Role
		}
	}
	return 0
}

func (g *groupState) public(self common.Address) Group {
	out := Group{ID: g.ID, Name: g.Name, Epoch: g.Epoch, Members: make(map[common.Address]Role, len(g.Members)), Me: g.role(self), Request: g.Request}
	for _, m := range g.Members {
		out.Members[m.Wallet] = m.Role
	}
	return out
}

func (s *Service) loadGroup(id GroupID) (*groupState, error) {
	var g groupState
	if err := s.st.getJSON(key([]byte("g"), id[:]), &g); err != nil {
		return nil, fmt.Errorf("group %s: %w", id, err)
	}
	return &g, nil
}

func (s *Service) saveGroup(g *groupState) error {
	b := s.st.db.NewBatch()
	defer b.Close()
	if err := s.st.putJSON(b, key([]byte("g"), g.ID[:]), g); err != nil {
		return err
	}
	return b.Commit(pebble.Sync)
}

// CreateGroup creates a private group owned by this wallet with members
// invited, and sends each its key. Members that could not be reached
// directly or through a mailbox are named in the error; the group
// exists anyway.
func (s *Service) CreateGroup(ctx context.Context, name string, members ...common.Address) (Group, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Group{}, err
	}
	defer done()
	if len(name) > maxGroupName || len(members)+1 > maxGroupMembers {
		return Group{}, fmt.Errorf("%w: group name or roster over the limit", ErrTooLarge)
	}
	var id GroupID
	rand.Read(id[:])
	g := &groupState{ID: id, Name: name, Members: []groupMember{{Wallet: s.self, Role: RoleOwner}}, Keys: map[uint32][32]byte{}}
	for _, w := range members {
		if w != s.self && g.role(w) == 0 {
			g.Members = append(g.Members, groupMember{Wallet: w, Role: RoleMember})
		}
	}
	return s.rotate(ctx, g, nil)
}

// Invite adds a wallet to a group (admin or owner only) and rotates the key.
func (s *Service) Invite(ctx context.Context, id GroupID, w common.Address) (Group, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Group{}, err
	}
	defer done()
	return s.change(ctx, id, RoleAdmin, func(g *groupState) ([]common.Address, error) {
		if g.role(w) != 0 {
			return nil, nil
		}
		if len(g.Members) >= maxGroupMembers {
			return nil, fmt.Errorf("%w: group full", ErrTooLarge)
		}
		g.Members = append(g.Members, groupMember{Wallet: w, Role: RoleMember})
		return nil, nil
	})
}

// Remove takes a member out of a group and rotates the key, so it reads
// nothing sent afterwards. Admins remove members; the owner removes
// anyone but itself.
func (s *Service) Remove(ctx context.Context, id GroupID, w common.Address) (Group, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Group{}, err
	}
	defer done()
	return s.change(ctx, id, RoleAdmin, func(g *groupState) ([]common.Address, error) {
		r := g.role(w)
		switch {
		case r == 0:
			return nil, fmt.Errorf("%s: %w", w, ErrNotMember)
		case r == RoleOwner:
			return nil, fmt.Errorf("%w: the owner cannot be removed", ErrRefused)
		case r == RoleAdmin && g.role(s.self) != RoleOwner:
			return nil, fmt.Errorf("%w: only the owner removes an admin", ErrNotMember)
		}
		g.Members = without(g.Members, w)
		return []common.Address{w}, nil
	})
}

// SetRole changes a member's role (owner only; the owner's own role is
// fixed) and rotates the key.
func (s *Service) SetRole(ctx context.Context, id GroupID, w common.Address, role Role) (Group, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Group{}, err
	}
	defer done()
	if role != RoleMember && role != RoleAdmin {
		return Group{}, fmt.Errorf("%w: role %v cannot be given", ErrRefused, role)
	}
	return s.change(ctx, id, RoleOwner, func(g *groupState) ([]common.Address, error) {
		for i := range g.Members {
			if g.Members[i].Wallet == w && g.Members[i].Role != RoleOwner {
				g.Members[i].Role = role
				return nil, nil
			}
		}
		return nil, fmt.Errorf("%s: %w", w, ErrNotMember)
	})
}

// Leave asks the group's owner to remove this wallet and stops reading
// the group here. The owner cannot leave.
func (s *Service) Leave(ctx context.Context, id GroupID) error {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer done()
	s.st.mu.Lock()
	g, err := s.loadGroup(id)
	s.st.mu.Unlock()
	if err != nil {
		return err
	}
	switch g.role(s.self) {
	case 0:
		return fmt.Errorf("group %s: %w", id, ErrNotMember)
	case RoleOwner:
		return fmt.Errorf("%w: the owner cannot leave its group", ErrRefused)
	}
	var owner common.Address
	for _, m := range g.Members {
		if m.Role == RoleOwner {
			owner = m.Wallet
		}
	}
	gf, err := s.sealGroup(g, msgFrame{ID: newMessageID(), Sent: s.nextSent().UnixMicro(), Kind: kindLeave})
	if err != nil {
		return err
	}
	if _, err := s.deliver(ctx, owner, gf.ID, gf); err != nil {
		return fmt.Errorf("im: leave: %w", err)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	g.Members = without(g.Members, s.self)
	return s.saveGroup(g)
}

func without(ms []groupMember, w common.Address) []groupMember {
	out := ms[:0:0]
	for _, m := range ms {
		if m.Wallet != w {
			out = append(out, m)
		}
	}
	return out
}

// change applies fn to a group this wallet administers (at least need),
// then rotates the key; fn returns the wallets removed.
func (s *Service) change(ctx context.Context, id GroupID, need Role, fn func(*groupState) ([]common.Address, error)) (Group, error) {
	s.st.mu.Lock()
	g, err := s.loadGroup(id)
	if err == nil && g.role(s.self) < need {
		err = fmt.Errorf("group %s: %w", id, ErrNotMember)
	}
	var removed []common.Address
	if err == nil {
		removed, err = fn(g)
	}
	s.st.mu.Unlock()
	if err != nil {
		return Group{}, err
	}
	return s.rotate(ctx, g, removed)
}

// rotate starts the next epoch of g with a fresh key, stores it, and
// sends it to every member (and the removal notice to removed).
func (s *Service) rotate(ctx context.Context, g *groupState, removed []common.Address) (Group, error) {
	var k [32]byte
	rand.Read(k[:])
	s.st.mu.Lock()
	g.Epoch++
	g.Keys[g.Epoch] = k
	err := s.saveGroup(g)
	s.st.mu.Unlock()
	if err != nil {
		return Group{}, err
	}
	pub := g.public(s.self)
	s.emit(Event{Kind: EventGroup, Group: g.ID})
	var to []common.Address
	for _, m := range g.Members {
		if m.Wallet != s.self {
			to = append(to, m.Wallet)
		}
	}
	frameFor := func(w common.Address) frame {
		f := groupKeyFrame{ID: newMessageID(), Group: g.ID, Epoch: g.Epoch, Key: k, Members: g.Members, Name: g.Name}
		for _, r := range removed {
			if r == w {
				f.Key = [32]byte{}
			}
		}
		return f
	}
	_, err = s.fanout(ctx, append(to, removed...), frameFor)
	return pub, err
}

// fanout delivers a frame to each wallet concurrently; it returns the
// lowest status reached and the failures joined.
func (s *Service) fanout(ctx context.Context, to []common.Address, frameFor func(common.Address) frame) (Status, error) {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		st   = Delivered
	)
	for _, w := range to {
		f := frameFor(w)
		if s.groupTap != nil {
			s.groupTap(w, f)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := s.deliver(ctx, w, frameID(f), f)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", w, err))
				return
			}
			st = min(st, got)
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return Failed, errors.Join(errs...)
	}
	return st, nil
}

func frameID(f frame) MessageID {
	switch f := f.(type) {
	case groupFrame:
		return f.ID
	case groupKeyFrame:
		return f.ID
	case msgFrame:
		return f.ID
	}
	return MessageID{}
}

// groupAD is the additional data of a group message.
func groupAD(g GroupID, epoch uint32, id MessageID, from common.Address) []byte {
	ad := append(g[:], binary.BigEndian.AppendUint32(nil, epoch)...)
	ad = append(ad, id[:]...)
	return append(ad, from[:]...)
}

// sealGroup seals inner with g's current key.
func (s *Service) sealGroup(g *groupState, inner msgFrame) (groupFrame, error) {
	k, ok := g.Keys[g.Epoch]
	if !ok {
		return groupFrame{}, fmt.Errorf("group %s epoch %d: %w", g.ID, g.Epoch, ErrNoKey)
	}
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		return groupFrame{}, err
	}
	f := groupFrame{Group: g.ID, Epoch: g.Epoch, ID: inner.ID}
	rand.Read(f.Nonce[:])
	f.Sealed = aead.Seal(nil, f.Nonce[:], marshalInner(inner), groupAD(g.ID, g.Epoch, inner.ID, s.self))
	return f, nil
}

// SendGroup posts text to a group: sealed once with the current key and
// fanned out to every other member. Status is Delivered if every member
// has it, Sent if some have it in their mailbox; Failed names the
// members it did not reach.
func (s *Service) SendGroup(ctx context.Context, id GroupID, text string) (Message, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Message{}, err
	}
	defer done()
	if err := s.checkText(text); err != nil {
		return Message{}, err
	}
	s.st.mu.Lock()
	g, err := s.loadGroup(id)
	if err == nil && g.role(s.self) == 0 {
		err = fmt.Errorf("group %s: %w", id, ErrNotMember)
	}
	m := Message{ID: newMessageID(), From: s.self, Group: id, Text: text, Sent: s.nextSent(), Received: time.Now()}
	if err == nil {
		err = s.st.putMessage(&m, common.Address{}, nil)
	}
	s.st.mu.Unlock()
	if err != nil {
		return m, err
	}
	gf, err := s.sealGroup(g, msgFrame{ID: m.ID, Sent: m.Sent.UnixMicro(), Kind: kindText, Text: text})
	if err != nil {
		return m, err
	}
	var to []common.Address
	for _, mb := range g.Members {
		if mb.Wallet != s.self {
			to = append(to, mb.Wallet)
		}
	}
	st, ferr := s.fanout(ctx, to, func(common.Address) frame { return gf })
	return s.settle(m.ID, st, ferr)
}

// Groups lists the groups this wallet knows, including those it left.
func (s *Service) Groups(ctx context.Context) ([]Group, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	var out []Group
	err = s.st.scan([]byte("g"), false, func(_, v []byte) (bool, error) {
		var g groupState
		if err := json.Unmarshal(v, &g); err != nil {
			return false, err
		}
		out = append(out, g.public(s.self))
		return true, nil
	})
	return out, err
}

// GroupInfo returns one group.
func (s *Service) GroupInfo(ctx context.Context, id GroupID) (Group, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return Group{}, err
	}
	defer done()
	g, err := s.loadGroup(id)
	if err != nil {
		return Group{}, err
	}
	return g.public(s.self), nil
}

// AcceptGroup accepts an invitation from a wallet never allowed: the
// group's messages become ordinary events, and the inviter is allowed.
func (s *Service) AcceptGroup(ctx context.Context, id GroupID) error {
	_, done, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer done()
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	g, err := s.loadGroup(id)
	if err != nil || !g.Request {
		return err
	}
	g.Request = false
	return s.saveGroup(g)
}

// GroupHistory returns the newest limit messages (0: all) of a group,
// oldest first.
func (s *Service) GroupHistory(ctx context.Context, id GroupID, limit int) ([]Message, error) {
	ctx, done, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return s.st.history(key([]byte("M"), id[:]), limit)
}
