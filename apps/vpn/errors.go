package vpn

import (
	"errors"
	"fmt"
)

// Sentinel errors. A refusal from an exit reaches the client as a
// *RefusedError whose Unwrap is one of the Err… below, so callers use
// errors.Is.
var (
	// ErrDestination: the exit's policy refuses the destination's
	// address (loopback, private, link-local, multicast, cloud
	// metadata, the exit's own networks, or a range its owner denied).
	ErrDestination = errors.New("vpn: destination refused by exit policy")
	// ErrPort: the exit's policy does not allow the destination port.
	ErrPort = errors.New("vpn: port not allowed by exit policy")
	// ErrWallet: the exit does not serve the client's wallet.
	ErrWallet = errors.New("vpn: wallet not allowed by exit")
	// ErrRate: the client opened sessions faster than the exit allows.
	ErrRate = errors.New("vpn: session rate limit reached")
	// ErrBytes: the client used its byte allowance for the window.
	ErrBytes = errors.New("vpn: byte limit reached")
	// ErrResolve: the exit could not resolve the destination name.
	ErrResolve = errors.New("vpn: exit could not resolve destination")
	// ErrConnect: the exit could not reach the destination.
	ErrConnect = errors.New("vpn: exit could not reach destination")
	// ErrBadRequest: a request the exit could not parse.
	ErrBadRequest = errors.New("vpn: bad request")
	// ErrNoExit: no exit could be reached (every one tried failed).
	ErrNoExit = errors.New("vpn: no exit reachable")
	// ErrClosed: the exit, client or proxy was closed.
	ErrClosed = errors.New("vpn: closed")
	// ErrMalformed: bytes that do not parse as the wire format says.
	ErrMalformed = errors.New("vpn: malformed message")
	// ErrUnpaid: the exit charges and the client's wallet owes it more
	// than its credit (apps/pay's Tally): new sessions are refused and
	// running ones stop until a payment arrives.
	ErrUnpaid = errors.New("vpn: traffic not paid for")
	// ErrPrice: the exit's advertised rate is more than the client's
	// Payment.Max (or in another token); the client does not use it.
	ErrPrice = errors.New("vpn: exit's price over the client's maximum")
	// ErrNoRecord: the exit holds no signed usage record of that
	// session for this wallet (it does not sign, or the session is not
	// the wallet's or unknown).
	ErrNoRecord = errors.New("vpn: no usage record")
	// ErrForged: a usage record whose signature is not the exit's over
	// its counters (altered, or signed by another key).
	ErrForged = errors.New("vpn: usage record not signed by the exit")
)

// Code is a reply's status on the wire (doc.go, "Reply").
type Code uint8

// Reply codes.
const (
	CodeOK Code = iota
	CodeDestination
	CodePort
	CodeWallet
	CodeRate
	CodeBytes
	CodeResolve
	CodeConnect
	CodeBadRequest
	CodeUnpaid
	CodeNoRecord
)

var codeErrs = map[Code]error{
	CodeDestination: ErrDestination,
	CodePort:        ErrPort,
	CodeWallet:      ErrWallet,
	CodeRate:        ErrRate,
	CodeBytes:       ErrBytes,
	CodeResolve:     ErrResolve,
	CodeConnect:     ErrConnect,
	CodeBadRequest:  ErrBadRequest,
	CodeUnpaid:      ErrUnpaid,
	CodeNoRecord:    ErrNoRecord,
}

// codeOf maps an error to its reply code (CodeConnect for anything
// unknown).
func codeOf(err error) Code {
	for c := CodeDestination; c <= CodeNoRecord; c++ {
		if errors.Is(err, codeErrs[c]) {
			return c
		}
	}
	return CodeConnect
}

// RefusedError is an exit's refusal as the client sees it: the exit's
// wallet, the code and the exit's explanation.
type RefusedError struct {
	Exit string // the exit as the client named it
	Code Code
	Msg  string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("vpn: exit %s refused: %s", e.Exit, e.Msg)
}

// Unwrap returns the sentinel of e.Code.
func (e *RefusedError) Unwrap() error {
	if err, ok := codeErrs[e.Code]; ok {
		return err
	}
	return ErrConnect
}
