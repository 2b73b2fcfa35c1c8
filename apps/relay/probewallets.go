package relay

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/pay"
)

// maxProbeWallets bounds the wallets one list declares.
const maxProbeWallets = 1024

var probeWalletsDomain = []byte("\x19anynet relay probe wallets\n")

// ProbeWallets is a WatchDog's signed list of the wallets it probed from
// in one epoch. A WatchDog with per-epoch probe wallets (ServiceConfig.
// ProbeNode) sends its probe flows from a fresh wallet that never wrote
// to the chain, so an Edge cannot tell its probes from a stranger's
// traffic; it names those wallets only after the epoch, in its evidence,
// so that the Guardian and anyone recomputing know which endpoints of an
// Edge were probes (Score.ProbeBytes).
type ProbeWallets struct {
	Epoch    uint64
	WatchDog common.Address // signs
	Wallets  []common.Address
	Sig      [65]byte
}

func (l *ProbeWallets) body() []byte {
	b := make([]byte, 0, 1+8+20+2+20*len(l.Wallets))
	b = append(b, Version)
	b = binary.BigEndian.AppendUint64(b, l.Epoch)
	b = append(b, l.WatchDog[:]...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(l.Wallets)))
	for _, w := range l.Wallets {
		b = append(b, w[:]...)
	}
	return b
}

// Digest is what the WatchDog signs.
func (l *ProbeWallets) Digest() common.Hash {
	return crypto.Keccak256Hash(probeWalletsDomain, l.body())
}

// Sign sorts the wallets, sets l.WatchDog to w's address and signs l.
func (l *ProbeWallets) Sign(w pay.Wallet) error {
	if len(l.Wallets) > maxProbeWallets {
		return fmt.Errorf("%w: %d probe wallets", ErrMalformed, len(l.Wallets))
	}
	slices.SortFunc(l.Wallets, func(a, b common.Address) int { return bytes.Compare(a[:], b[:]) })
	l.Wallets = slices.Compact(l.Wallets)
	l.WatchDog = w.Address()
	d := l.Digest()
	sig, err := w.SignHash(d[:])
	if err != nil {
		return fmt.Errorf("relay: sign probe wallets: %w", err)
	}
	copy(l.Sig[:], sig)
	return nil
}

// Verify checks that l is signed by l.WatchDog.
func (l *ProbeWallets) Verify() error {
	return verify(l.Digest(), l.Sig, l.WatchDog, "probe wallets")
}

// MarshalBinary encodes l (layout in the package doc).
func (l *ProbeWallets) MarshalBinary() ([]byte, error) {
	if len(l.Wallets) > maxProbeWallets {
		return nil, fmt.Errorf("%w: %d probe wallets", ErrMalformed, len(l.Wallets))
	}
	return append(l.body(), l.Sig[:]...), nil
}

// UnmarshalBinary decodes a list. It does not check the signature.
func (l *ProbeWallets) UnmarshalBinary(b []byte) error {
	const head = 1 + 8 + 20 + 2
	if len(b) < head+65 || b[0] != Version {
		return fmt.Errorf("%w: probe wallets of %d bytes", ErrMalformed, len(b))
	}
	n := int(binary.BigEndian.Uint16(b[29:]))
	if n > maxProbeWallets || len(b) != head+20*n+65 {
		return fmt.Errorf("%w: probe wallets of %d bytes for %d wallets", ErrMalformed, len(b), n)
	}
	out := ProbeWallets{Epoch: binary.BigEndian.Uint64(b[1:])}
	copy(out.WatchDog[:], b[9:29])
	for at := head; at < head+20*n; at += 20 {
		out.Wallets = append(out.Wallets, common.BytesToAddress(b[at:at+20]))
	}
	copy(out.Sig[:], b[head+20*n:])
	*l = out
	return nil
}

// probeOwners maps each wallet that exactly one WatchDog of dogs
// declared, with a valid signature, as its probe wallet in epoch to
// that WatchDog; a wallet two WatchDogs declare belongs to neither.
func probeOwners(lists []ProbeWallets, dogs map[common.Address]bool, epoch uint64) map[common.Address]common.Address {
	owners := map[common.Address]common.Address{}
	disputed := map[common.Address]bool{}
	for i := range lists {
		l := &lists[i]
		if !dogs[l.WatchDog] || l.Epoch != epoch || l.Verify() != nil {
			continue
		}
		for _, w := range l.Wallets {
			if o, ok := owners[w]; ok && o != l.WatchDog {
				disputed[w] = true
			}
			owners[w] = l.WatchDog
		}
	}
	for w := range disputed {
		delete(owners, w)
	}
	return owners
}
