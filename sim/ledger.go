package sim

import (
	"fmt"
	"iter"
	"time"
)

// Ledger checks what a messaging service's cores show their users
// against what their senders accepted, for a Service's Observe: each
// accepted delivery (K: one item to one recipient) is shown once, never
// after a later delivery of its stream (S: say, a sender→recipient
// conversation) was shown, and acknowledged to its sender only once
// shown; at the end every delivery is done — acknowledged, or for one
// accepted without acknowledgements, shown — but those excused (refused
// for good, or given up with a node that left). Methods return what
// broke an invariant; the zero Ledger is empty and ready.
type Ledger[K, S comparable] struct {
	items map[K]*ledgerItem[S]
	order []K       // accepted, oldest first
	seqs  map[S]int // deliveries accepted per stream
	high  map[S]int // per stream, the latest seq shown plus one
}

type ledgerItem[S comparable] struct {
	stream                      S
	seq                         int
	at                          time.Duration
	acks                        bool
	shown, acked, excused, done bool
}

// Accept records delivery k of stream, accepted at virtual time at;
// acks says its sender hears when it is delivered.
func (l *Ledger[K, S]) Accept(k K, stream S, at time.Duration, acks bool) {
	if l.items == nil {
		l.items, l.seqs, l.high = map[K]*ledgerItem[S]{}, map[S]int{}, map[S]int{}
	}
	l.items[k] = &ledgerItem[S]{stream: stream, seq: l.seqs[stream], at: at, acks: acks}
	l.seqs[stream]++
	l.order = append(l.order, k)
}

// Show records that k's recipient showed it.
func (l *Ledger[K, S]) Show(k K) error {
	it := l.items[k]
	switch {
	case it == nil:
		return fmt.Errorf("%v shown but never accepted for that recipient", k)
	case it.shown:
		return fmt.Errorf("%v shown twice", k)
	case it.seq+1 < l.high[it.stream]:
		return fmt.Errorf("%v (#%d of its stream) shown after #%d", k, it.seq, l.high[it.stream]-1)
	}
	it.shown, it.done = true, !it.acks
	l.high[it.stream] = max(l.high[it.stream], it.seq+1)
	return nil
}

// Ack records an acknowledgement of k at virtual time at; for the
// first it reports how long after its acceptance it came.
func (l *Ledger[K, S]) Ack(k K, at time.Duration) (latency time.Duration, first bool, err error) {
	it := l.items[k]
	switch {
	case it == nil:
		return 0, false, fmt.Errorf("%v acknowledged but never accepted", k)
	case !it.shown:
		return 0, false, fmt.Errorf("%v acknowledged before it was shown", k)
	case it.acked:
		return 0, false, nil
	}
	it.acked, it.done = true, true
	return at - it.at, true, nil
}

// Excuse frees k from arriving (refused for good); it reports whether
// k was accepted and not yet done or excused.
func (l *Ledger[K, S]) Excuse(k K) bool {
	it := l.items[k]
	if it == nil || it.done || it.excused {
		return false
	}
	it.excused = true
	return true
}

// Drop excuses every delivery not yet done of the streams gone picks
// (those of a node that left, say); it returns how many.
func (l *Ledger[K, S]) Drop(gone func(S) bool) int {
	n := 0
	for k, stream := range l.Pending() {
		if gone(stream) && l.Excuse(k) {
			n++
		}
	}
	return n
}

// Pending yields the deliveries neither done nor excused, oldest first.
func (l *Ledger[K, S]) Pending() iter.Seq2[K, S] {
	return func(yield func(K, S) bool) {
		for _, k := range l.order {
			if it := l.items[k]; !it.done && !it.excused && !yield(k, it.stream) {
				return
			}
		}
	}
}
