package relay

import (
	"encoding/binary"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/anynet/anynet/apps/pay"
)

// ProbeSize is the length of an encoded probe result: the 66-byte body and
// a 65-byte signature.
const ProbeSize = probeBody + 65

const probeBody = 1 + 8 + 20 + 20 + 8 + 1 + 4 + 4

var probeDomain = []byte("\x19anynet relay probe\n")

// A Probe is a WatchDog's signed result of one availability challenge: a
// relayed flow through Edge to a host the WatchDog controls, started at
// a random time and shaped like ordinary traffic. Answered says whether
// the flow's bytes came through whole; RTT is its round trip.
type Probe struct {
	Epoch    uint64
	WatchDog common.Address // signs
	Edge     common.Address // probed
	Seq      uint64         // the WatchDog's counter, unique per epoch and Edge
	Answered bool
	RTTMicro uint32 // zero when not answered
	Bytes    uint32 // the probe flow's size
	Sig      [65]byte
}

func (p *Probe) body() [probeBody]byte {
	var b [probeBody]byte
	b[0] = Version
	binary.BigEndian.PutUint64(b[1:], p.Epoch)
	copy(b[9:], p.WatchDog[:])
	copy(b[29:], p.Edge[:])
	binary.BigEndian.PutUint64(b[49:], p.Seq)
	if p.Answered {
		b[57] = 1
	}
	binary.BigEndian.PutUint32(b[58:], p.RTTMicro)
	binary.BigEndian.PutUint32(b[62:], p.Bytes)
	return b
}

// Digest is what the WatchDog signs.
func (p *Probe) Digest() common.Hash {
	b := p.body()
	return crypto.Keccak256Hash(probeDomain, b[:])
}

// Sign sets p.WatchDog to w's address and signs p with it.
func (p *Probe) Sign(w pay.Wallet) error {
	p.WatchDog = w.Address()
	d := p.Digest()
	sig, err := w.SignHash(d[:])
	if err != nil {
		return fmt.Errorf("relay: sign probe: %w", err)
	}
	copy(p.Sig[:], sig)
	return nil
}

// Verify checks that p is signed by p.WatchDog.
func (p *Probe) Verify() error {
	return verify(p.Digest(), p.Sig, p.WatchDog, "probe")
}

// MarshalBinary encodes p (ProbeSize bytes; layout in the package doc).
func (p *Probe) MarshalBinary() ([]byte, error) {
	b := p.body()
	return append(b[:], p.Sig[:]...), nil
}

// UnmarshalBinary decodes a probe result. It does not check the signature.
func (p *Probe) UnmarshalBinary(b []byte) error {
	if len(b) != ProbeSize || b[0] != Version || b[57] > 1 {
		return fmt.Errorf("%w: probe of %d bytes", ErrMalformed, len(b))
	}
	p.Epoch = binary.BigEndian.Uint64(b[1:])
	copy(p.WatchDog[:], b[9:29])
	copy(p.Edge[:], b[29:49])
	p.Seq = binary.BigEndian.Uint64(b[49:])
	p.Answered = b[57] == 1
	p.RTTMicro = binary.BigEndian.Uint32(b[58:])
	p.Bytes = binary.BigEndian.Uint32(b[62:])
	copy(p.Sig[:], b[probeBody:])
	return nil
}
