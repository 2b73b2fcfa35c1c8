package tui

import "strings"

// sparkBlocks are the eight heights of a sparkline column.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws the last width samples as block characters scaled to
// the largest of them; older samples are dropped, missing ones are blank.
// Zero draws as the lowest block so that an idle link is still visible.
func sparkline(samples []float64, width int) string {
	if width <= 0 {
		return ""
	}
	if len(samples) > width {
		samples = samples[len(samples)-width:]
	}
	var max float64
	for _, v := range samples {
		if v > max {
			max = v
		}
	}
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", width-len(samples)))
	for _, v := range samples {
		i := 0
		if max > 0 && v > 0 {
			i = int(v / max * float64(len(sparkBlocks)-1))
			if i < 0 {
				i = 0
			}
			if i >= len(sparkBlocks) {
				i = len(sparkBlocks) - 1
			}
		}
		b.WriteRune(sparkBlocks[i])
	}
	return b.String()
}

// ring is a fixed-size history of samples, oldest first.
type ring struct {
	vals []float64
	max  int
}

func (r *ring) push(v float64) {
	if r.max <= 0 {
		r.max = 120
	}
	r.vals = append(r.vals, v)
	if len(r.vals) > r.max {
		r.vals = append(r.vals[:0], r.vals[len(r.vals)-r.max:]...)
	}
}
