package relay

import (
	"encoding/binary"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// A host hands its router the link receipts of one epoch in one frame
// (frameLinkReceipts, doc.go "Wire formats"): a receipt's version, epoch,
// Edge and endpoint are the same for all of them and known to the
// router (the frame's epoch, itself, the wallet of the connection), so
// each travels as its session, counts and signature, 89 bytes instead
// of 139. The router rebuilds each Receipt and checks its signature
// like any other (Collector.Add); what it hands in is unchanged.

// linkItemSize is one receipt in a frameLinkReceipts: session, bytes,
// frames (8 each) and the signature.
const linkItemSize = 8 + 8 + 8 + 65

// maxLinkBatch bounds the receipts of one frameLinkReceipts (a host with
// more for one router and epoch sends several frames).
const maxLinkBatch = 1024

// encodeLinkReceipts frames link receipts of one epoch for one router,
// signed by one endpoint.
func encodeLinkReceipts(epoch uint64, rs []Receipt) []byte {
	b := make([]byte, batchHeader, batchHeader+len(rs)*linkItemSize)
	b[0] = frameLinkReceipts
	binary.BigEndian.PutUint64(b[1:], epoch)
	for _, r := range rs {
		b = binary.BigEndian.AppendUint64(b, r.Session)
		b = binary.BigEndian.AppendUint64(b, r.Bytes)
		b = binary.BigEndian.AppendUint64(b, r.Frames)
		b = append(b, r.Sig[:]...)
	}
	return b
}

// decodeLinkReceipts parses a frameLinkReceipts that endpoint sent edge
// into its receipts. It does not check their signatures.
func decodeLinkReceipts(b []byte, edge, endpoint common.Address) ([]Receipt, error) {
	n := (len(b) - batchHeader) / linkItemSize
	if len(b) < batchHeader+linkItemSize || b[0] != frameLinkReceipts || (len(b)-batchHeader)%linkItemSize != 0 || n > maxLinkBatch {
		return nil, fmt.Errorf("%w: link receipts frame of %d bytes", ErrMalformed, len(b))
	}
	epoch := binary.BigEndian.Uint64(b[1:])
	rs := make([]Receipt, n)
	for i := range rs {
		it := b[batchHeader+i*linkItemSize:]
		rs[i] = Receipt{Epoch: epoch, Edge: edge, Endpoint: endpoint, Link: true,
			Session: binary.BigEndian.Uint64(it), Bytes: binary.BigEndian.Uint64(it[8:]), Frames: binary.BigEndian.Uint64(it[16:])}
		copy(rs[i].Sig[:], it[24:linkItemSize])
	}
	return rs, nil
}
