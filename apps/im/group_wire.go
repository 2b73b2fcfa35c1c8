package im

import (
	"encoding/binary"
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

func (groupFrame) typ() byte    { return typeGroup }
func (groupKeyFrame) typ() byte { return typeGroupKey }

func (f groupFrame) appendBody(b []byte) []byte {
	b = append(b, f.Group[:]...)
	b = binary.BigEndian.AppendUint32(b, f.Epoch)
	b = append(b, f.ID[:]...)
	b = append(b, f.Nonce[:]...)
	return append(b, f.Sealed...)
}

func (f groupKeyFrame) appendBody(b []byte) []byte {
	b = append(b, f.ID[:]...)
	b = append(b, f.Group[:]...)
	b = binary.BigEndian.AppendUint32(b, f.Epoch)
	b = append(b, f.Key[:]...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(f.Members)))
	for _, m := range f.Members {
		b = append(b, m.Wallet[:]...)
		b = append(b, byte(m.Role))
	}
	return append(b, f.Name...)
}

func decodeGroupFrame(body []byte) (frame, error) {
	if len(body) < 16+4+16+24+16 {
		return nil, fmt.Errorf("%w: group message short (%d bytes)", ErrMalformed, len(body))
	}
	f := groupFrame{Epoch: binary.BigEndian.Uint32(body[16:20]), Sealed: body[60:]}
	copy(f.Group[:], body)
	copy(f.ID[:], body[20:36])
	copy(f.Nonce[:], body[36:60])
	return f, nil
}

func decodeGroupKeyFrame(body []byte) (frame, error) {
	const fixed = 16 + 16 + 4 + 32 + 2
	if len(body) < fixed {
		return nil, fmt.Errorf("%w: group key short (%d bytes)", ErrMalformed, len(body))
	}
	f := groupKeyFrame{Epoch: binary.BigEndian.Uint32(body[32:36])}
	copy(f.ID[:], body)
	copy(f.Group[:], body[16:32])
	copy(f.Key[:], body[36:68])
	n := int(binary.BigEndian.Uint16(body[68:70]))
	rest := body[fixed:]
	if n > maxGroupMembers || len(rest) < 21*n {
		return nil, fmt.Errorf("%w: group key roster of %d", ErrMalformed, n)
	}
	seen := make(map[common.Address]bool, n)
	f.Members = make([]groupMember, n)
	for i := range f.Members {
		m := &f.Members[i]
		copy(m.Wallet[:], rest[21*i:])
		m.Role = Role(rest[21*i+20])
		if m.Role < RoleMember || m.Role > RoleOwner || seen[m.Wallet] {
			return nil, fmt.Errorf("%w: group key roster entry %d", ErrMalformed, i)
		}
		seen[m.Wallet] = true
	}
	name := rest[21*n:]
	if len(name) > maxGroupName || !utf8.Valid(name) {
		return nil, fmt.Errorf("%w: group name", ErrMalformed)
	}
	f.Name = string(name)
	return f, nil
}
