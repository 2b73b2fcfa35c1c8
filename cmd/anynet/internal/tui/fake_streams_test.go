package tui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
)

var _ StreamsBackend = (*fakeBackend)(nil)

// The fake backend's streams: one published here in LL-HLS parts to a
// list of wallets and recorded, one relayed, one played.
func (f *fakeBackend) Streams(context.Context) ([]Stream, error) {
	if err := f.err("Streams"); err != nil {
		return nil, err
	}
	return []Stream{
		{Owner: "0x00000000000000000000000000000000000000A1", Name: "cam", Role: "publisher", Access: "2 wallets",
			Children: 3, Relays: 2, Last: 208, Parts: 5, Recording: true, Denied: 1},
		{Owner: "0x00000000000000000000000000000000000000C0", Name: "talk", Role: "relay", Access: "public",
			Upstream: "0x00000000000000000000000000000000000000d2", Children: 40, Last: 17},
		{Owner: "0x00000000000000000000000000000000000000C0", Name: "music", Role: "viewer", Access: "token 0x00000000000000000000000000000000000000E7"},
	}, nil
}

// TestStreamsView: the Streams tab, the eleventh (no digit: Tab and
// shift+tab reach it, shift+tab from Network first), lists each stream
// with its publisher, role, access, children, segment.part and whether
// it is recorded; ↓ selects the relayed stream and its detail shows
// the URL players open and its upstream. The help line says what ↑/↓
// select and keeps "tab next view". A failing backend shows its error
// on the status line.
func TestStreamsView(t *testing.T) {
	m := newTestModel(t, newFake(), 100, 24)
	start(m)
	drive(m, tea.KeyMsg{Type: tea.KeyShiftTab})
	if m.current != viewStreams {
		t.Fatalf("shift+tab from Network: view %s", m.current)
	}
	frame := m.View()
	for _, s := range []string{"[Live]", "▸ cam", "0x0000…00A1", "publisher", "2 wallets", "41.2", "● rec",
		"play: http://0x00000000000000000000000000000000000000a1.anynet/live/cam/index.m3u8",
		"publishing to 3 nodes · 2 relays in the tree · 1 viewers refused", "LL-HLS, 5 parts a segment",
		"↑/↓ stream", "tab next view"} {
		if !strings.Contains(frame, s) {
			t.Errorf("%q missing:\n%s", s, frame)
		}
	}
	drive(m, keyDown)
	frame = m.View()
	for _, s := range []string{"▸ talk", "relay · from 0x0000…00d2 · serving 40 nodes", "whole segments · newest 17"} {
		if !strings.Contains(frame, s) {
			t.Errorf("after ↓: %q missing:\n%s", s, frame)
		}
	}
	golden.RequireEqual(t, frame)

	f := newFake()
	f.fail = map[string]error{"Streams": context.DeadlineExceeded}
	m = newTestModel(t, f, 100, 24)
	start(m)
	drive(m, tea.KeyMsg{Type: tea.KeyShiftTab})
	if frame := m.View(); !strings.Contains(frame, "streams: context deadline exceeded") {
		t.Errorf("the error is not on the status line:\n%s", frame)
	}
}
