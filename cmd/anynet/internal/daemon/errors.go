package daemon

import "errors"

var (
	// ErrNoDataDir: the data directory does not exist.
	ErrNoDataDir = errors.New("daemon: no data directory")
	// ErrNoWallet: the keystore holds no wallet, or not the one asked.
	ErrNoWallet = errors.New("daemon: no wallet")
	// ErrPassphrase: the passphrase does not unlock the wallet.
	ErrPassphrase = errors.New("daemon: wrong passphrase")
	// ErrInUse: an address or the data directory is taken by another
	// process.
	ErrInUse = errors.New("daemon: in use")
	// ErrRouter: a router of `routers` cannot be attached to.
	ErrRouter = errors.New("daemon: router")
)
