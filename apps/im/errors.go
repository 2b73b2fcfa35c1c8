package im

import (
	"cmp"
	"errors"
	"fmt"
)

var (
	// ErrClosed is returned by a Service after Close.
	ErrClosed = errors.New("im: service closed")
	// ErrTooLarge: a text or frame over the configured size limit.
	ErrTooLarge = errors.New("im: message too large")
	// ErrEmpty: a message with no text.
	ErrEmpty = errors.New("im: empty message")
	// ErrRateLimited: the sender exceeded its per-sender rate limit.
	ErrRateLimited = errors.New("im: rate limited")
	// ErrBlocked: the recipient blocked the sender.
	ErrBlocked = errors.New("im: blocked by recipient")
	// ErrMalformed: bytes that do not parse as the wire format.
	ErrMalformed = errors.New("im: malformed frame")
	// ErrRefused: the peer refused a request for another reason (an edit
	// of someone else's message, a reaction to an unknown message).
	ErrRefused = errors.New("im: refused")
	// ErrNotMailbox: the node asked to keep a message is not a mailbox.
	ErrNotMailbox = errors.New("im: node is not a mailbox")
	// ErrMailboxFull: the mailbox holds its limit for that recipient.
	ErrMailboxFull = errors.New("im: mailbox full")
	// ErrUnreachable: the recipient could not be reached directly and no
	// mailbox took the message.
	ErrUnreachable = errors.New("im: recipient unreachable")
	// ErrNoKey: no sealing key is known for the recipient, so a mailbox
	// cannot be used.
	ErrNoKey = errors.New("im: no sealing key for recipient")
	// ErrUnknownPeer: a recipient that is neither a 0x wallet nor a name
	// the node's resolver knows.
	ErrUnknownPeer = errors.New("im: unknown recipient")
	// ErrNotFound: no such message, conversation or group.
	ErrNotFound = errors.New("im: not found")
	// ErrSelf: a message to this node's own wallet.
	ErrSelf = errors.New("im: message to self")
	// ErrNotMember: a group operation by a wallet without the role for it.
	ErrNotMember = errors.New("im: not a member with that role")
	// ErrIntegrity: a downloaded attachment does not hash to its offer.
	ErrIntegrity = errors.New("im: attachment integrity check failed")
	// ErrBadSeal: a sealed blob that does not open or whose sender key
	// does not match the sender's published key.
	ErrBadSeal = errors.New("im: sealed message does not open")
)

// ErrCode is the wire code of an ERROR frame.
type ErrCode uint8

// The codes of an ERROR frame (see doc.go).
const (
	CodeTooLarge    ErrCode = 1
	CodeRateLimited ErrCode = 2
	CodeBlocked     ErrCode = 3
	CodeMalformed   ErrCode = 4
	CodeRefused     ErrCode = 5
	CodeNotMailbox  ErrCode = 6
	CodeMailboxFull ErrCode = 7
)

var codeErrs = map[ErrCode]error{
	CodeTooLarge:    ErrTooLarge,
	CodeRateLimited: ErrRateLimited,
	CodeBlocked:     ErrBlocked,
	CodeMalformed:   ErrMalformed,
	CodeRefused:     ErrRefused,
	CodeNotMailbox:  ErrNotMailbox,
	CodeMailboxFull: ErrMailboxFull,
}

// codeOf maps a sentinel to its wire code (CodeRefused if none).
func codeOf(err error) ErrCode {
	for c, e := range codeErrs {
		if errors.Is(err, e) {
			return c
		}
	}
	return CodeRefused
}

// RemoteError is a refusal reported by the peer in an ERROR frame.
// errors.Is(err, ErrTooLarge) and friends hold for the matching code.
type RemoteError struct {
	Code   ErrCode
	Reason string
}

func (e *RemoteError) Error() string {
	return fmt.Sprintf("im: peer refused (code %d): %s", e.Code, e.Reason)
}

// Unwrap returns the sentinel of the code (ErrRefused if none).
func (e *RemoteError) Unwrap() error { return cmp.Or(codeErrs[e.Code], ErrRefused) }
