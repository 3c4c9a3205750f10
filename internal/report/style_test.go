package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/muesli/termenv"

	"github.com/swarmsim/swarmsim/internal/scenario"
)

// On a terminal a styled run of text is one escape sequence, not one per
// character.
func TestStylesWrapTheWholeText(t *testing.T) {
	st := NewStyles(termenv.ANSI256)
	for _, tc := range []struct {
		name  string
		style Style
		text  string
		want  string
	}{
		{"underlined heading", st.Heading, "Before · at 3s", "\x1b[1;4mBefore · at 3s\x1b[0m"},
		{"struck-out dead node", st.Dead, "✗ dead", "\x1b[91;9m✗ dead\x1b[0m"},
		{"bold title", st.Title, "swarmsim · 3 managers", "\x1b[1mswarmsim · 3 managers\x1b[0m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.style.Render(tc.text); got != tc.want {
				t.Errorf("%q, want %q", got, tc.want)
			}
		})
	}
	if got := Plain().Heading.Render("Before"); got != "Before" {
		t.Errorf("plain heading %q", got)
	}
}

func TestHeadlineHeadingsOnATerminal(t *testing.T) {
	l, err := scenario.NewLayout(3, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out, err := scenario.Run(scenario.Spec{Seed: 1, Layout: l, For: time.Second, Failure: scenario.Failure{Managers: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	Headline(&b, out, NewStyles(termenv.ANSI256), false)
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.Contains(line, "Timeline ·") || strings.Contains(line, "Services") {
			if n := strings.Count(line, "\x1b["); n != 2 {
				t.Errorf("heading %q has %d escape sequences, want 2 (on and off)", line, n)
			}
		}
	}
}
