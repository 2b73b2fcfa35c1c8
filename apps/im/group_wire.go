package im

import (
	"fmt"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
)

// Role is a member's role in a private group.
type Role uint8

const (
	// RoleMember reads and posts.
	RoleMember Role = 1
	// RoleAdmin also invites and removes members.
	RoleAdmin Role = 2
	// RoleOwner also changes roles; the group's creator.
	RoleOwner Role = 3
)

func (r Role) String() string { return name(r, "none", "", "member", "admin", "owner") }

const (
	maxGroupMembers = 1000
	maxGroupName    = 128
)

// groupFrame is a group message: the inner MSG frame sealed with the
// group key of Epoch (ChaCha20-Poly1305, nonce 24 bytes: XChaCha20).
type groupFrame struct {
	Group  GroupID
	Epoch  uint32
	ID     MessageID
	Nonce  [24]byte
	Sealed []byte
}

// groupKeyFrame hands a member the group's state at a new epoch: its
// key, name and roster. Only an admin or the owner of the epoch before
// may send one (the creator for epoch 1). A zero Key with the receiver
// absent from Members tells it it was removed.
type groupKeyFrame struct {
	ID      MessageID
	Group   GroupID
	Epoch   uint32
	Key     [32]byte
	Members []groupMember
	Name    string
}

type groupMember struct {
	Wallet common.Address
	Role   Role
}

func (f *groupFrame) wire(x *codec) {
	x.head(typeGroup)
	x.fixed(f.Group[:])
	u32(x, &f.Epoch)
	x.fixed(f.ID[:])
	x.fixed(f.Nonce[:])
	rest(x, &f.Sealed)
}

func (f *groupKeyFrame) wire(x *codec) {
	x.head(typeGroupKey)
	x.fixed(f.ID[:])
	x.fixed(f.Group[:])
	u32(x, &f.Epoch)
	x.fixed(f.Key[:])
	list(x, &f.Members, maxGroupMembers, func(m *groupMember) { x.fixed(m.Wallet[:]); u8(x, &m.Role) })
	rest(x, &f.Name)
}

// check: a sealed message holds at least its AEAD tag.
func (f *groupFrame) check() error { return need(len(f.Sealed) >= 16, "sealed message short") }

func (f *groupKeyFrame) check() error {
	seen := make(map[common.Address]bool, len(f.Members))
	for _, m := range f.Members {
		if m.Role < RoleMember || m.Role > RoleOwner || seen[m.Wallet] {
			return fmt.Errorf("roster entry %s", m.Wallet)
		}
		seen[m.Wallet] = true
	}
	return need(len(f.Name) <= maxGroupName && utf8.ValidString(f.Name), "group name")
}
