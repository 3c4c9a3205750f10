package drill

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/swarmsim/swarmsim/internal/sink"
)

// Error is a mistake in a drill script, with the place it was found.
//
// Every message says what is wrong and how to write it right, so a reader
// can fix the line without opening the manual.
type Error struct {
	File   string // as given to Parse; "" for ParseCommand
	Line   int    // 1-based
	Col    int    // 1-based, in runes
	Msg    string
	Source string // the whole line as written, comment included, so Caret can point into it
}

// Error is the one-line form, file:line:col: msg, the shape compilers use so
// that editors can jump to the place. Without a file name it is line:col: msg.
func (e *Error) Error() string {
	if e.File == "" {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Pos is where the mistake is.
func (e *Error) Pos() Pos { return Pos{Line: e.Line, Col: e.Col} }

// Caret is the three-line form for people: the one-line error, the source
// line, and a caret under the column:
//
//	examples/x.drill:4:1: unknown command "kil"; did you mean "kill"?
//	kil m1
//	^
//
// Tabs before the column are copied into the caret line so the caret stays
// under its rune in a terminal. Both lines are safe for a terminal: control
// characters show as escapes (sink.Text), and of a long line only the part
// around the column shows, between ellipses. There is no trailing newline.
func (e *Error) Caret() string {
	var b strings.Builder
	b.WriteString(cut(sink.Text(e.Error()), messageWidth))
	b.WriteByte('\n')
	src := []rune(e.Source)
	start := max(0, min(e.Col-1, len(src))-caretWidth/2)
	end := min(len(src), start+caretWidth)
	var pad strings.Builder
	if start > 0 {
		b.WriteString("…")
		pad.WriteByte(' ')
	}
	for i, r := range src[start:end] {
		shown := "\t" // a tab moves nothing but the cursor, and lines the caret up
		if r != '\t' {
			shown = sink.Text(string(r))
		}
		b.WriteString(shown)
		if start+i >= e.Col-1 {
			continue
		}
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteString(strings.Repeat(" ", utf8.RuneCountInString(shown)))
		}
	}
	if end < len(src) {
		b.WriteString("…")
	}
	b.WriteByte('\n')
	b.WriteString(pad.String())
	// A column past the end of the line points at something missing there.
	for col := len(src) + 1; col < e.Col; col++ {
		b.WriteByte(' ')
	}
	b.WriteByte('^')
	return b.String()
}

// caretWidth is how many runes of a line Caret shows around the column:
// a screen's width, so that a megabyte-long line prints a line, not a
// megabyte, and the message at most as much.
const caretWidth = 120

// messageWidth bounds the message line the same way: far above any message
// of the parser's own, which quotes at most a few words of the line.
const messageWidth = 1000

// cut shortens s to n runes, ending in an ellipsis when it was longer.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// errAt makes an Error that knows only its column and message; the caller
// that knows the line fills in the rest (see located). Keeping position
// bookkeeping out of the many small parsers keeps them readable.
func errAt(col int, format string, args ...any) *Error {
	return &Error{Col: col, Msg: fmt.Sprintf(format, args...)}
}

func (e *Error) located(file string, line int, source string) *Error {
	e.File, e.Line, e.Source = file, line, source
	return e
}
