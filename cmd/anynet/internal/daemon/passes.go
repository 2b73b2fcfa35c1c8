package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/anynet/anynet/cmd/anynet/internal/control"
	"github.com/anynet/anynet/link/locator"
	"github.com/anynet/anynet/naming"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
)

// This file serves `anynet pass`: network passes on chain (naming's
// NetworkPasses), read and written with the node's wallet. Writes are
// checked against the chain first, so a refusal names its cause (the
// holder, the overlapping pass, the parent's prefix) rather than a bare
// revert; a revert that still happens (a race with another writer) is
// mapped from the contract's reason.

var _ control.PassBackend = (*Daemon)(nil)

// passPrefix is a pass's prefix as a locator prefix.
func passPrefix(p *naming.Pass) locator.Prefix {
	pfx, _ := locator.PrefixFrom(locator.Locator(p.Prefix), int(p.Len)) // Len ≤ 255
	return pfx
}

// passName is "pass ID (PREFIX)".
func passName(p *naming.Pass) string { return fmt.Sprintf("pass %s (%s)", p.ID, passPrefix(p)) }

// passErr maps naming's errors onto the control API's.
func passErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, naming.ErrNoContract):
		return fmt.Errorf("%w: this chain has no network passes contract (%v)", control.ErrUnsupported, err)
	case errors.Is(err, naming.ErrNotFound):
		return fmt.Errorf("%w: %s", control.ErrNotFound, strings.TrimPrefix(err.Error(), naming.ErrNotFound.Error()+": "))
	case errors.Is(err, naming.ErrReverted):
		for reason, why := range map[string]string{
			"passes: not holder":             "this node's wallet does not hold the pass",
			"passes: not owner":              "this node's wallet does not hold the pass",
			"passes: not admin":              "only the passes contract's admin mints root passes",
			"passes: overlaps":               "the prefix overlaps a pass already there",
			"passes: outside parent":         "the prefix lies outside the parent pass",
			"passes: not longer than parent": "the prefix is not longer than the parent pass's",
			"passes: no such pass":           "no such pass",
		} {
			if strings.Contains(err.Error(), reason) {
				return fmt.Errorf("%w: %s (%v)", control.ErrRefused, why, err)
			}
		}
	}
	return err
}

// passTxErr is passErr of a write, saying which: "control: refused:
// mint 0/8: the prefix overlaps …".
func passTxErr(what string, err error) error {
	err = passErr(err)
	for _, s := range []error{control.ErrRefused, control.ErrNotFound, control.ErrUnsupported} {
		if errors.Is(err, s) {
			return fmt.Errorf("%w: %s: %s", s, what, strings.TrimPrefix(err.Error(), s.Error()+": "))
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// passReader reads passes for the control API: the daemon's, with its
// wallet as self, and ChainOnly's, with none.
type passReader struct {
	names *naming.Client
	self  common.Address
}

func (d *Daemon) passReader() passReader { return passReader{d.names, d.wallet} }

// view turns a pass into the control API's view, with its children.
func (r passReader) view(ctx context.Context, p *naming.Pass) (control.Pass, error) {
	v := control.Pass{
		ID: p.ID.String(), Prefix: passPrefix(p).String(), Owner: p.Owner.Hex(), Mine: r.self != (common.Address{}) && p.Owner == r.self,
		Price: "0", Routers: append([]string{}, p.Routers...), Children: []control.PassRef{},
	}
	if p.Parent != nil && p.Parent.Sign() > 0 {
		v.Parent = p.Parent.String()
	}
	if p.Price != nil {
		v.Price = p.Price.String()
	}
	kids, err := r.names.Children(ctx, p.ID)
	if err != nil {
		return v, passErr(err)
	}
	for _, id := range kids {
		k, err := r.names.Pass(ctx, id)
		if err != nil {
			return v, passErr(err)
		}
		v.Children = append(v.Children, control.PassRef{ID: id.String(), Prefix: passPrefix(k).String()})
	}
	return v, nil
}

// at returns the deepest pass holding all of prefix pfx: the deepest one
// holding its first locator, or the nearest ancestor of that one no
// longer than pfx.
func (r passReader) at(ctx context.Context, pfx locator.Prefix) (*naming.Pass, error) {
	p, err := r.names.PassFor(ctx, pfx.Addr())
	for err == nil && int(p.Len) > pfx.Bits() {
		if p.Parent == nil || p.Parent.Sign() == 0 {
			return nil, fmt.Errorf("%w: no pass holds %s", naming.ErrNotFound, pfx)
		}
		p, err = r.names.Pass(ctx, p.Parent)
	}
	if errors.Is(err, naming.ErrNotFound) {
		return nil, fmt.Errorf("%w: no pass holds %s", naming.ErrNotFound, pfx)
	}
	return p, err
}

// PassShow implements control.PassBackend.
func (d *Daemon) PassShow(ctx context.Context, ref string) (control.Pass, error) {
	return d.passReader().show(ctx, ref)
}

// show returns the pass ref names (an ID, else the deepest pass holding a
// prefix or locator).
func (r passReader) show(ctx context.Context, ref string) (control.Pass, error) {
	kind, err := control.PassRefKind(ref)
	if err != nil {
		return control.Pass{}, err
	}
	var p *naming.Pass
	switch kind {
	case "id":
		id, _ := control.ParsePassID(ref)
		p, err = r.names.Pass(ctx, id)
		if errors.Is(err, naming.ErrNotFound) {
			err = fmt.Errorf("%w: no pass %s on chain", naming.ErrNotFound, id)
		}
	case "prefix":
		pfx, _ := control.ParsePassPrefix(ref)
		p, err = r.at(ctx, pfx)
	default:
		l, _ := locator.Parse(ref)
		p, err = r.names.PassFor(ctx, l)
		if errors.Is(err, naming.ErrNotFound) {
			err = fmt.Errorf("%w: no pass holds %s", naming.ErrNotFound, l)
		}
	}
	if err != nil {
		return control.Pass{}, passErr(err)
	}
	return r.view(ctx, p)
}

// PassList implements control.PassBackend: every pass the wallet holds,
// found by walking the tree of passes (naming.Client.PassesOf).
func (d *Daemon) PassList(ctx context.Context) ([]control.Pass, error) {
	ps, err := d.names.PassesOf(ctx, d.wallet)
	if err != nil {
		return nil, passErr(err)
	}
	out := make([]control.Pass, 0, len(ps))
	for _, p := range ps {
		v, err := d.passReader().view(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// PassMint implements control.PassBackend. The passes contract's admin
// is the account that deployed it: on the embedded chain its dev
// account, whose key this node holds only if it embeds the chain; a node
// whose own wallet deployed the contracts mints with it.
func (d *Daemon) PassMint(ctx context.Context, prefix, to string) (control.Pass, error) {
	pfx, err := control.ParsePassPrefix(prefix)
	if err != nil {
		return control.Pass{}, err
	}
	holder := d.wallet
	if to != "" {
		if holder, _, err = d.lookup(ctx, to); err != nil {
			return control.Pass{}, err
		}
	}
	admin, err := d.names.PassAdmin(ctx)
	if err != nil {
		return control.Pass{}, passErr(err)
	}
	var auth *bind.TransactOpts
	switch {
	case d.emb != nil && d.emb.DevAddress() == admin:
		auth = d.emb.DeployerAuth()
		auth.Context = ctx
	case d.wallet == admin:
		if auth, err = d.txAuth(ctx); err != nil {
			return control.Pass{}, err
		}
	default:
		return control.Pass{}, fmt.Errorf("%w: only the passes contract's admin %s mints root passes, and this node (wallet %s, chain %s) does not hold its key; mint where the chain is embedded (`anynet --dir DIR pass mint %s --to %s` with the DIR of the node or chain serve process serving it), or have a holder subdivide or transfer a pass to %s",
			control.ErrUnsupported, admin.Hex(), d.wallet.Hex(), d.chainDesc(), pfx, holder.Hex(), holder.Hex())
	}
	return d.passReader().mint(ctx, auth, holder, pfx, d.log)
}

// mint creates the root pass for pfx held by holder, signed by auth (the
// passes' admin); a pass already holding pfx is refused by name.
func (r passReader) mint(ctx context.Context, auth *bind.TransactOpts, holder common.Address, pfx locator.Prefix, log *slog.Logger) (control.Pass, error) {
	if p, err := r.at(ctx, pfx); err == nil {
		return control.Pass{}, fmt.Errorf("%w: %s overlaps %s held by %s (`anynet pass subdivide %s %s` on that wallet's node)", control.ErrRefused, pfx, passName(p), p.Owner.Hex(), p.ID, pfx)
	}
	id, err := r.names.MintPass(ctx, auth, holder, pfx.Addr(), uint8(pfx.Bits()))
	for try := 0; try < 3 && nonceRace(err); try++ {
		// The dev account also pays the chain's faucet, whose transfers
		// take nonces outside this client: ask for a fresh one.
		id, err = r.names.MintPass(ctx, auth, holder, pfx.Addr(), uint8(pfx.Bits()))
	}
	if err != nil {
		return control.Pass{}, passTxErr("mint "+pfx.String(), err)
	}
	log.Info("network pass minted", "pass", id, "prefix", pfx.String(), "holder", holder.Hex())
	return r.show(ctx, id.String())
}

// nonceRace reports a transaction that lost its nonce to another one of
// the same account.
func nonceRace(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "nonce too low") || strings.Contains(s, "replacement transaction underpriced") || strings.Contains(s, "already known")
}

// heldPass reads pass id and checks that this node's wallet holds it.
func (d *Daemon) heldPass(ctx context.Context, id string) (*naming.Pass, error) {
	n, err := control.ParsePassID(id)
	if err != nil {
		return nil, err
	}
	p, err := d.names.Pass(ctx, n)
	if errors.Is(err, naming.ErrNotFound) {
		return nil, fmt.Errorf("%w: no pass %s on chain (see `anynet pass list`)", control.ErrNotFound, n)
	}
	if err != nil {
		return nil, passErr(err)
	}
	if p.Owner != d.wallet {
		return nil, fmt.Errorf("%w: %s is held by %s, not by this node's wallet %s", control.ErrRefused, passName(p), p.Owner.Hex(), d.wallet.Hex())
	}
	return p, nil
}

// PassSubdivide implements control.PassBackend.
func (d *Daemon) PassSubdivide(ctx context.Context, id, prefix string) (control.Pass, error) {
	pfx, err := control.ParsePassPrefix(prefix)
	if err != nil {
		return control.Pass{}, err
	}
	parent, err := d.heldPass(ctx, id)
	if err != nil {
		return control.Pass{}, err
	}
	outer := passPrefix(parent)
	switch {
	case !outer.ContainsPrefix(pfx):
		return control.Pass{}, fmt.Errorf("%w: %s lies outside %s", control.ErrRefused, pfx, passName(parent))
	case pfx.Bits() == outer.Bits():
		return control.Pass{}, fmt.Errorf("%w: %s is %s itself; subdivide into a longer prefix", control.ErrRefused, pfx, passName(parent))
	}
	kids, err := d.names.Children(ctx, parent.ID)
	if err != nil {
		return control.Pass{}, passErr(err)
	}
	for _, k := range kids {
		kp, err := d.names.Pass(ctx, k)
		if err != nil {
			return control.Pass{}, passErr(err)
		}
		if passPrefix(kp).Overlaps(pfx) {
			return control.Pass{}, fmt.Errorf("%w: %s overlaps %s, already subdivided from pass %s", control.ErrRefused, pfx, passName(kp), parent.ID)
		}
	}
	auth, err := d.txAuth(ctx)
	if err != nil {
		return control.Pass{}, err
	}
	nid, err := d.names.Subdivide(ctx, auth, parent.ID, pfx.Addr(), uint8(pfx.Bits()))
	if err != nil {
		return control.Pass{}, passTxErr("subdivide "+passName(parent), err)
	}
	d.log.Info("network pass subdivided", "pass", nid, "prefix", pfx.String(), "parent", parent.ID)
	return d.PassShow(ctx, nid.String())
}

// PassTransfer implements control.PassBackend. The transfer clears the
// pass's routers and offer (the contract does).
func (d *Daemon) PassTransfer(ctx context.Context, id, to string) (control.Pass, error) {
	if to == "" {
		return control.Pass{}, fmt.Errorf("%w: transfer to whom? give a 0x wallet or a name", control.ErrBadRequest)
	}
	p, err := d.heldPass(ctx, id)
	if err != nil {
		return control.Pass{}, err
	}
	dst, _, err := d.lookup(ctx, to)
	if err != nil {
		return control.Pass{}, err
	}
	if dst == (common.Address{}) {
		return control.Pass{}, fmt.Errorf("%w: transfer to the zero address would burn %s", control.ErrBadRequest, passName(p))
	}
	auth, err := d.txAuth(ctx)
	if err != nil {
		return control.Pass{}, err
	}
	if err := d.names.TransferPass(ctx, auth, p.ID, dst); err != nil {
		return control.Pass{}, passTxErr("transfer "+passName(p), err)
	}
	d.log.Info("network pass transferred", "pass", p.ID, "prefix", passPrefix(p).String(), "to", dst.Hex())
	return d.PassShow(ctx, p.ID.String())
}

// PassRouters implements control.PassBackend.
func (d *Daemon) PassRouters(ctx context.Context, id string, endpoints []string) (control.Pass, error) {
	eps := make([]string, 0, len(endpoints))
	for _, e := range endpoints {
		ap, err := control.ParseEndpoint(e)
		if err != nil {
			return control.Pass{}, err
		}
		eps = append(eps, ap.String())
	}
	p, err := d.heldPass(ctx, id)
	if err != nil {
		return control.Pass{}, err
	}
	auth, err := d.txAuth(ctx)
	if err != nil {
		return control.Pass{}, err
	}
	if err := d.names.SetRouters(ctx, auth, p.ID, eps); err != nil {
		return control.Pass{}, passTxErr("set the routers of "+passName(p), err)
	}
	d.log.Info("network pass routers set", "pass", p.ID, "prefix", passPrefix(p).String(), "routers", eps)
	return d.PassShow(ctx, p.ID.String())
}

// txAuth is the wallet's transactor, the wallet funded first on the
// embedded chain (as Register does).
func (d *Daemon) txAuth(ctx context.Context) (*bind.TransactOpts, error) {
	if d.emb != nil {
		if err := d.emb.Fund(ctx, d.wallet); err != nil {
			return nil, err
		}
	}
	return d.auth(ctx), nil
}
