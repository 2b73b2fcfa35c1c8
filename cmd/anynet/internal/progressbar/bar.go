package progressbar

import (
	"fmt"
	"strings"
)

// Bar draws frac (0–1, clamped) as a bar of width cells and a percentage:
// "[███░░░]  50%".
func Bar(frac float64, width int) string {
	frac = min(max(frac, 0), 1)
	full := int(frac * float64(width))
	return fmt.Sprintf("[%s%s] %3.0f%%", strings.Repeat("█", full), strings.Repeat("░", width-full), 100*frac)
}

// Bytes formats a byte count in B, KiB, MiB or GiB.
func Bytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Transfer draws have of total bytes: the bar, then "have / total".
func Transfer(have, total int64, width int) string {
	return fmt.Sprintf("%s %s / %s", Bar(float64(have)/float64(max(total, 1)), width), Bytes(have), Bytes(total))
}
