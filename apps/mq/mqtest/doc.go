// Package mqtest holds what the crash tests of apps/mq and cmd/anynet
// share: the consumer child they kill and restart (Consume), which
// records each message it processed in a file, and the reading of that
// file (LoadProcessed). It is test support, imported by _test files only.
package mqtest
