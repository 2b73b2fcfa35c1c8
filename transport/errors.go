package transport

import "errors"

// Sentinel errors. Receive wraps them with context; callers test with
// errors.Is. Every drop is also counted in Stats.
var (
	// ErrNoSession: no session with the peer can send now; the caller
	// queues and calls Initiate.
	ErrNoSession = errors.New("transport: no session")
	// ErrMalformed: a message too short, too long or of an unknown type.
	ErrMalformed = errors.New("transport: malformed message")
	// ErrReplay: a data message already received or older than the replay
	// window, or a handshake initiation not newer than the last one from
	// the same node key.
	ErrReplay = errors.New("transport: replayed message")
	// ErrAuth: a message failed authenticated decryption.
	ErrAuth = errors.New("transport: message authentication failed")
	// ErrUnknownIndex: no session or handshake has the receiver index.
	ErrUnknownIndex = errors.New("transport: unknown receiver index")
	// ErrSessionExpired: the session is older than RejectAfterTime or
	// used up RejectAfterMessages.
	ErrSessionExpired = errors.New("transport: session expired")
	// ErrMAC: an initiation without a valid mac1 (the cheap pre-check).
	ErrMAC = errors.New("transport: bad mac1")
	// ErrRateLimited: under load, an initiation over its source's rate.
	ErrRateLimited = errors.New("transport: initiation rate limited")

	// ErrBadSignature: a binding whose signature does not recover to
	// its wallet.
	ErrBadSignature = errors.New("transport: bad binding signature")
	// ErrWrongWallet: the binding names another wallet than the one the
	// initiator asked for (or than the peer already known for that key).
	ErrWrongWallet = errors.New("transport: binding names the wrong wallet")
	// ErrExpired: the binding's expiry has passed.
	ErrExpired = errors.New("transport: binding expired")
	// ErrNodeKeyMismatch: the binding delegates to another node key than
	// the Noise static key the peer proved.
	ErrNodeKeyMismatch = errors.New("transport: binding node key mismatch")
	// ErrWrongChain: the binding names another chain.
	ErrWrongChain = errors.New("transport: binding names the wrong chain")
	// ErrRefused: Config.Check refused the binding (revoked, unknown …);
	// the Check error is wrapped too.
	ErrRefused = errors.New("transport: binding refused")
)
