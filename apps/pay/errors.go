package pay

import (
	"errors"
	"fmt"
)

var (
	// ErrWrongAmount: a transfer or voucher that does not pay the amount it
	// states, or not the amount asked.
	ErrWrongAmount = errors.New("pay: wrong amount")
	// ErrExpired: a transfer or invoice past its valid-before time.
	ErrExpired = errors.New("pay: expired")
	// ErrReplayed: a transfer already submitted (its hash, or a nonce the
	// payer's account has used), or a voucher whose cumulative amount is
	// not above the last one accepted.
	ErrReplayed = errors.New("pay: replayed")
	// ErrForeignSigner: a transfer or voucher not signed by the wallet at
	// the other end of the connection (or by the channel's payer).
	ErrForeignSigner = errors.New("pay: signed by another wallet")
	// ErrWrongChain: a transfer for another chain, or a voucher for
	// another channel contract.
	ErrWrongChain = errors.New("pay: wrong chain")
	// ErrWrongPayee: a transfer or channel that pays someone else.
	ErrWrongPayee = errors.New("pay: pays another wallet")
	// ErrUnknownChannel: a voucher or close for a channel that is not on
	// chain, not open, or not between these two wallets.
	ErrUnknownChannel = errors.New("pay: unknown channel")
	// ErrOverDeposit: a voucher for more than the channel holds.
	ErrOverDeposit = errors.New("pay: voucher exceeds the channel's deposit")
	// ErrMalformed: bytes that do not parse as the wire format.
	ErrMalformed = errors.New("pay: malformed message")
	// ErrFailed: the transaction was mined but reverted, or the chain
	// refused it.
	ErrFailed = errors.New("pay: transaction failed")
	// ErrRefused: the peer refused for a reason without its own code.
	ErrRefused = errors.New("pay: refused")
	// ErrClosed: the payee or channel was closed.
	ErrClosed = errors.New("pay: closed")
)

// Code is the wire code of an ERROR message (see doc.go).
type Code uint16

// The codes of an ERROR message.
const (
	CodeRefused        Code = 1
	CodeMalformed      Code = 2
	CodeWrongAmount    Code = 3
	CodeExpired        Code = 4
	CodeReplayed       Code = 5
	CodeForeignSigner  Code = 6
	CodeWrongChain     Code = 7
	CodeWrongPayee     Code = 8
	CodeUnknownChannel Code = 9
	CodeOverDeposit    Code = 10
	CodeFailed         Code = 11
)

// codes lists each code's sentinel, in code order.
var codes = []struct {
	code Code
	err  error
}{
	{CodeRefused, ErrRefused},
	{CodeMalformed, ErrMalformed},
	{CodeWrongAmount, ErrWrongAmount},
	{CodeExpired, ErrExpired},
	{CodeReplayed, ErrReplayed},
	{CodeForeignSigner, ErrForeignSigner},
	{CodeWrongChain, ErrWrongChain},
	{CodeWrongPayee, ErrWrongPayee},
	{CodeUnknownChannel, ErrUnknownChannel},
	{CodeOverDeposit, ErrOverDeposit},
	{CodeFailed, ErrFailed},
}

// codeOf maps an error onto its wire code (CodeRefused if none matches).
func codeOf(err error) Code {
	for _, c := range codes[1:] {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return CodeRefused
}

// PeerError is a refusal received from the peer: its code's sentinel
// (errors.Is works) and the peer's message.
type PeerError struct {
	Code    Code
	Message string
}

func (e *PeerError) Error() string {
	return fmt.Sprintf("pay: peer refused: %s", e.Message)
}

// Unwrap returns the sentinel of the code (ErrRefused for an unknown one).
func (e *PeerError) Unwrap() error {
	for _, c := range codes {
		if c.code == e.Code {
			return c.err
		}
	}
	return ErrRefused
}
