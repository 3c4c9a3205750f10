package sink

import (
	"strings"
	"unicode/utf8"
)

// Word is s as one bash word that bash reads back as exactly s: bare when
// every byte is one the shell leaves alone, single-quoted otherwise, and
// written with $'…' escapes when s holds a control byte, so the script
// stays readable in a terminal and a line feed cannot end a command.
func Word(s string) string {
	if s != "" && bareWord(s) {
		return s
	}
	if clean(s) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	// In $'…' a backslash starts an escape, so the backslashes and quotes
	// of s are escaped, and the unsafe characters written as escapes.
	var b strings.Builder
	b.WriteString("$'")
	for _, part := range splitKeep(s) {
		if part.unsafe {
			b.WriteString(Text(part.text))
			continue
		}
		b.WriteString(strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(part.text))
	}
	b.WriteString("'")
	return b.String()
}

// Words is each of ws as a Word, separated by spaces.
func Words(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = Word(w)
	}
	return strings.Join(q, " ")
}

// Comment is s for the text of a bash comment: one line, whatever s holds
// (a line feed would end the comment and start a command).
func Comment(s string) string { return Text(s) }

func bareWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("_@%+=:,./-", c) >= 0:
		default:
			return false
		}
	}
	return true
}

type piece struct {
	text   string
	unsafe bool
}

// splitKeep cuts s into runs of safe and unsafe characters, by Text's rules.
func splitKeep(s string) []piece {
	var out []piece
	start := 0
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		j := i + size
		u := !clean(s[i:j])
		if len(out) == 0 || out[len(out)-1].unsafe != u {
			if i > start {
				out[len(out)-1].text = s[start:i]
			}
			out = append(out, piece{unsafe: u})
			start = i
		}
		i = j
	}
	if len(out) > 0 {
		out[len(out)-1].text = s[start:]
	}
	return out
}
