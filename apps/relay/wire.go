package relay

import (
	"encoding/binary"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// Frame types of the relay protocol between cores (port RelayPort).
const (
	frameData    = 1 // endpoint → Edge: flow, destination, flags, payload
	frameRelayed = 2 // Edge → endpoint: flow, source, flags, payload
	frameReceipt = 3 // endpoint → Edge: one Receipt
	frameSubmit  = 4 // Edge → Guardian: epoch, receipts
	frameProbes  = 5 // WatchDog → Guardian: epoch, probe results
	frameAck     = 6 // Guardian → Edge or WatchDog: kind, epoch of a batch it holds
	frameWallets = 7 // WatchDog → Guardian: epoch, its signed ProbeWallets of the epoch
	frameRouters = 8 // host → routed peer: count (1), the routers it reaches the peer through (20 each)
	// frameLinkReceipts: host → router: epoch, its link receipts of the epoch for the router (linkwire.go)
	frameLinkReceipts = 9
	maxPathRouters    = 4 // routers a frameRouters names at most
	flagEcho          = 1 // the receiver sends the payload back through the Edge
	dataHeader        = 1 + 8 + 20 + 1
	batchHeader       = 1 + 8
	maxBatchItems     = 1 << 16
)

// dataFrame is a frameData or frameRelayed: peer is the destination of
// frameData and the source of frameRelayed.
type dataFrame struct {
	kind    byte
	flow    uint64
	peer    common.Address
	flags   byte
	payload []byte
}

func (f dataFrame) encode() []byte {
	b := make([]byte, dataHeader+len(f.payload))
	b[0] = f.kind
	binary.BigEndian.PutUint64(b[1:], f.flow)
	copy(b[9:], f.peer[:])
	b[29] = f.flags
	copy(b[dataHeader:], f.payload)
	return b
}

func decodeData(b []byte) (dataFrame, error) {
	if len(b) < dataHeader || (b[0] != frameData && b[0] != frameRelayed) {
		return dataFrame{}, fmt.Errorf("%w: data frame of %d bytes", ErrMalformed, len(b))
	}
	f := dataFrame{kind: b[0], flow: binary.BigEndian.Uint64(b[1:]), flags: b[29], payload: b[dataHeader:]}
	copy(f.peer[:], b[9:29])
	return f, nil
}

// encodeBatch frames items (each of size bytes) of an epoch.
func encodeBatch(kind byte, epoch uint64, items [][]byte) []byte {
	b := make([]byte, batchHeader, batchHeader+len(items)*ReceiptSize)
	b[0] = kind
	binary.BigEndian.PutUint64(b[1:], epoch)
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

// decodeBatch splits a frameSubmit or frameProbes into its items.
func decodeBatch(b []byte, size int) (uint64, [][]byte, error) {
	if len(b) < batchHeader || (len(b)-batchHeader)%size != 0 || (len(b)-batchHeader)/size > maxBatchItems {
		return 0, nil, fmt.Errorf("%w: batch of %d bytes", ErrMalformed, len(b))
	}
	epoch := binary.BigEndian.Uint64(b[1:])
	var items [][]byte
	for at := batchHeader; at < len(b); at += size {
		items = append(items, b[at:at+size])
	}
	return epoch, items, nil
}
