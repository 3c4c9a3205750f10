package drill

import (
	"fmt"
	"strings"
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
// under its rune in a terminal. There is no trailing newline.
func (e *Error) Caret() string {
	var b strings.Builder
	b.WriteString(e.Error())
	b.WriteByte('\n')
	b.WriteString(e.Source)
	b.WriteByte('\n')
	col := 1
	for _, r := range e.Source {
		if col >= e.Col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		col++
	}
	// A column past the end of the line points at something missing there.
	for ; col < e.Col; col++ {
		b.WriteByte(' ')
	}
	b.WriteByte('^')
	return b.String()
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
