package transport

import "time"

// Timers are the WireGuard-style timer constants, plus the limits that
// decide when the node is under a handshake flood.
type Timers struct {
	// RekeyAfterTime: the initiator of a session starts a new handshake
	// when it sends on a session this old. Default 120 s.
	RekeyAfterTime time.Duration
	// RejectAfterTime: a session this old neither sends nor receives.
	// Default 180 s.
	RejectAfterTime time.Duration
	// RekeyTimeout: an unanswered initiation is retransmitted after this
	// long. Default 5 s.
	RekeyTimeout time.Duration
	// KeepaliveTimeout: a peer that received data and sent nothing for
	// this long sends an empty data message. Default 10 s.
	KeepaliveTimeout time.Duration
	// HandshakeGiveUp: retransmission stops after this long without a
	// response. Default 90 s (WireGuard's RekeyAttemptTime).
	HandshakeGiveUp time.Duration

	// RekeyAfterMessages: a new handshake starts once a session sealed
	// this many messages. Default 2^60.
	RekeyAfterMessages uint64
	// RejectAfterMessages: a session seals and accepts counters below
	// this only. Default 2^64 - 2^13 - 1.
	RejectAfterMessages uint64

	// LoadThreshold: more handshake initiations than this per second put
	// the node under load, when initiations need a valid mac2 (a cookie)
	// and pass a per-source token bucket. Default 1000.
	LoadThreshold uint64
	// SourceRate and SourceBurst size the per-source token bucket used
	// under load: initiations per second, and how many may come at once.
	// Defaults 20 and 5 (WireGuard's).
	SourceRate, SourceBurst uint64
}

// DefaultTimers returns WireGuard's values.
func DefaultTimers() Timers {
	return Timers{
		RekeyAfterTime:      120 * time.Second,
		RejectAfterTime:     180 * time.Second,
		RekeyTimeout:        5 * time.Second,
		KeepaliveTimeout:    10 * time.Second,
		HandshakeGiveUp:     90 * time.Second,
		RekeyAfterMessages:  1 << 60,
		RejectAfterMessages: ^uint64(0) - (1 << 13),
		LoadThreshold:       1000,
		SourceRate:          20,
		SourceBurst:         5,
	}
}

// withDefaults fills each zero field with its default.
func (t Timers) withDefaults() Timers {
	d := DefaultTimers()
	fillDur := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	fillU := func(v *uint64, def uint64) {
		if *v == 0 {
			*v = def
		}
	}
	fillDur(&t.RekeyAfterTime, d.RekeyAfterTime)
	fillDur(&t.RejectAfterTime, d.RejectAfterTime)
	fillDur(&t.RekeyTimeout, d.RekeyTimeout)
	fillDur(&t.KeepaliveTimeout, d.KeepaliveTimeout)
	fillDur(&t.HandshakeGiveUp, d.HandshakeGiveUp)
	fillU(&t.RekeyAfterMessages, d.RekeyAfterMessages)
	fillU(&t.RejectAfterMessages, d.RejectAfterMessages)
	fillU(&t.LoadThreshold, d.LoadThreshold)
	fillU(&t.SourceRate, d.SourceRate)
	fillU(&t.SourceBurst, d.SourceBurst)
	return t
}
