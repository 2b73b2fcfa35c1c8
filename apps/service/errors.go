package service

import "errors"

var (
	// ErrNotFound: Store.Get of a key that is not there.
	ErrNotFound = errors.New("service: not found")
	// ErrClosed: a Store or runtime used after Close.
	ErrClosed = errors.New("service: closed")
)
