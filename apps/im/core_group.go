package im

// Private groups. The owner (creator) or an admin changes the roster;
// every change starts a new epoch with a fresh random 32-byte key, and
// the new state (epoch, key, roster, name) travels to each remaining
// member in a GROUPKEY frame, an op like any other (direct, or sealed in
// its mailbox). A removed member gets a GROUPKEY with a zero key and a
// roster without it, and no key of the new epoch: it cannot open what
// is sent after. A GROUP frame is one message sealed with the key of
// its epoch (XChaCha20-Poly1305, additional data: group, epoch, message
// ID, sender wallet) and fanned out to every other member the same way.

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/anynet/anynet/apps/service"
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
	// Was holds the roster of every epoch held, so a message a member
	// sealed before its removal still opens.
	Was map[uint32][]common.Address `json:",omitempty"`
}

// record notes the roster of g's epoch.
func (g *groupState) record() {
	ws := make([]common.Address, len(g.Members))
	for i, m := range g.Members {
		ws[i] = m.Wallet
	}
	if g.Was == nil {
		g.Was = make(map[uint32][]common.Address)
	}
	g.Was[g.Epoch] = ws
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

func (g *groupState) owner() common.Address {
	for _, m := range g.Members {
		if m.Role == RoleOwner {
			return m.Wallet
		}
	}
	return common.Address{}
}

// Group commands; each answers with the Group (SendGroupCmd: the
// Message).
type (
	// CreateGroupCmd creates a group owned by this wallet.
	CreateGroupCmd struct {
		Name    string
		Members []common.Address
	}
	// RosterCmd changes a group's roster (admin or owner) and rotates
	// its key: Op is "invite", "remove" or "role" (Role for Wallet).
	RosterCmd struct {
		Group  GroupID
		Op     string
		Wallet common.Address
		Role   Role
	}
	// SendGroupCmd posts Text to a group.
	SendGroupCmd struct {
		Group GroupID
		Text  string
	}
	// LeaveGroupCmd asks the owner to remove this wallet.
	LeaveGroupCmd struct{ Group GroupID }
	// AcceptGroupCmd accepts an invitation from a wallet never allowed.
	AcceptGroupCmd struct{ Group GroupID }
)

func (c *Core) groupCommand(now time.Time, cmd any, out *service.Effects) bool {
	switch cmd := cmd.(type) {
	case CreateGroupCmd:
		if len(cmd.Name) > maxGroupName || len(cmd.Members)+1 > maxGroupMembers {
			out.Err = fmt.Errorf("%w: group name or roster over the limit", ErrTooLarge)
			return true
		}
		g := &groupState{ID: GroupID(c.newID()), Name: cmd.Name, Members: []groupMember{{Wallet: c.self, Role: RoleOwner}}, Keys: map[uint32][32]byte{}}
		for _, w := range cmd.Members {
			if w != c.self && g.role(w) == 0 {
				g.Members = append(g.Members, groupMember{Wallet: w, Role: RoleMember})
			}
		}
		out.Result = c.rotate(now, g, nil, out)
	case RosterCmd:
		out.Result, out.Err = c.roster(now, cmd, out)
	case SendGroupCmd:
		out.Result, out.Err = c.sendGroup(now, cmd, out)
	case LeaveGroupCmd:
		out.Result, out.Err = c.leaveGroup(now, cmd.Group, out)
	case AcceptGroupCmd:
		g := c.groups[cmd.Group]
		if g == nil {
			out.Err = fmt.Errorf("group %s: %w", cmd.Group, ErrNotFound)
			return true
		}
		g.Request = false
		c.saveGroup(g, out)
		out.Result = g.public(c.self)
	default:
		return false
	}
	return true
}

func (c *Core) saveGroup(g *groupState, out *service.Effects) {
	c.groups[g.ID] = g
	c.putJSON(skey("g", g.ID[:]), g, out)
}

// roster applies a roster change by this wallet and rotates the key.
// It checks everything before it changes g.
func (c *Core) roster(now time.Time, cmd RosterCmd, out *service.Effects) (Group, error) {
	g := c.groups[cmd.Group]
	need := RoleAdmin
	if cmd.Op == "role" {
		need = RoleOwner
	}
	if g == nil || g.role(c.self) < need {
		return Group{}, fmt.Errorf("group %s: %w", cmd.Group, ErrNotMember)
	}
	var removed []common.Address
	w := cmd.Wallet
	switch r := g.role(w); cmd.Op {
	case "invite":
		if r != 0 {
			return g.public(c.self), nil
		}
		if len(g.Members) >= maxGroupMembers {
			return Group{}, fmt.Errorf("%w: group full", ErrTooLarge)
		}
		g.Members = append(g.Members, groupMember{Wallet: w, Role: RoleMember})
	case "remove":
		switch {
		case r == 0:
			return Group{}, fmt.Errorf("%s: %w", w, ErrNotMember)
		case r == RoleOwner:
			return Group{}, fmt.Errorf("%w: the owner cannot be removed", ErrRefused)
		case r == RoleAdmin && g.role(c.self) != RoleOwner:
			return Group{}, fmt.Errorf("%w: only the owner removes an admin", ErrNotMember)
		}
		g.Members = slices.DeleteFunc(g.Members, func(m groupMember) bool { return m.Wallet == w })
		removed = []common.Address{w}
	case "role":
		if cmd.Role != RoleMember && cmd.Role != RoleAdmin {
			return Group{}, fmt.Errorf("%w: role %v cannot be given", ErrRefused, cmd.Role)
		}
		i := slices.IndexFunc(g.Members, func(m groupMember) bool { return m.Wallet == w })
		if i < 0 || g.Members[i].Role == RoleOwner {
			return Group{}, fmt.Errorf("%s: %w", w, ErrNotMember)
		}
		g.Members[i].Role = cmd.Role
	default:
		return Group{}, fmt.Errorf("%w: roster op %q", ErrRefused, cmd.Op)
	}
	return c.rotate(now, g, removed, out), nil
}

// rotate starts the next epoch of g with a fresh key, stores it, and
// sends it to every member (and the removal notice to removed).
func (c *Core) rotate(now time.Time, g *groupState, removed []common.Address, out *service.Effects) Group {
	var k [32]byte
	io.ReadFull(c.cfg.Rand, k[:])
	g.Epoch++
	g.Keys[g.Epoch] = k
	g.record()
	c.saveGroup(g, out)
	out.Emit(Event{Kind: EventGroup, Group: g.ID})
	sent := c.nextSent(now)
	f := &groupKeyFrame{ID: c.newID(), Group: g.ID, Epoch: g.Epoch, Key: k, Members: g.Members, Name: g.Name}
	b := marshalInner(f)
	for _, m := range g.Members {
		if m.Wallet != c.self {
			c.enqueue(now, m.Wallet, f.ID, sent, b, false, out)
		}
	}
	f.Key = [32]byte{} // the removal notice: the roster, no key
	for _, w := range removed {
		c.enqueue(now, w, f.ID, sent, marshalInner(f), false, out)
	}
	return g.public(c.self)
}

// groupAD is the additional data of a group message.
func groupAD(g GroupID, epoch uint32, id MessageID, from common.Address) []byte {
	ad := append(g[:], binary.BigEndian.AppendUint32(nil, epoch)...)
	ad = append(ad, id[:]...)
	return append(ad, from[:]...)
}

// sealGroup seals inner with g's current key, as from.
func sealGroup(rnd io.Reader, g *groupState, inner *msgFrame, from common.Address) (*groupFrame, error) {
	k := g.Keys[g.Epoch]
	if k == ([32]byte{}) {
		return nil, fmt.Errorf("group %s epoch %d: %w", g.ID, g.Epoch, ErrNoKey)
	}
	aead, _ := chacha20poly1305.NewX(k[:]) // fails on a key's length only
	f := &groupFrame{Group: g.ID, Epoch: g.Epoch, ID: inner.ID}
	io.ReadFull(rnd, f.Nonce[:])
	f.Sealed = aead.Seal(nil, f.Nonce[:], marshalInner(inner), groupAD(g.ID, g.Epoch, inner.ID, from))
	return f, nil
}

// openGroup opens a group message from from with the epoch key held.
func openGroup(g *groupState, f *groupFrame, from common.Address) (*msgFrame, error) {
	k := g.Keys[f.Epoch]
	if k == ([32]byte{}) {
		return nil, fmt.Errorf("%w: no key for group %s epoch %d", ErrBadSeal, f.Group, f.Epoch)
	}
	aead, _ := chacha20poly1305.NewX(k[:])
	pt, err := aead.Open(nil, f.Nonce[:], f.Sealed, groupAD(f.Group, f.Epoch, f.ID, from))
	if err != nil {
		return nil, fmt.Errorf("%w: group %s epoch %d", ErrBadSeal, f.Group, f.Epoch)
	}
	fr, err := decodeFrame(pt)
	m, ok := fr.(*msgFrame)
	if err != nil || !ok || m.ID != f.ID {
		return nil, fmt.Errorf("%w: group message content", ErrMalformed)
	}
	return m, nil
}

// sendGroup stores a group message and fans it out: one op per member.
func (c *Core) sendGroup(now time.Time, cmd SendGroupCmd, out *service.Effects) (Message, error) {
	if err := checkText(cmd.Text, c.cfg.MaxText); err != nil {
		return Message{}, err
	}
	g := c.groups[cmd.Group]
	if g == nil || g.role(c.self) == 0 {
		return Message{}, fmt.Errorf("group %s: %w", cmd.Group, ErrNotMember)
	}
	sent := c.nextSent(now)
	m := &Message{ID: c.newID(), From: c.self, Group: g.ID, Text: cmd.Text, Sent: time.UnixMicro(sent), Received: now, Status: Pending}
	gf, err := sealGroup(c.cfg.Rand, g, &msgFrame{ID: m.ID, Sent: sent, Kind: kindText, Text: cmd.Text}, c.self)
	if err != nil {
		return Message{}, err
	}
	c.putMsg(m, out)
	b := marshalInner(gf)
	for _, mb := range g.Members {
		if mb.Wallet != c.self {
			c.enqueue(now, mb.Wallet, m.ID, sent, b, false, out)
		}
	}
	c.groupProgress(m, out)
	return *m, nil
}

// groupProgress sets a group message's status from its ops: Delivered
// once every member has it, Sent once the rest are in mailboxes,
// Failed if a member refused it.
func (c *Core) groupProgress(m *Message, out *service.Effects) {
	g := c.groups[m.Group]
	if g == nil {
		return
	}
	st := Delivered
	if m.Err != "" {
		st = Failed
	}
	for _, mb := range g.Members {
		if o := c.ops[opKey{mb.Wallet, m.ID}]; o != nil && !o.stored {
			return
		} else if o != nil && st == Delivered {
			st = Sent
		}
	}
	if m.Status != st {
		m.Status = st
		c.putMsg(m, out)
		out.Emit(Event{Kind: EventReceipt, Message: *m, Group: m.Group})
	}
}

// leaveGroup asks the owner to remove this wallet and stops reading.
func (c *Core) leaveGroup(now time.Time, id GroupID, out *service.Effects) (Group, error) {
	g := c.groups[id]
	switch {
	case g == nil || g.role(c.self) == 0:
		return Group{}, fmt.Errorf("group %s: %w", id, ErrNotMember)
	case g.role(c.self) == RoleOwner:
		return Group{}, fmt.Errorf("%w: the owner cannot leave its group", ErrRefused)
	}
	sent := c.nextSent(now)
	gf, err := sealGroup(c.cfg.Rand, g, &msgFrame{ID: c.newID(), Sent: sent, Kind: kindLeave}, c.self)
	if err != nil {
		return Group{}, err
	}
	c.enqueue(now, g.owner(), gf.ID, sent, marshalInner(gf), false, out)
	g.Members = slices.DeleteFunc(g.Members, func(m groupMember) bool { return m.Wallet == c.self })
	c.saveGroup(g, out)
	return g.public(c.self), nil
}

// receiveGroup applies a group message from the verified wallet from.
func (c *Core) receiveGroup(now time.Time, from common.Address, f *groupFrame, out *service.Effects) error {
	if c.peer(from).consent == Blocked {
		return ErrBlocked
	}
	g := c.groups[f.Group]
	if g == nil || f.Epoch > g.Epoch && g.role(c.self) != 0 {
		// Its key may still be on the way: the sender tries again.
		return fmt.Errorf("%w: group %s epoch %d not known here yet", ErrRateLimited, f.Group, f.Epoch)
	}
	if g.role(from) == 0 && !slices.Contains(g.Was[f.Epoch], from) {
		return fmt.Errorf("%s in group %s: %w", from, f.Group, ErrNotMember)
	}
	inner, err := openGroup(g, f, from)
	if err != nil {
		return err
	}
	switch inner.Kind {
	case kindLeave:
		if g.role(c.self) == RoleOwner {
			c.roster(now, RosterCmd{Group: f.Group, Op: "remove", Wallet: from}, out)
		}
		return nil
	case kindText:
	default:
		return fmt.Errorf("%w: group messages carry text only", ErrRefused)
	}
	if err := checkText(inner.Text, c.cfg.MaxText); err != nil {
		return err
	}
	if c.msgs[inner.ID] != nil {
		return nil // a duplicate
	}
	m := &Message{ID: inner.ID, From: from, Group: f.Group, Text: inner.Text, Sent: time.UnixMicro(inner.Sent), Received: now, Status: Delivered}
	c.putMsg(m, out)
	kind := EventMessage
	if g.Request {
		kind = EventRequest
	}
	out.Emit(Event{Kind: kind, Message: *m, Peer: from, Group: f.Group})
	return nil
}

// receiveGroupKey applies a new epoch of a group from the verified
// wallet from: an invitation to a group this wallet does not know (from
// must be its owner or an admin of it), or a rotation by an owner or
// admin of the epoch this wallet holds.
func (c *Core) receiveGroupKey(from common.Address, f *groupKeyFrame, out *service.Effects) error {
	if c.peer(from).consent == Blocked {
		return ErrBlocked
	}
	next := &groupState{ID: f.Group, Name: f.Name, Epoch: f.Epoch, Members: f.Members}
	g := c.groups[f.Group]
	switch {
	case g == nil:
		if next.role(from) < RoleAdmin || next.role(c.self) == 0 {
			return fmt.Errorf("%w: invitation not from an admin, or not for this wallet", ErrRefused)
		}
		g = &groupState{ID: f.Group, Keys: map[uint32][32]byte{}, Request: c.peer(from).consent != Allowed}
	case f.Epoch == g.Epoch:
		return nil // a duplicate
	case f.Epoch < g.Epoch:
		return fmt.Errorf("%w: stale epoch %d < %d", ErrRefused, f.Epoch, g.Epoch)
	case g.role(from) < RoleAdmin:
		return fmt.Errorf("%s in group %s: %w", from, f.Group, ErrNotMember)
	case next.owner() != g.owner():
		return fmt.Errorf("%w: the owner of a group does not change", ErrRefused)
	}
	g.Name, g.Epoch, g.Members = f.Name, f.Epoch, f.Members
	if next.role(c.self) != 0 && f.Key != ([32]byte{}) {
		g.Keys[f.Epoch] = f.Key
	}
	g.record()
	c.saveGroup(g, out)
	out.Emit(Event{Kind: EventGroup, Peer: from, Group: f.Group})
	return nil
}
