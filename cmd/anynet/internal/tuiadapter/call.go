package tuiadapter

import (
	"context"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
	"github.com/ethereum/go-ethereum/common"
)

// Call implements tui.Backend through the node's call API (the one
// `anynet chat call` uses).
func (b *Backend) Call(ctx context.Context, to, path string, bitrate int) (tui.CallResult, error) {
	r, err := b.C.Call(ctx, to, path, bitrate)
	if err != nil {
		return tui.CallResult{}, err
	}
	return callResult(r), nil
}

func callResult(r control.CallResult) tui.CallResult {
	return tui.CallResult{
		Peer: common.HexToAddress(r.Peer), Sent: r.Sent, Received: r.Received, Lost: r.Lost, LossRate: r.LossRate,
		Late: r.Late, Duplicates: r.Duplicates, Jitter: r.Jitter, RTTP50: r.RTTP50, RTTP99: r.RTTP99,
		Bytes: r.Bytes, Duration: r.Duration, Reported: r.Reported,
	}
}
