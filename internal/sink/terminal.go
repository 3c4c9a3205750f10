package sink

import (
	"io"
	"unicode/utf8"
)

// Terminal wraps w, the terminal or the file a user reads with cat, so that
// nothing written through it can act on the terminal: every control byte
// but the line feed and the tab (which only move the cursor on) is shown
// as its escape (see [Text]), except, when colour is on, the SGR colour
// sequences (ESC [ digits and ; m) that swarmsim's styles write. It is the guard behind the renderers, which
// escape names themselves with Text so that a name cannot forge a line.
//
// The first write error is kept: text output is written in many small
// writes, and Err tells at the end whether the reader got all of it.
type Terminal struct {
	w      io.Writer
	colour bool
	err    error
	buf    []byte
}

// NewTerminal guards w; colour lets swarmsim's own colour codes through.
func NewTerminal(w io.Writer, colour bool) *Terminal {
	return &Terminal{w: w, colour: colour}
}

// SetColour lets swarmsim's colour codes through, or not.
func (t *Terminal) SetColour(on bool) { t.colour = on }

// Underlying is the writer behind the guard, to ask whether it is a
// terminal.
func (t *Terminal) Underlying() io.Writer { return t.w }

// Err is the first error a write returned, or nil.
func (t *Terminal) Err() error { return t.err }

// Write writes p made safe. It reports len(p) written unless the writer
// underneath failed, then the error, again on every later write.
func (t *Terminal) Write(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	t.buf = t.buf[:0]
	for i := 0; i < len(p); {
		c := p[i]
		if c == 0x1b && t.colour {
			if n := sgr(p[i:]); n > 0 {
				t.buf = append(t.buf, p[i:i+n]...)
				i += n
				continue
			}
		}
		if c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f) {
			t.buf = append(t.buf, c)
			i++
			continue
		}
		// Runes beyond ASCII are decoded once, with Text's rules.
		_, size := utf8.DecodeRune(p[i:])
		j := i + size
		t.buf = append(t.buf, Text(string(p[i:j]))...)
		i = j
	}
	if _, err := t.w.Write(t.buf); err != nil {
		t.err = err
		return 0, err
	}
	return len(p), nil
}

// sgr is the length of the colour sequence p starts with, or 0: ESC [,
// digits and semicolons, m.
func sgr(p []byte) int {
	if len(p) < 3 || p[1] != '[' {
		return 0
	}
	for i := 2; i < len(p) && i < 64; i++ {
		switch c := p[i]; {
		case c == 'm':
			return i + 1
		case c == ';' || (c >= '0' && c <= '9'):
		default:
			return 0
		}
	}
	return 0
}
