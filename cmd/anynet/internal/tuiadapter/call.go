package tuiadapter

import (
	"context"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/cmd/anynet/internal/tui"
	"github.com/ethereum/go-ethereum/common"
)

// Call implements tui.Backend through the daemon's call API (the one
// `anynet chat call` uses).
func (b *Backend) Call(ctx context.Context, to, path string, bitrate int) (tui.CallResult, error) {
	r, err := b.D.Call(ctx, to, path, bitrate)
	if err != nil {
		return tui.CallResult{}, err
	}
	return callResult(r), nil
}

// callResult converts the control API's result, whose durations are
// time.Duration strings ("" or unparsable: zero).
func callResult(r control.CallResult) tui.CallResult {
	dur := func(s string) time.Duration {
		d, _ := time.ParseDuration(s)
		return d
	}
	return tui.CallResult{
		Peer: common.HexToAddress(r.Peer), Sent: r.Sent, Received: r.Received, Lost: r.Lost, LossRate: r.LossRate,
		Late: r.Late, Duplicates: r.Duplicates, Jitter: dur(r.Jitter), RTTP50: dur(r.RTTP50), RTTP99: dur(r.RTTP99),
		Bytes: r.Bytes, Duration: dur(r.Duration), Reported: r.Reported,
	}
}
