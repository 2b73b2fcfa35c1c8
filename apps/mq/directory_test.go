package mq

import (
	"strconv"
	"testing"
)

// TestDocumentEntry: the DID entry names the service's Port.
func TestDocumentEntry(t *testing.T) {
	if want := "nats:" + strconv.Itoa(Port); DocumentEntry != want {
		t.Fatalf("DocumentEntry %q, want %q", DocumentEntry, want)
	}
}
