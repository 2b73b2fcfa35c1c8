package udp

import (
	"reflect"
	"testing"
)

func TestPlanRuns(t *testing.T) {
	frames := func(sizes ...int) [][]byte {
		out := make([][]byte, len(sizes))
		for i, s := range sizes {
			out[i] = make([]byte, s)
		}
		return out
	}
	tests := []struct {
		name             string
		sizes            []int
		maxSegs, maxByte int
		want             []run
	}{
		{"empty", nil, 64, 65507, nil},
		{"one", []int{100}, 64, 65507, []run{{0, 1, 100}}},
		{"equal", []int{100, 100, 100}, 64, 65507, []run{{0, 3, 100}}},
		{"short tail ends run", []int{100, 100, 50, 100}, 64, 65507, []run{{0, 3, 100}, {3, 4, 100}}},
		{"longer starts new run", []int{50, 100, 100}, 64, 65507, []run{{0, 1, 50}, {1, 3, 100}}},
		{"empty frame alone", []int{10, 0, 10, 10}, 64, 65507, []run{{0, 1, 10}, {1, 2, 0}, {2, 4, 10}}},
		{"segment cap", []int{10, 10, 10, 10, 10}, 2, 65507, []run{{0, 2, 10}, {2, 4, 10}, {4, 5, 10}}},
		{"byte cap", []int{10, 10, 10, 10}, 64, 25, []run{{0, 2, 10}, {2, 4, 10}}},
		{"tail over byte cap", []int{10, 10, 5}, 64, 22, []run{{0, 2, 10}, {2, 3, 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := planRuns(nil, frames(tt.sizes...), tt.maxSegs, tt.maxByte)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("planRuns(%v) = %v, want %v", tt.sizes, got, tt.want)
			}
		})
	}
}
