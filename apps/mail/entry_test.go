package mail

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The entry vectors of doc.go.
var entryVectors = []struct {
	e Entry
	v string
}{
	{Entry{Key: [32]byte{0: 0xab, 31: 0x01}}, "seal:ab00000000000000000000000000000000000000000000000000000000000001"},
	{Entry{Key: [32]byte{0: 0xab, 31: 0x01}, Terms: &Terms{Quota: 268435456, Retention: 120 * time.Hour}},
		"seal:ab00000000000000000000000000000000000000000000000000000000000001;quota=268435456;retention=432000"},
}

func TestEntryVectors(t *testing.T) {
	for i, tt := range entryVectors {
		if got := tt.e.String(); got != tt.v {
			t.Errorf("vector %d: %s, want %s", i, got, tt.v)
		}
		back, err := ParseEntryValue(tt.v)
		if err != nil || back.String() != tt.v {
			t.Errorf("vector %d: parsed %+v, %v", i, back, err)
		}
	}
	key := strings.Repeat("00", 32)
	for _, bad := range []string{"", "seal:", "seal:" + key[:62], "seal:" + key + ";quota=1", "seal:" + key + ";quota=0;retention=1",
		"seal:" + key + ";quota=1;retention=-1", "seal:" + key + ";retention=1;quota=1", "seal:" + key + ";quota=01;retention=1",
		"seal:" + key + ";quota=1;retention=1;x=2", "seal:zz" + key[2:]} {
		if _, err := ParseEntryValue(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v, want ErrMalformed", bad, err)
		}
	}
}

// FuzzParseEntryValue: what parses formats back to itself.
func FuzzParseEntryValue(f *testing.F) {
	for _, tt := range entryVectors {
		f.Add(tt.v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		e, err := ParseEntryValue(v)
		if err != nil {
			return
		}
		if again := e.String(); !strings.EqualFold(again, v) {
			t.Fatalf("%q formats as %q", v, again)
		}
	})
}
