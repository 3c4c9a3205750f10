package sink

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile are names an attacker would give a node, a service or a file.
var hostile = []string{
	"m1", "", "web 1", "it's", `a\b`, "\x1b]0;pwned\x07", "\x1b[2J\x1b[H", "m2\r\nVerdict: quorum holds",
	"m2'; touch PWNED; echo '", "$(touch PWNED)", "`touch PWNED`", "<script>alert(1)</script>",
	"\xff\xfe", "a\u202eb", "tab\there", "\x00nul", "é漢字", "\\'\\x1b",
}

func TestTextHoldsNoControlByte(t *testing.T) {
	for _, s := range hostile {
		got := Text(s)
		if bad := control(got, false); bad >= 0 || strings.ContainsAny(got, "\n\t") {
			t.Errorf("Text(%q) = %q holds a control byte", s, got)
		}
	}
	if got := Text("\x1b[31mred\n"); got != `\x1b[31mred\n` {
		t.Errorf("Text escapes as Go does: got %q", got)
	}
	if got := Text("é漢字 m1"); got != "é漢字 m1" {
		t.Errorf("printable text must stay as it is: got %q", got)
	}
}

func TestTerminalPassesOnlyItsColour(t *testing.T) {
	for _, colour := range []bool{false, true} {
		var b bytes.Buffer
		term := NewTerminal(&b, colour)
		term.Write([]byte("\x1b[1;31mok\x1b[0m\n\x1b]0;title\x07\r\x9b"))
		got := b.String()
		if bad := control(got, colour); bad >= 0 {
			t.Errorf("colour %v: %q holds control byte %#x", colour, got, got[bad])
		}
		if colour != strings.Contains(got, "\x1b[1;31mok\x1b[0m\n") {
			t.Errorf("colour %v: our colour codes must pass exactly when colour is on: %q", colour, got)
		}
	}
}

func TestTerminalKeepsTheWriteError(t *testing.T) {
	term := NewTerminal(failing{}, false)
	if _, err := term.Write([]byte("x")); err == nil {
		t.Fatal("a failed write must fail")
	}
	if term.Err() == nil {
		t.Fatal("Err must keep the write error")
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestWordReadsBackInBash asks bash itself: each word must read back as
// the value, as one word, and run nothing.
func TestWordReadsBackInBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to check shell quoting: ", err)
	}
	dir := t.TempDir()
	for _, s := range hostile {
		if strings.ContainsRune(s, 0) {
			continue // bash strings end at NUL; Word still quotes it, checked below
		}
		script := "set -u; printf '%s|' " + Word(s) + "\n"
		cmd := exec.Command(bash, "-c", script)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("Word(%q) = %s: bash failed: %v", s, Word(s), err)
			continue
		}
		if string(out) != s+"|" {
			t.Errorf("Word(%q) = %s reads back as %q", s, Word(s), out)
		}
		if bad := control(Word(s), false); bad >= 0 {
			t.Errorf("Word(%q) = %q holds a control byte", s, Word(s))
		}
	}
	if got := Word("m1"); got != "m1" {
		t.Errorf("a plain word stays bare: %q", got)
	}
	if got := Word("\x00"); got != `$'\x00'` {
		t.Errorf("Word(NUL) = %q", got)
	}
}

func TestCommentIsOneLine(t *testing.T) {
	for _, s := range hostile {
		if c := Comment(s); strings.ContainsAny(c, "\n\r") {
			t.Errorf("Comment(%q) = %q spans lines", s, c)
		}
	}
}

// control is the index of the first control byte in s, or -1; a colour
// sequence is allowed when colour is on.
func control(s string, colour bool) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0x1b && colour {
			if n := sgr([]byte(s[i:])); n > 0 {
				i += n - 1
				continue
			}
		}
		if c == '\n' || c == '\t' {
			continue
		}
		if c < 0x20 || c == 0x7f {
			return i
		}
	}
	for i, r := range s {
		if r == utf8.RuneError || (r >= 0x80 && r < 0xa0) {
			if r == utf8.RuneError && strings.HasPrefix(s[i:], "\uFFFD") {
				continue
			}
			return i
		}
	}
	return -1
}

func FuzzTerminal(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, colour bool) {
		var b bytes.Buffer
		NewTerminal(&b, colour).Write([]byte(s))
		if bad := control(b.String(), colour); bad >= 0 {
			t.Fatalf("%q → %q holds control byte at %d", s, b.String(), bad)
		}
		if bad := control(Text(s), false); bad >= 0 || strings.ContainsAny(Text(s), "\n\t") {
			t.Fatalf("Text(%q) = %q is not one safe line", s, Text(s))
		}
	})
}

func FuzzWord(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w := Word(s)
		if control(w, false) >= 0 {
			t.Fatalf("Word(%q) = %q holds a control byte", s, w)
		}
		switch {
		case bareWord(w):
		case strings.HasPrefix(w, "$'"):
			// Inside $'…' every quote must be escaped.
			body := w[2 : len(w)-1]
			for i := 0; i < len(body); i++ {
				if body[i] == '\\' {
					i++
				} else if body[i] == '\'' {
					t.Fatalf("Word(%q) = %q: an unescaped quote ends the word early", s, w)
				}
			}
		case strings.HasPrefix(w, "'"):
			if body := w[1 : len(w)-1]; strings.ReplaceAll(body, `'\''`, "'") != s || strings.Count(body, "'") != 3*strings.Count(s, "'") {
				t.Fatalf("Word(%q) = %q is not s single-quoted", s, w)
			}
		default:
			t.Fatalf("Word(%q) = %q is neither bare nor quoted", s, w)
		}
	})
}
