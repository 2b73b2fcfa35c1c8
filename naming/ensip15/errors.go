package ensip15

import "errors"

// ErrInvalid is wrapped by every refusal; the message says which label
// and why (disallowed character, illegal mixture, placement, ...).
var ErrInvalid = errors.New("ensip15: invalid name")
