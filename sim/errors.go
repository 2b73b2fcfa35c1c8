package sim

import (
	"errors"
	"fmt"
)

var (
	// ErrScenario: a scenario file that does not parse or does not make
	// sense.
	ErrScenario = errors.New("sim: bad scenario")
	// ErrInvariant: a run broke one of its invariants; the error names
	// the seed that reproduces it.
	ErrInvariant = errors.New("sim: invariant violated")
	// errNoDocument answers a service's lookup of a wallet the run
	// publishes no DID document for.
	errNoDocument = errors.New("sim: no DID document")
)

// InvariantError is one violated invariant, with what reproduces it.
type InvariantError struct {
	Seed uint64
	At   Duration // virtual time of the check
	What string
}

func (e *InvariantError) Error() string {
	return fmt.Sprintf("sim: invariant violated at %s: %s (reproduce with --seed %d)", e.At, e.What, e.Seed)
}

// Unwrap makes errors.Is(err, ErrInvariant) true.
func (e *InvariantError) Unwrap() error { return ErrInvariant }
