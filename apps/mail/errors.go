package mail

import "errors"

var (
	// ErrMalformed: bytes that do not parse as the wire format.
	ErrMalformed = errors.New("mail: malformed frame")
	// ErrTooLarge: a message over the size limit.
	ErrTooLarge = errors.New("mail: message too large")
	// ErrRateLimited: too many messages from one sender for now.
	ErrRateLimited = errors.New("mail: rate limited")
	// ErrDenied: the recipient does not take mail from this sender.
	ErrDenied = errors.New("mail: refused by the recipient")
	// ErrBadAddress: an address that is not an anynet address.
	ErrBadAddress = errors.New("mail: not an anynet address")
	// ErrSelf: mail to one's own wallet.
	ErrSelf = errors.New("mail: recipient is this node's own wallet")
	// ErrBadSeal: a sealed message that does not open, or whose sender
	// is not who it claims.
	ErrBadSeal = errors.New("mail: bad seal")
	// ErrNoKey: the recipient publishes no mail key (AnynetMail entry).
	ErrNoKey = errors.New("mail: recipient publishes no mail key")
	// ErrNotFound: no such message or folder.
	ErrNotFound = errors.New("mail: not found")
	// ErrRefused: a command or request the core does not take.
	ErrRefused = errors.New("mail: refused")
	// ErrClosed: the service was closed.
	ErrClosed = errors.New("mail: service closed")
)
