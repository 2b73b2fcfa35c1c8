package relay

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestCheater: each cheat changes what an Edge sends as documented.
func TestCheater(t *testing.T) {
	relayed := func(flow uint64, flags byte) []byte {
		return dataFrame{kind: frameRelayed, flow: flow, peer: common.Address{1}, flags: flags, payload: []byte("x")}.encode()
	}
	ack := []byte{frameAck, frameSubmit, 0, 0, 0, 0, 0, 0, 0, 1}
	tests := []struct {
		kind   string
		frames [][]byte
		kept   []bool
	}{
		{CheatOffline, [][]byte{relayed(1, 0), ack}, []bool{false, false}},
		{CheatDrop, [][]byte{relayed(1, 0), relayed(1, 0), relayed(1, 0), ack, relayed(2, 0)}, []bool{true, true, false, true, true}},
		// An echoed flow and its reply pass; a one-way flow does not.
		{CheatProbeOnly, [][]byte{relayed(7, flagEcho), relayed(7, 0), relayed(8, 0), ack}, []bool{true, true, false, true}},
		{"", [][]byte{relayed(1, 0), ack}, []bool{true, true}},
	}
	for _, tt := range tests {
		c := Cheater{Kind: tt.kind}
		for i, f := range tt.frames {
			if got := c.Filter(f) != nil; got != tt.kept[i] {
				t.Errorf("%q: frame %d kept %v, want %v", tt.kind, i, got, tt.kept[i])
			}
		}
	}
	w := newWallet(t)
	r := receipt(t, w, common.Address{0xe1}, 1, 1, 1000)
	b, _ := r.MarshalBinary()
	c := Cheater{Kind: CheatInflate}
	_, items, err := decodeBatch(c.Filter(encodeBatch(frameSubmit, 1, [][]byte{b})), ReceiptSize)
	var got Receipt
	if err != nil || got.UnmarshalBinary(items[0]) != nil || got.Bytes != 2000 || got.Verify() == nil {
		t.Fatalf("inflate: %v, %d bytes, verify %v", err, got.Bytes, got.Verify())
	}
}
