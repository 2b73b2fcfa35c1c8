package ensip15

// NFC and NFD with the reference's own Unicode data (its Unicode version,
// not Go's), ported from its nf.js: decompose fully, order combining marks
// by rank (canonical combining class), then compose pairs.

// Hangul syllables are composed and decomposed algorithmically.
const (
	hangulS0     = 0xAC00
	hangulL0     = 0x1100
	hangulV0     = 0x1161
	hangulT0     = 0x11A7
	hangulLCount = 19
	hangulVCount = 21
	hangulTCount = 28
	hangulNCount = hangulVCount * hangulTCount
	hangulSCount = hangulLCount * hangulNCount
)

type ccp struct {
	cp rune
	cc byte
}

func isHangul(cp rune) bool { return cp >= hangulS0 && cp < hangulS0+hangulSCount }

func (t *tables) decomposed(cps []rune) []ccp {
	out := make([]ccp, 0, len(cps)+2)
	reorder := false
	add := func(cp rune) {
		cc := t.rank[cp]
		if cc != 0 {
			reorder = true
		}
		out = append(out, ccp{cp, cc})
	}
	var walk func(cp rune)
	walk = func(cp rune) {
		switch {
		case cp < 0x80:
			out = append(out, ccp{cp: cp})
		case isHangul(cp):
			s := cp - hangulS0
			add(hangulL0 + s/hangulNCount)
			add(hangulV0 + (s%hangulNCount)/hangulTCount)
			if ti := s % hangulTCount; ti > 0 {
				add(hangulT0 + ti)
			}
		default:
			if d, ok := t.decomp[cp]; ok {
				for _, x := range d {
					walk(x)
				}
			} else {
				add(cp)
			}
		}
	}
	for _, cp := range cps {
		walk(cp)
	}
	if reorder && len(out) > 1 {
		// Insertion sort of each run of non-zero classes, as the reference.
		prev := out[0].cc
		for i := 1; i < len(out); i++ {
			cc := out[i].cc
			if cc == 0 || prev <= cc {
				prev = cc
				continue
			}
			j := i - 1
			for {
				out[j+1], out[j] = out[j], out[j+1]
				if j == 0 {
					break
				}
				j--
				prev = out[j].cc
				if prev <= cc {
					break
				}
			}
			prev = out[i].cc
		}
	}
	return out
}

func (t *tables) composePair(a, b rune) (rune, bool) {
	switch {
	case a >= hangulL0 && a < hangulL0+hangulLCount && b >= hangulV0 && b < hangulV0+hangulVCount:
		return hangulS0 + (a-hangulL0)*hangulNCount + (b-hangulV0)*hangulTCount, true
	case isHangul(a) && b > hangulT0 && b < hangulT0+hangulTCount && (a-hangulS0)%hangulTCount == 0:
		return a + (b - hangulT0), true
	}
	c, ok := t.recomp[[2]rune{a, b}]
	return c, ok
}

func (t *tables) composed(v []ccp) []rune {
	out := make([]rune, 0, len(v))
	var stack []rune
	prevCP := rune(-1)
	var prevCC byte
	for _, p := range v {
		cc, cp := p.cc, p.cp
		switch {
		case prevCP == -1:
			if cc == 0 {
				prevCP = cp
			} else {
				out = append(out, cp)
			}
		case prevCC > 0 && prevCC >= cc:
			if cc == 0 {
				out = append(out, prevCP)
				out = append(out, stack...)
				stack = stack[:0]
				prevCP = cp
			} else {
				stack = append(stack, cp)
			}
			prevCC = cc
		default:
			if c, ok := t.composePair(prevCP, cp); ok {
				prevCP = c
			} else if prevCC == 0 && cc == 0 {
				out = append(out, prevCP)
				prevCP = cp
			} else {
				stack = append(stack, cp)
				prevCC = cc
			}
		}
	}
	if prevCP >= 0 {
		out = append(out, prevCP)
		out = append(out, stack...)
	}
	return out
}

func (t *tables) nfc(cps []rune) []rune { return t.composed(t.decomposed(cps)) }

func (t *tables) nfd(cps []rune) []rune {
	d := t.decomposed(cps)
	out := make([]rune, len(d))
	for i, p := range d {
		out[i] = p.cp
	}
	return out
}
