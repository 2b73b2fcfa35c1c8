package relay

import (
	"encoding/binary"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/pay"
)

// Version is the first byte of every receipt and probe of this format.
const Version = 1

// LinkVersion is the first byte of a link receipt (Receipt.Link): the
// same layout, signed with this byte, so a receipt's kind cannot be
// changed without its signature failing.
const LinkVersion = 2

// linkSessionDomain prefixes the hash that names a link session.
var linkSessionDomain = []byte("\x19anynet relay link session\n")

// LinkSession names the traffic one wallet sends another through a
// router, for a link receipt's Session: the first 8 bytes, big-endian,
// of keccak256("\x19anynet relay link session\n" || from || to). Both
// ends compute it: from signs what it sent, to what it received.
func LinkSession(from, to common.Address) uint64 {
	return binary.BigEndian.Uint64(crypto.Keccak256(linkSessionDomain, from[:], to[:]))
}

// ReceiptSize is the length of an encoded receipt: the 73-byte body and a
// 65-byte signature.
const ReceiptSize = receiptBody + 65

const receiptBody = 1 + 8 + 20 + 20 + 8 + 8 + 8

// receiptDomain prefixes what an endpoint signs, so a receipt's signature
// can never be taken for a transaction, a voucher or a probe's.
var receiptDomain = []byte("\x19anynet relay receipt\n")

// A Receipt is an endpoint's signed statement that an Edge delivered to
// it Bytes bytes in Frames frames of one session during one epoch. The
// counts are cumulative: a later receipt of the same session replaces an
// earlier one, so losing receipts loses nothing but the bytes since the
// last one that arrived.
type Receipt struct {
	Epoch    uint64
	Edge     common.Address // the node that relayed
	Endpoint common.Address // the wallet that received and signs
	Session  uint64         // chosen by the endpoint, unique per flow and epoch
	Bytes    uint64         // delivered so far this epoch (cumulative)
	Frames   uint64
	// Link marks a link receipt (LinkVersion): Bytes and Frames are what
	// the endpoint itself sent or received through a router, counted by
	// its link layer, and Session is LinkSession(sender, receiver). Only
	// what both ends of a session vouch for is credited (Compute).
	Link bool
	Sig  [65]byte
}

func (r *Receipt) body() [receiptBody]byte {
	var b [receiptBody]byte
	b[0] = Version
	if r.Link {
		b[0] = LinkVersion
	}
	binary.BigEndian.PutUint64(b[1:], r.Epoch)
	copy(b[9:], r.Edge[:])
	copy(b[29:], r.Endpoint[:])
	binary.BigEndian.PutUint64(b[49:], r.Session)
	binary.BigEndian.PutUint64(b[57:], r.Bytes)
	binary.BigEndian.PutUint64(b[65:], r.Frames)
	return b
}

// Digest is what the endpoint signs.
func (r *Receipt) Digest() common.Hash {
	b := r.body()
	return crypto.Keccak256Hash(receiptDomain, b[:])
}

// Sign sets r.Endpoint to w's address and signs r with it.
func (r *Receipt) Sign(w pay.Wallet) error {
	r.Endpoint = w.Address()
	d := r.Digest()
	sig, err := w.SignHash(d[:])
	if err != nil {
		return fmt.Errorf("relay: sign receipt: %w", err)
	}
	copy(r.Sig[:], sig)
	return nil
}

// Verify checks that r is signed by r.Endpoint.
func (r *Receipt) Verify() error {
	return verify(r.Digest(), r.Sig, r.Endpoint, "receipt")
}

// MarshalBinary encodes r (ReceiptSize bytes; layout in the package doc).
func (r *Receipt) MarshalBinary() ([]byte, error) {
	b := r.body()
	return append(b[:], r.Sig[:]...), nil
}

// UnmarshalBinary decodes a receipt. It does not check the signature.
func (r *Receipt) UnmarshalBinary(b []byte) error {
	if len(b) != ReceiptSize || (b[0] != Version && b[0] != LinkVersion) {
		return fmt.Errorf("%w: receipt of %d bytes", ErrMalformed, len(b))
	}
	r.Link = b[0] == LinkVersion
	r.Epoch = binary.BigEndian.Uint64(b[1:])
	copy(r.Edge[:], b[9:29])
	copy(r.Endpoint[:], b[29:49])
	r.Session = binary.BigEndian.Uint64(b[49:])
	r.Bytes = binary.BigEndian.Uint64(b[57:])
	r.Frames = binary.BigEndian.Uint64(b[65:])
	copy(r.Sig[:], b[receiptBody:])
	return nil
}

// verify checks that sig over digest recovers to want.
func verify(digest common.Hash, sig [65]byte, want common.Address, what string) error {
	pub, err := crypto.SigToPub(digest[:], sig[:])
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrBadSignature, what, err)
	}
	if got := crypto.PubkeyToAddress(*pub); got != want {
		return fmt.Errorf("%w: %s signed by %s, not %s", ErrBadSignature, what, got, want)
	}
	return nil
}
