//go:build linux

package udp

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// cmsg builds one control message of level and typ carrying an int32.
func cmsg(level, typ int32, v int32) []byte {
	b := make([]byte, unix.CmsgSpace(4))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level, h.Type = level, typ
	h.SetLen(unix.CmsgLen(4))
	*(*int32)(unsafe.Pointer(&b[unix.CmsgLen(0)])) = v
	return b
}

func TestGROSegment(t *testing.T) {
	gro := cmsg(unix.SOL_UDP, unix.UDP_GRO, 1232)
	other := cmsg(unix.SOL_SOCKET, unix.SO_TIMESTAMP, 7)
	badLen := cmsg(unix.SOL_UDP, unix.UDP_GRO, 1232)
	(*unix.Cmsghdr)(unsafe.Pointer(&badLen[0])).SetLen(len(badLen) + 1)
	tests := []struct {
		name string
		oob  []byte
		want int
	}{
		{"none", nil, 0},
		{"gro", gro, 1232},
		{"other then gro", append(append([]byte(nil), other...), gro...), 1232},
		{"other only", other, 0},
		{"short header", gro[:unix.CmsgLen(0)-1], 0},
		{"length past end", badLen, 0},
		{"no room for the value", gro[:unix.CmsgLen(0)], 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := groSegment(tt.oob); got != tt.want {
				t.Fatalf("groSegment = %d, want %d", got, tt.want)
			}
		})
	}
}
