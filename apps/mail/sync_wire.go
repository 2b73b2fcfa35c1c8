package mail

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Frames between the nodes of one wallet (doc.go, "Several nodes of one
// wallet"; core_sync.go).
const (
	typeSyncPull    byte = 0x30
	typeSyncChanges byte = 0x31
	typeSyncNote    byte = 0x32
	typeSyncGet     byte = 0x33
	typeSyncBody    byte = 0x34
)

// syncFrame is one decoded sync frame; fields unused by its type are
// zero.
type syncFrame struct {
	typ     byte
	replica MessageID // PULL: the replica since counts in; CHANGES, NOTE: the sender's
	since   uint64    // PULL
	from    uint64    // CHANGES
	to      uint64    // CHANGES; NOTE: the sender's latest change
	more    bool      // CHANGES
	pair    [64]byte  // PULL, CHANGES: the sender's seal key pair (private | public); private zero: the receiver holds it
	known   [32]byte  // PULL, CHANGES: the receiver's public seal key as the sender holds it; zero: none
	recs    []syncRec // CHANGES
	g       MessageID // GET, BODY: the object
	index   uint32    // GET, BODY: the chunk
	parts   uint32    // BODY: how many chunks the bytes are in; 0: not held
	data    []byte    // BODY: the chunk, aliasing the frame
}

// syncRec is one object of a CHANGES batch, with the message's bytes
// when they travel inline.
type syncRec struct {
	obj  syncObj
	body []byte // aliases the frame; nil: none
}

// marshal encodes f.
func (f *syncFrame) marshal() []byte {
	b := []byte{f.typ}
	switch f.typ {
	case typeSyncPull:
		b = append(b, f.replica[:]...)
		b = binary.BigEndian.AppendUint64(b, f.since)
		b = append(b, f.pair[:]...)
		b = append(b, f.known[:]...)
	case typeSyncChanges:
		b = append(b, f.replica[:]...)
		b = binary.BigEndian.AppendUint64(b, f.from)
		b = binary.BigEndian.AppendUint64(b, f.to)
		if f.more {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		b = append(b, f.pair[:]...)
		b = append(b, f.known[:]...)
		b = binary.BigEndian.AppendUint32(b, uint32(len(f.recs)))
		for _, r := range f.recs {
			j, _ := json.Marshal(&r.obj)
			b = binary.BigEndian.AppendUint32(b, uint32(len(j)))
			b = append(b, j...)
			if r.body == nil {
				b = binary.BigEndian.AppendUint32(b, noBody)
				continue
			}
			b = binary.BigEndian.AppendUint32(b, uint32(len(r.body)))
			b = append(b, r.body...)
		}
	case typeSyncNote:
		b = append(b, f.replica[:]...)
		b = binary.BigEndian.AppendUint64(b, f.to)
	case typeSyncGet:
		b = append(b, f.g[:]...)
		b = binary.BigEndian.AppendUint32(b, f.index)
	case typeSyncBody:
		b = append(b, f.g[:]...)
		b = binary.BigEndian.AppendUint32(b, f.index)
		b = binary.BigEndian.AppendUint32(b, f.parts)
		b = append(b, f.data...)
	}
	return b
}

// noBody is a record's body length when no bytes come with it.
const noBody = 0xffffffff

// isSyncFrame reports whether b is a sync frame (by its type).
func isSyncFrame(b []byte) bool {
	return len(b) > 0 && b[0] >= typeSyncPull && b[0] <= typeSyncBody
}

// parseSyncFrame decodes one sync frame; bodies alias b.
func parseSyncFrame(b []byte) (syncFrame, error) {
	var f syncFrame
	if len(b) == 0 {
		return f, fmt.Errorf("%w: empty", ErrMalformed)
	}
	f.typ, b = b[0], b[1:]
	bad := func(what string) (syncFrame, error) {
		return syncFrame{}, fmt.Errorf("%w: sync type 0x%02x: %s", ErrMalformed, f.typ, what)
	}
	switch f.typ {
	case typeSyncPull:
		if len(b) != 16+8+64+32 {
			return bad("length")
		}
		f.replica, f.since = MessageID(b[:16]), binary.BigEndian.Uint64(b[16:])
		copy(f.pair[:], b[24:88])
		copy(f.known[:], b[88:])
	case typeSyncChanges:
		if len(b) < 16+8+8+1+64+32+4 {
			return bad("short")
		}
		f.replica, f.from, f.to = MessageID(b[:16]), binary.BigEndian.Uint64(b[16:]), binary.BigEndian.Uint64(b[24:])
		if b[32] > 1 {
			return bad("more")
		}
		f.more = b[32] == 1
		copy(f.pair[:], b[33:97])
		copy(f.known[:], b[97:129])
		n := binary.BigEndian.Uint32(b[129:])
		b = b[133:]
		if f.from > f.to || uint64(n) > uint64(len(b)/8) {
			return bad("range or count")
		}
		f.recs = make([]syncRec, 0, n)
		for range n {
			if len(b) < 4 {
				return bad("short record")
			}
			l := binary.BigEndian.Uint32(b)
			if uint64(l) > uint64(len(b)-4) {
				return bad("short record")
			}
			var r syncRec
			if err := json.Unmarshal(b[4:4+l], &r.obj); err != nil || r.obj.Folder.V == "" && !r.obj.Gone {
				return bad("record")
			}
			b = b[4+l:]
			if len(b) < 4 {
				return bad("short body")
			}
			l = binary.BigEndian.Uint32(b)
			b = b[4:]
			if l != noBody {
				if uint64(l) > uint64(len(b)) {
					return bad("short body")
				}
				r.body, b = b[:l:l], b[l:]
			}
			f.recs = append(f.recs, r)
		}
		if len(b) != 0 {
			return bad("trailing bytes")
		}
	case typeSyncNote:
		if len(b) != 24 {
			return bad("length")
		}
		f.replica, f.to = MessageID(b[:16]), binary.BigEndian.Uint64(b[16:])
	case typeSyncGet:
		if len(b) != 20 {
			return bad("length")
		}
		f.g, f.index = MessageID(b[:16]), binary.BigEndian.Uint32(b[16:])
	case typeSyncBody:
		if len(b) < 24 || len(b) > 24+ChunkSize {
			return bad("length")
		}
		f.g, f.index, f.parts, f.data = MessageID(b[:16]), binary.BigEndian.Uint32(b[16:]), binary.BigEndian.Uint32(b[20:]), b[24:]
		if f.parts != 0 && f.index >= f.parts || f.parts == 0 && len(f.data) > 0 {
			return bad("index or parts")
		}
	default:
		return bad("unknown type")
	}
	return f, nil
}

// stamp orders the writes of one attribute: a Lamport time, then the
// replica that wrote it.
type stamp struct {
	T uint64 `json:"t"`
	R hexID  `json:"r"`
}

func (a stamp) after(b stamp) bool {
	if a.T != b.T {
		return a.T > b.T
	}
	return string(a.R[:]) > string(b.R[:])
}

// folderReg and flagReg are last-writer-wins registers.
type folderReg struct {
	V string `json:"v"`
	stamp
}

type flagReg struct {
	V bool `json:"v"`
	stamp
}

// syncObj is one message as the nodes of a wallet agree on it: its
// fixed facts, its folder and each flag (last writer wins), and
// whether it was expunged (for good: Gone wins over everything).
type syncObj struct {
	G      hexID              `json:"g"`
	From   common.Address     `json:"from,omitzero"`
	ID     hexID              `json:"id"`
	Date   time.Time          `json:"date"`
	Size   int                `json:"size"`
	Folder folderReg          `json:"folder"`
	Flags  map[string]flagReg `json:"flags,omitempty"`
	Gone   bool               `json:"gone,omitempty"`
}

// hexID is a MessageID written in hex in JSON.
type hexID MessageID

func (h hexID) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h[:])), nil }

func (h *hexID) UnmarshalText(b []byte) error {
	if len(b) != 32 {
		return ErrMalformed
	}
	_, err := hex.Decode(h[:], b)
	return err
}

// nodeMark ends the peer address a core knows another node of its own
// wallet by: the node's instance address (16 bytes) and these 4.
var nodeMark = [4]byte{'n', 'o', 'd', 'e'}

// NodePeer is the peer address a core knows the node at instance
// address inst by (a node of its own wallet).
func NodePeer(inst netip.Addr) common.Address {
	var p common.Address
	a := inst.As16()
	copy(p[:16], a[:])
	copy(p[16:], nodeMark[:])
	return p
}

// nodeOf is the instance address of a NodePeer address.
func nodeOf(p common.Address) (netip.Addr, bool) {
	if [4]byte(p[16:]) != nodeMark {
		return netip.Addr{}, false
	}
	return netip.AddrFrom16([16]byte(p[:16])), true
}
