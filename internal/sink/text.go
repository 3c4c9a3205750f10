package sink

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text is s for a terminal, on one line: every control character (line
// feeds and tabs too), every character that reorders text (bidirectional
// overrides) and every invalid UTF-8 byte is written as the escape Go's %q
// would use, without the quotes. Printable text, including non-ASCII
// letters and symbols, is unchanged, so a clean name prints as it is.
func Text(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r):
			q := fmt.Sprintf("%+q", string(r)) // "\x1b", "\n", "\u202e"
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			return cleanSlow(s)
		}
	}
	return true
}

func cleanSlow(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return false
		}
		i += size
	}
	return true
}

// unsafeRune is a rune a terminal acts on instead of showing: C0 and C1
// controls and DEL, and the format characters that reorder what follows
// (U+202A–U+202E, U+2066–U+2069) or hide (zero width, byte order marks).
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}
