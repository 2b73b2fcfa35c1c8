package tui

import (
	"context"
	"strings"
	"testing"
)

// The fake backend's content: two shares, a download with one of its
// three providers dropped, and counters.
var _ ContentBackend = (*fakeBackend)(nil)

func (f *fakeBackend) ContentShares(context.Context) ([]Share, error) {
	return []Share{
		{Name: "photos", ID: "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85", Link: "alice.anynet/photos", Size: 104857600, Dir: true},
		{Name: "www", ID: "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262", Link: "alice.anynet/www", Size: 2048, Dir: true, Public: true},
	}, nil
}

func (f *fakeBackend) ContentState(context.Context) (ContentState, error) {
	return ContentState{
		Downloads: []Transfer{{ID: "9b2e4e6f2c1a0d3e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0", Size: 1 << 30, Have: 1 << 29, Providers: 3, Dropped: 1}},
		Served:    5 << 20, Fetched: 1 << 29, Completed: 4, Corrupt: 2, Dropped: 1,
		CacheBytes: 600 << 20, CacheLimit: 1 << 30, CacheBlobs: 7, Evicted: 3,
		Proxy: "127.0.0.1:8080",
	}, nil
}

// TestFilesView: the Files view lists the shares, shows the selected
// one's link, the download with its bar and the dropped provider, and
// the counters; ↓ selects the next share.
func TestFilesView(t *testing.T) {
	m := newTestModel(t, newFake(), 120, 24)
	start(m)
	drive(m, keys(viewKey(int(viewFiles))))
	if m.current != viewFiles {
		t.Fatalf("view %s", m.current)
	}
	frame := m.View()
	for _, s := range []string{"photos/", "alice.anynet/photos", "100.0 MiB", "Transfers (1)", "50%", "512.0 MiB / 1.0 GiB", "3 providers, 1 dropped", "corrupt ranges 2", "cap 1.0 GiB", "web proxy 127.0.0.1:8080"} {
		if !strings.Contains(frame, s) {
			t.Errorf("%q missing:\n%s", s, frame)
		}
	}
	drive(m, keyDown)
	if frame = m.View(); !strings.Contains(frame, "alice.anynet/www") || !strings.Contains(frame, "public") {
		t.Errorf("↓: the second share not shown:\n%s", frame)
	}
}
