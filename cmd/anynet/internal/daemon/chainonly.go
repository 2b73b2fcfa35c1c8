//go:build !nochain

package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/common"
)

// ChainOnly is the control API of `anynet chain serve`: a process that
// runs only the embedded chain. It answers status, chain and fund; the
// node's verbs are ErrUnsupported.
type ChainOnly struct {
	Emb     *naming.Embedded
	Started time.Time
}

var _ control.Backend = (*ChainOnly)(nil)

var errChainOnly = fmt.Errorf("%w: this process only serves a chain (`anynet chain serve`); run `anynet up` for a node", control.ErrUnsupported)

// Status implements control.Backend.
func (c *ChainOnly) Status(context.Context) (control.Status, error) {
	return control.Status{Chain: "embedded (chain only, no node)", ChainServed: c.Emb.Chain.RPCURL(), ChainID: c.Emb.Chain.ChainID(), Started: c.Started}, nil
}

// Chain implements control.Backend.
func (c *ChainOnly) Chain(context.Context) (control.ChainInfo, error) {
	cfg := c.Emb.Client.Config()
	info := chainInfo(cfg)
	info.Mode, info.URL, info.ChainID = "embedded", c.Emb.Chain.RPCURL(), c.Emb.Chain.ChainID()
	return info, nil
}

// Fund implements control.Backend.
func (c *ChainOnly) Fund(ctx context.Context, wallet string) error {
	if !common.IsHexAddress(wallet) {
		return fmt.Errorf("%w: %q is not a wallet address", control.ErrBadRequest, wallet)
	}
	return c.Emb.Fund(ctx, common.HexToAddress(wallet))
}

func (c *ChainOnly) Peers(context.Context) ([]control.Peer, error) { return nil, errChainOnly }
func (c *ChainOnly) Routes(context.Context) (control.Routes, error) {
	return control.Routes{}, errChainOnly
}
func (c *ChainOnly) Resolve(context.Context, string, ...string) (control.Resolved, error) {
	return control.Resolved{}, errChainOnly
}
func (c *ChainOnly) Register(context.Context, string, bool) (control.Registered, error) {
	return control.Registered{}, errChainOnly
}
func (c *ChainOnly) Ping(context.Context, string, int) (control.PingResult, error) {
	return control.PingResult{}, errChainOnly
}
func (c *ChainOnly) ChatSend(context.Context, string, string) (control.ChatMessage, error) {
	return control.ChatMessage{}, errChainOnly
}
func (c *ChainOnly) ChatList(context.Context) ([]control.ChatConversation, error) {
	return nil, errChainOnly
}
func (c *ChainOnly) ChatRead(context.Context, string, int, bool) ([]control.ChatMessage, error) {
	return nil, errChainOnly
}
