package vpn

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Signer signs usage records: a wallet's key. pay.Wallet (and so
// pay.KeyWallet) satisfies it.
type Signer interface {
	Address() common.Address
	// SignHash returns the 65-byte [R || S || V] secp256k1 signature of
	// a 32-byte digest, V being 0 or 1 (go-ethereum's crypto.Sign form).
	SignHash(digest []byte) ([]byte, error)
}

// Record is a session's Usage as one end counted it, signed by that
// end's wallet (doc.go, "Usage records"): the exit's record, which a
// client can check and a payment can settle on, or the client's own
// record of the same session, in the same format.
type Record struct {
	Usage
	Sig [65]byte // over Usage.Digest(), by Usage.Exit or Usage.Client
}

// RecordLen is the length of an encoded Record.
const RecordLen = 16 + 20 + 20 + 8 + 8 + 8 + 8 + 65

// SignUsage signs u with s, which must be the key of one of its ends:
// u.Exit's (the exit's record) or u.Client's (the client's).
func SignUsage(u Usage, s Signer) (Record, error) {
	if a := s.Address(); a != u.Exit && a != u.Client {
		return Record{}, fmt.Errorf("vpn: sign usage: signer %s is neither the exit %s nor the client %s", a, u.Exit, u.Client)
	}
	d := u.Digest()
	sig, err := s.SignHash(d[:])
	if err != nil {
		return Record{}, fmt.Errorf("vpn: sign usage: %w", err)
	}
	if len(sig) != 65 {
		return Record{}, fmt.Errorf("vpn: sign usage: signature of %d bytes", len(sig))
	}
	r := Record{Usage: u}
	copy(r.Sig[:], sig)
	return r, nil
}

// Verify checks that wallet signed r: r names wallet as its exit or
// its client, and the signature over r's counters recovers to wallet.
// Verify(exit) checks an exit's record, Verify(client) a client's. A
// record altered after signing, or signed by another key, is
// ErrForged.
func (r Record) Verify(wallet common.Address) error {
	if r.Exit != wallet && r.Client != wallet {
		return fmt.Errorf("%w: record names exit %s and client %s, not %s", ErrForged, r.Exit, r.Client, wallet)
	}
	sig := r.Sig
	if sig[64] >= 27 {
		sig[64] -= 27
	}
	d := r.Digest()
	pub, err := crypto.SigToPub(d[:], sig[:])
	if err != nil {
		return fmt.Errorf("%w: %v", ErrForged, err)
	}
	if got := crypto.PubkeyToAddress(*pub); got != wallet {
		return fmt.Errorf("%w: signed by %s, not %s", ErrForged, got, wallet)
	}
	return nil
}

// AppendRecord appends r's encoding (doc.go, "Usage records") to b.
func AppendRecord(b []byte, r Record) []byte {
	b = append(b, r.Session[:]...)
	b = append(b, r.Client[:]...)
	b = append(b, r.Exit[:]...)
	b = binary.BigEndian.AppendUint64(b, r.Up)
	b = binary.BigEndian.AppendUint64(b, r.Down)
	b = binary.BigEndian.AppendUint64(b, uint64(r.Start.UnixNano()))
	b = binary.BigEndian.AppendUint64(b, uint64(r.End.UnixNano()))
	return append(b, r.Sig[:]...)
}

// ParseRecord decodes a Record; it does not verify the signature.
func ParseRecord(b []byte) (Record, error) {
	if len(b) != RecordLen {
		return Record{}, fmt.Errorf("%w: usage record of %d bytes, want %d", ErrMalformed, len(b), RecordLen)
	}
	var r Record
	copy(r.Session[:], b[0:16])
	copy(r.Client[:], b[16:36])
	copy(r.Exit[:], b[36:56])
	r.Up = binary.BigEndian.Uint64(b[56:])
	r.Down = binary.BigEndian.Uint64(b[64:])
	r.Start = time.Unix(0, int64(binary.BigEndian.Uint64(b[72:])))
	r.End = time.Unix(0, int64(binary.BigEndian.Uint64(b[80:])))
	copy(r.Sig[:], b[88:])
	return r, nil
}

// Agrees reports whether u and o count the same session the same way:
// the same session, client and exit, and the same bytes each way.
// Start and End are not compared: each end reads its own clock.
func (u Usage) Agrees(o Usage) bool {
	return u.Session == o.Session && u.Client == o.Client && u.Exit == o.Exit && u.Up == o.Up && u.Down == o.Down
}
