package content

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// MirrorList is a publisher's list of the mirrors of one blob, signed
// by the publishing wallet (doc.go, "Signed mirror lists"). A
// downloader uses the mirrors only once Verify accepted the list for
// the publisher it asked.
type MirrorList struct {
	ID        ID
	Publisher common.Address
	Expires   time.Time // second precision
	Mirrors   []common.Address
	Sig       []byte // 65 bytes, [R || S || V], V 27 or 28
}

// mirrorsPrefix starts the signed text (EIP-191 personal message).
const mirrorsPrefix = "anynet content mirrors v1\n"

// mirrorListLife is how long a list a publisher signs stays valid.
const mirrorListLife = 10 * time.Minute

// body is the signed part: 32 id | 20 publisher | u64 expires (Unix
// seconds) | u16 count | count × 20-byte wallet.
func (l MirrorList) body() []byte {
	b := append(append(l.ID[:0:0], l.ID[:]...), l.Publisher[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(l.Expires.Unix()))
	b = binary.BigEndian.AppendUint16(b, uint16(len(l.Mirrors)))
	for _, w := range l.Mirrors {
		b = append(b, w[:]...)
	}
	return b
}

// text is what the wallet signs: the prefix, then the body.
func (l MirrorList) text() []byte { return append([]byte(mirrorsPrefix), l.body()...) }

// Marshal encodes the list: body | 65-byte signature.
func (l MirrorList) Marshal() []byte { return append(l.body(), l.Sig...) }

// SignMirrorList signs l with sign (EIP-191 over l's text, as
// transport.Signer.SignText does).
func SignMirrorList(l MirrorList, sign func(text []byte) ([]byte, error)) (MirrorList, error) {
	if len(l.Mirrors) > maxProviders {
		return MirrorList{}, fmt.Errorf("content: %d mirrors, at most %d", len(l.Mirrors), maxProviders)
	}
	sig, err := sign(l.text())
	if err != nil {
		return MirrorList{}, fmt.Errorf("content: sign mirror list: %w", err)
	}
	l.Sig = sig
	return l, nil
}

// ParseMirrorList decodes a list; it does not verify it.
func ParseMirrorList(b []byte) (MirrorList, error) {
	r := &reader{b: b}
	l := MirrorList{ID: r.id(), Publisher: common.BytesToAddress(r.take(20))}
	exp := r.u64()
	n := r.u16()
	if n > maxProviders || exp > 1<<62 {
		return MirrorList{}, fmt.Errorf("%w: mirror list of %d, expiring %d", ErrMalformed, n, exp)
	}
	l.Expires = time.Unix(int64(exp), 0)
	for range n {
		l.Mirrors = append(l.Mirrors, common.BytesToAddress(r.take(20)))
	}
	l.Sig = append([]byte(nil), r.take(65)...)
	if r.bad || len(r.b) != 0 {
		return MirrorList{}, fmt.Errorf("%w: mirror list of %d bytes", ErrMalformed, len(b))
	}
	return l, nil
}

// Verify accepts the list if it names blob id and publisher, has not
// expired at now, and publisher's wallet signed it.
func (l MirrorList) Verify(publisher common.Address, id ID, now time.Time) error {
	switch {
	case l.Publisher != publisher || l.ID != id:
		return fmt.Errorf("%w: mirror list of %s by %s, asked %s by %s", ErrForged, l.ID.Short(), l.Publisher.Hex(), id.Short(), publisher.Hex())
	case !now.Before(l.Expires):
		return fmt.Errorf("%w: mirror list expired at %s", ErrForged, l.Expires.UTC().Format(time.RFC3339))
	case len(l.Sig) != 65 || (l.Sig[64] != 27 && l.Sig[64] != 28):
		return fmt.Errorf("%w: mirror list signature", ErrForged)
	}
	s := append([]byte(nil), l.Sig...)
	s[64] -= 27
	pub, err := crypto.SigToPub(accounts.TextHash(l.text()), s)
	if err != nil || crypto.PubkeyToAddress(*pub) != publisher {
		return fmt.Errorf("%w: mirror list not signed by %s", ErrForged, publisher.Hex())
	}
	return nil
}
