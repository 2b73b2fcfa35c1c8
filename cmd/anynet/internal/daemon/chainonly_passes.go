//go:build !nochain

package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/ethereum/go-ethereum/common"
)

// `anynet chain serve` runs the embedded chain and so holds its dev
// account, the passes' admin: it shows and mints passes (to a wallet or
// name given with --to), which nodes joining its chain by URL cannot.
// It has no wallet of its own, so it lists, subdivides, transfers and
// sets routers of nothing.

var _ control.PassBackend = (*ChainOnly)(nil)

var errChainOnlyPasses = fmt.Errorf("%w: this process only serves a chain and holds no wallet: run the pass verbs against the node holding the pass (`anynet --dir ITS_DIR pass ...`)", control.ErrUnsupported)

// PassShow implements control.PassBackend.
func (c *ChainOnly) PassShow(ctx context.Context, ref string) (control.Pass, error) {
	return passReader{names: c.Emb.Client}.show(ctx, ref)
}

// PassMint implements control.PassBackend with the chain's dev account.
func (c *ChainOnly) PassMint(ctx context.Context, prefix, to string) (control.Pass, error) {
	pfx, err := control.ParsePassPrefix(prefix)
	if err != nil {
		return control.Pass{}, err
	}
	var holder common.Address
	switch {
	case to == "":
		return control.Pass{}, fmt.Errorf("%w: this process holds no wallet: say who holds the new pass with --to 0xWALLET (or a name)", control.ErrBadRequest)
	case common.IsHexAddress(to) && strings.HasPrefix(to, "0x"):
		holder = common.HexToAddress(to)
	default:
		name := to
		if !strings.Contains(name, ".") {
			name += "." + c.Emb.Client.Config().TLD
		}
		if holder, err = c.Emb.Client.Resolve(ctx, name); err != nil {
			return control.Pass{}, fmt.Errorf("%w: %s is not registered on chain: %v", control.ErrNotFound, name, err)
		}
	}
	auth := c.Emb.Chain.DeployerAuth()
	auth.Context = ctx
	return passReader{names: c.Emb.Client}.mint(ctx, auth, holder, pfx, slog.New(slog.DiscardHandler))
}

func (c *ChainOnly) PassList(context.Context) ([]control.Pass, error) { return nil, errChainOnlyPasses }
func (c *ChainOnly) PassSubdivide(context.Context, string, string) (control.Pass, error) {
	return control.Pass{}, errChainOnlyPasses
}
func (c *ChainOnly) PassTransfer(context.Context, string, string) (control.Pass, error) {
	return control.Pass{}, errChainOnlyPasses
}
func (c *ChainOnly) PassRouters(context.Context, string, []string) (control.Pass, error) {
	return control.Pass{}, errChainOnlyPasses
}
