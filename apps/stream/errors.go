package stream

import "errors"

var (
	// ErrMalformed: a frame or playlist that does not parse.
	ErrMalformed = errors.New("stream: malformed")
	// ErrBadSignature: a playlist not signed by its stream's owner.
	ErrBadSignature = errors.New("stream: bad playlist signature")
	// ErrCorrupt: segment bytes that do not match their ID.
	ErrCorrupt = errors.New("stream: segment verification failed")
	// ErrBadName: a stream name outside [a-z0-9_-]{1,64}.
	ErrBadName = errors.New("stream: bad stream name")
	// ErrNotFound: no such stream or segment here.
	ErrNotFound = errors.New("stream: not found")
	// ErrNotPublisher: a segment pushed to a stream this node does not
	// publish.
	ErrNotPublisher = errors.New("stream: not publishing this stream")
	// ErrDenied: a bad ingest key.
	ErrDenied = errors.New("stream: denied")
)
