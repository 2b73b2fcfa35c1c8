package mq

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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
	mu    sync.RWMutex   // guards policy
	pol   Policy
}

var _ server.Authentication = (*walletAuth)(nil)

// pass is the password the CONNECT of wallet w carries.
func (a *walletAuth) pass(w common.Address) string {
	m := hmac.New(sha256.New, a.key)
	m.Write(w.Bytes())
	return hex.EncodeToString(m.Sum(nil))
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
	if w == a.owner {
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
