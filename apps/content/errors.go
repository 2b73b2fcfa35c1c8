package content

import "errors"

var (
	// ErrBadID: text that is neither 64 hex digits nor a raw BLAKE3 CIDv1.
	ErrBadID = errors.New("content: bad content id")
	// ErrNotFound: no such blob, share or entry.
	ErrNotFound = errors.New("content: not found")
	// ErrDenied: the caller's wallet may not read this.
	ErrDenied = errors.New("content: access denied")
	// ErrCorrupt: bytes that do not match their content id.
	ErrCorrupt = errors.New("content: verification failed")
	// ErrNoProviders: every provider of a download failed or was dropped.
	ErrNoProviders = errors.New("content: no providers left")
	// ErrMalformed: a frame or record that does not parse.
	ErrMalformed = errors.New("content: malformed")
	// ErrBadLink: a link that is not "NAME/path", "0xWALLET/path" or "ID".
	ErrBadLink = errors.New("content: bad link")
	// ErrForged: a signed mirror list that does not verify.
	ErrForged = errors.New("content: forged or stale mirror list")
	// ErrUnknownInstance: a peer address of an instance (InstancePeer)
	// the service was not told of (Service.Fetch learns them).
	ErrUnknownInstance = errors.New("content: unknown instance")
	// ErrClosed: the service was used after Close.
	ErrClosed = errors.New("content: closed")
)

var (
	// ErrTimeout: a provider did not answer in time.
	ErrTimeout = errors.New("content: provider timed out")
	// ErrUnreachable: a provider's connection failed or ended.
	ErrUnreachable = errors.New("content: provider unreachable")
	// ErrRefused: a provider answered that it has no such blob or
	// refuses the caller.
	ErrRefused = errors.New("content: provider refused")
)
