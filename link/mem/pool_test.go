package mem

import "testing"

func TestFramePoolClearsOnPut(t *testing.T) {
	p := newFramePool(16)
	b := p.get([]byte{1, 2, 3})
	if string(*b) != "\x01\x02\x03" {
		t.Fatalf("get copied %x", *b)
	}
	p.put(b)
	if len(*b) != 0 {
		t.Fatalf("len %d after put", len(*b))
	}
	for i, v := range (*b)[:3] {
		if v != 0 {
			t.Fatalf("byte %d = %d after put", i, v)
		}
	}
	foreign := make([]byte, 3, 32)
	foreign[0] = 9
	p.put(&foreign) // a buffer of another size is not pooled (or cleared)
	if foreign[0] != 9 {
		t.Fatal("foreign buffer touched")
	}
}
