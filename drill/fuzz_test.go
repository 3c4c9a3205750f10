package drill

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/swarmsim/swarmsim/internal/sink"
)

// FuzzParse checks what must hold for any input: Parse never panics; an
// error is an *Error whose place is on a real line; and a script that
// parses formats to text that parses to the same commands and comments
// and formats to the same bytes again.
func FuzzParse(f *testing.F) {
	for _, c := range everyForm {
		f.Add("cluster managers=3\n" + c.src + "\n")
	}
	f.Add(docSample(f))
	f.Add("# only a comment\n\n")
	f.Add("cluster managers=3\nkill \"m2'; touch PWNED\" \"w 1\x1b]0;t\x07\"\nexpect node \"w 1\" down\ndocker swarm join --name=\"a b\" --zone \"z 1\"\nkill az \"z 1\"\n")
	f.Add("cluster managers=3 # c\n\tkill   m1   # trailing\r\n\n\n# own line\nheal")
	f.Add("cluster managers=3\nexpect error \"a \\\"b\\\" \\\\ c\": docker service update --constraint-add=\"node.labels.a == x y\" web")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse("fuzz.drill", []byte(src))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse returned %T, want *Error: %v", err, err)
			}
			lines := strings.Split(src, "\n")
			if e.Line < 1 || e.Line > len(lines) {
				t.Fatalf("error on line %d of %d: %v", e.Line, len(lines), e)
			}
			if e.Col < 1 || e.Col > utf8.RuneCountInString(e.Source)+2 {
				t.Fatalf("error at column %d of a %d-rune line: %v", e.Col, utf8.RuneCountInString(e.Source), e)
			}
			if !strings.HasPrefix(e.Caret(), cut(sink.Text(e.Error()), messageWidth)+"\n") {
				t.Fatalf("Caret does not start with Error: %q", e.Caret())
			}
			// The caret is printed to a terminal: nothing in it may act there.
			if i := strings.IndexFunc(e.Caret(), func(r rune) bool { return r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f) }); i >= 0 {
				t.Fatalf("Caret holds a control byte: %q", e.Caret())
			}
			return
		}
		out := Format(s)
		s2, err := Parse("fuzz.drill", out)
		if err != nil {
			t.Fatalf("formatted script does not parse: %v\ninput:\n%s\nformatted:\n%s", err, src, out)
		}
		if got, want := commands(s2), commands(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip changed the commands\ninput:\n%s\nformatted:\n%s\ngot  %#v\nwant %#v", src, out, got, want)
		}
		if got, want := commentTexts(s2), commentTexts(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip changed the comments: got %q, want %q", got, want)
		}
		if again := Format(s2); !bytes.Equal(again, out) {
			t.Fatalf("Format is not stable:\nfirst:\n%s\nsecond:\n%s", out, again)
		}
		for _, st := range s.Steps {
			c, err := ParseCommand(st.Source)
			if err != nil || !reflect.DeepEqual(c, st.Cmd) {
				t.Fatalf("ParseCommand(%q) = %#v, %v; want %#v", st.Source, c, err, st.Cmd)
			}
		}
	})
}

func commands(s *Script) []Command {
	out := make([]Command, len(s.Steps))
	for i, st := range s.Steps {
		out[i] = st.Cmd
	}
	return out
}

func commentTexts(s *Script) []string {
	var out []string
	for _, c := range s.Comments {
		out = append(out, c.Text)
	}
	return out
}
