package mq

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/nats-io/nats-server/v2/server"
)

// walletAuth is the engine's client authentication: a client is the
// wallet in its CONNECT user field when the password is this node's MAC
// of that wallet. Only this package writes CONNECT lines with the MAC
// (after the overlay verified the wallet, or for the loopback owner), so
// a client cannot claim another wallet; its permissions come from the
// owner's policy.
type walletAuth struct {
	key   []byte         // MAC key, random per server run
	owner common.Address // full rights

	mu      sync.RWMutex // guards pol, members
	pol     Policy
	members []common.Address // the cluster's other members: owners too
}

var _ server.Authentication = (*walletAuth)(nil)

// pass is the password the CONNECT of wallet w carries.
func (a *walletAuth) pass(w common.Address) string {
	m := hmac.New(sha256.New, a.key)
	m.Write(w.Bytes())
	return hex.EncodeToString(m.Sum(nil))
}

// routePass is the password of member w's routes (a MAC apart from
// clients' passwords).
func (a *walletAuth) routePass(w common.Address) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte("route\x00"))
	m.Write(w.Bytes())
	return hex.EncodeToString(m.Sum(nil))
}

func (a *walletAuth) setMembers(ms []common.Address) {
	a.mu.Lock()
	a.members = ms
	a.mu.Unlock()
}

// isMember reports whether w is another member of this node's cluster.
func (a *walletAuth) isMember(w common.Address) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return slices.Contains(a.members, w)
}

func (a *walletAuth) setPolicy(p Policy) {
	a.mu.Lock()
	a.pol = p
	a.mu.Unlock()
}

func (a *walletAuth) policy() Policy {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.pol
}

// Check implements server.Authentication.
func (a *walletAuth) Check(c server.ClientAuthentication) bool {
	o := c.GetOpts()
	if !common.IsHexAddress(o.Username) {
		return false
	}
	w := common.HexToAddress(o.Username)
	if !hmac.Equal([]byte(o.Password), []byte(a.pass(w))) {
		return false
	}
	if w == a.owner || a.isMember(w) {
		c.RegisterUser(&server.User{Username: w.Hex()})
		return true
	}
	g, ok := a.policy().grantFor(w)
	if !ok {
		return false
	}
	c.RegisterUser(&server.User{Username: w.Hex(), Permissions: g.Permissions()})
	return true
}
