package vpn

import (
	"encoding/binary"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Usage is one session's byte counters as one end of it kept them. Both
// the client and the exit keep their own; a payment (apps/pay) settles
// on counters both signed.
type Usage struct {
	// Session names the session: random, chosen by the client side's
	// Meter caller (the exit uses the client wallet and its own count).
	Session [16]byte
	Client  common.Address
	Exit    common.Address
	// Up is bytes from the client to the destination, Down the other way.
	Up, Down uint64
	Start    time.Time
	End      time.Time
}

// Digest is what a wallet signs to vouch for u (doc.go, "Usage"):
// keccak256 of "anynet-vpn-usage-v1" | session | client | exit | u64
// up | u64 down | i64 start (unix ns) | i64 end (unix ns).
func (u Usage) Digest() common.Hash {
	b := make([]byte, 0, 19+16+20+20+32)
	b = append(b, "anynet-vpn-usage-v1"...)
	b = append(b, u.Session[:]...)
	b = append(b, u.Client[:]...)
	b = append(b, u.Exit[:]...)
	b = binary.BigEndian.AppendUint64(b, u.Up)
	b = binary.BigEndian.AppendUint64(b, u.Down)
	b = binary.BigEndian.AppendUint64(b, uint64(u.Start.UnixNano()))
	b = binary.BigEndian.AppendUint64(b, uint64(u.End.UnixNano()))
	return crypto.Keccak256Hash(b)
}

// Meter receives every session's counters when it ends, on the exit
// and on the client. It is the hook payments hang on: apps/pay can
// satisfy it by signing Usage.Digest with the wallet and settling the
// exit's price against the signed counters (a voucher per Usage, or
// per so many bytes). Record must not block for long; it is called
// from the session's goroutine after the session's connections closed.
type Meter interface {
	Record(u Usage)
}

// MeterFunc adapts a function to Meter.
type MeterFunc func(Usage)

// Record calls f(u).
func (f MeterFunc) Record(u Usage) { f(u) }
