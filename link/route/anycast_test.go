package route

import (
	"testing"
	"time"

	"github.com/anynet/anynet/link/locator"
)

type flow struct{ port uint16 }

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestSelectorFirstChoice(t *testing.T) {
	self := locator.New(0x2a, 1, [12]byte{1}, 0)
	near := Instance{ID: id(2), Locator: locator.New(0x2a, 1, [12]byte{2}, 0)}
	far := Instance{ID: id(1), Locator: locator.New(0x2b, 1, [12]byte{3}, 0)}
	tests := []struct {
		name      string
		instances []Instance
		want      ID
	}{
		{"lowest RTT", []Instance{{ID: id(1), RTT: ms(30)}, {ID: id(2), RTT: ms(10)}}, id(2)},
		{"measured beats unmeasured", []Instance{{ID: id(1)}, {ID: id(2), RTT: ms(50)}}, id(2)},
		{"no RTT: longest shared prefix", []Instance{far, near}, id(2)},
		{"tie: lower ID", []Instance{{ID: id(3), RTT: ms(5)}, {ID: id(1), RTT: ms(5)}}, id(1)},
	}
	for _, tt := range tests {
		s := NewSelector[flow](self, Hysteresis{})
		s.Update(t0, tt.instances)
		in, ok := s.Pick(t0, flow{1})
		if !ok || in.ID != tt.want {
			t.Errorf("%s: picked %x, want %x", tt.name, in.ID[0], tt.want[0])
		}
	}
	if _, ok := NewSelector[flow](self, Hysteresis{}).Pick(t0, flow{1}); ok {
		t.Error("picked from no instances")
	}
}

func TestSelectorHysteresis(t *testing.T) {
	h := Hysteresis{MinGain: ms(5), MinGainPercent: 20, Hold: 10 * time.Second, MinInterval: 30 * time.Second}
	a := Instance{ID: id(1), RTT: ms(40)}
	tests := []struct {
		name     string
		steps    []step
		switched bool
	}{
		{"clear lasting gain switches", []step{{0, 20}, {15 * time.Second, 20}, {31 * time.Second, 20}}, true},
		{"gain below MinGain", []step{{0, 37}, {40 * time.Second, 37}, {80 * time.Second, 37}}, false},
		{"gain below percent", []step{{0, 34}, {40 * time.Second, 34}, {80 * time.Second, 34}}, false}, // 6 ms is 15 %
		{"gain not lasting", []step{{0, 20}, {5 * time.Second, 40}, {31 * time.Second, 20}}, false},
		{"held but too soon after the last switch", []step{{0, 20}, {11 * time.Second, 20}, {20 * time.Second, 20}}, false},
	}
	for _, tt := range tests {
		s := NewSelector[flow](locator.Locator{}, h)
		s.Update(t0, []Instance{a})
		if in, _ := s.Pick(t0, flow{1}); in.ID != a.ID {
			t.Fatalf("%s: first pick %x", tt.name, in.ID[0])
		}
		var now time.Time
		for _, st := range tt.steps {
			now = t0.Add(st.after)
			s.Update(now, []Instance{a, {ID: id(2), RTT: ms(st.bRTT)}})
		}
		in, _ := s.Pick(now, flow{2})
		if got := in.ID == id(2); got != tt.switched {
			t.Errorf("%s: new flow went to %x", tt.name, in.ID[0])
		}
		if old, _ := s.Pick(now, flow{1}); old.ID != a.ID {
			t.Errorf("%s: a pinned flow moved without a failure", tt.name)
		}
	}
}

// step is one Update: at t0+after, instance 2 measures bRTT ms.
type step struct {
	after time.Duration
	bRTT  int
}

func TestSelectorFailover(t *testing.T) {
	s := NewSelector[flow](locator.Locator{}, Hysteresis{})
	s.Update(t0, []Instance{{ID: id(1), RTT: ms(10)}, {ID: id(2), RTT: ms(20)}})
	if in, _ := s.Pick(t0, flow{1}); in.ID != id(1) {
		t.Fatal("did not pick the nearest")
	}
	s.Fail(t0.Add(time.Second), id(1))
	if in, _ := s.Pick(t0.Add(time.Second), flow{1}); in.ID != id(2) {
		t.Fatalf("pinned flow stayed on a failed instance: %x", in.ID[0])
	}
	// An instance vanishing from Update is a failure too.
	s.Update(t0.Add(2*time.Second), []Instance{{ID: id(3), RTT: ms(90)}})
	if in, _ := s.Pick(t0.Add(2*time.Second), flow{1}); in.ID != id(3) {
		t.Fatalf("flow not moved to the survivor: %x", in.ID[0])
	}
	s.Release(flow{1})
	s.Update(t0.Add(3*time.Second), nil)
	if _, ok := s.Preferred(); ok {
		t.Error("preferred instance with none alive")
	}
}

func TestSelectorPinTo(t *testing.T) {
	s := NewSelector[flow](locator.Locator{}, Hysteresis{})
	s.Update(t0, []Instance{{ID: id(1), RTT: ms(5)}, {ID: id(2), RTT: ms(50)}})
	if !s.PinTo(flow{7}, id(2)) {
		t.Fatal("PinTo a known instance refused")
	}
	if in, _ := s.Pick(t0, flow{7}); in.ID != id(2) {
		t.Fatalf("pinned flow went to %x", in.ID[0])
	}
	if s.PinTo(flow{7}, id(1)) {
		t.Fatal("PinTo moved a pinned flow")
	}
	if s.PinTo(flow{8}, id(9)) {
		t.Fatal("PinTo an unknown instance")
	}
	if in, _ := s.Pick(t0, flow{8}); in.ID != id(1) {
		t.Fatalf("new flow went to %x, want the nearest", in.ID[0])
	}
}
