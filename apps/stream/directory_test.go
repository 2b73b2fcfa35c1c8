package stream

import (
	"strconv"
	"testing"
)

// TestDocumentEntry: the DID entry names the service's Port.
func TestDocumentEntry(t *testing.T) {
	if want := "port:" + strconv.Itoa(Port); DocumentEntry != want {
		t.Fatalf("DocumentEntry %q, want %q", DocumentEntry, want)
	}
}
