package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Style is a look for a run of text. It wraps the whole text in one escape
// sequence, never one per character.
type Style struct{ st termenv.Style }

// Render styles s.
func (s Style) Render(text string) string { return s.st.Styled(text) }

// Styles are every look swarmsim's text output uses, in one place. Colour is
// decoration only: without it every fact still reads from the words and
// marks.
type Styles struct {
	Title, Heading, Dim     Style
	ZoneName                Style
	Leader, Manager, Worker Style
	Dead, Down              Style
	Task                    Style
	Good, Bad, Warn         Style
	TimeAt, Kind            Style
	Selected                Style // the node a live view acts on

	zone lipgloss.Style // a zone's column, a box
}

// The colours of the looks, as ANSI palette indexes. The terminal styles
// and the HTML report both take them from here, so a leader, a dead node
// or a failure has the same colour in both.
const (
	colourZone   = 12 // bright blue
	colourLeader = 11 // bright yellow: the leader, and warnings
	colourBad    = 9  // bright red: dead, down, failed
	colourGood   = 10 // bright green
	colourTask   = 6  // cyan
	colourTime   = 8  // grey
	colourKind   = 13 // bright magenta: event kinds
)

func ansi(i int) string { return strconv.Itoa(i) }

// NewStyles makes the styles for a colour profile: termenv.Ascii for plain
// text.
func NewStyles(p termenv.Profile) Styles {
	s := func() termenv.Style { return p.String() }
	c := p.Color
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	return Styles{
		Title:    Style{s().Bold()},
		Heading:  Style{s().Bold().Underline()},
		Dim:      Style{s().Faint()},
		ZoneName: Style{s().Bold().Foreground(c(ansi(colourZone)))},
		Leader:   Style{s().Bold().Foreground(c(ansi(colourLeader)))},
		Manager:  Style{s().Bold()},
		Worker:   Style{s()},
		Dead:     Style{s().Foreground(c(ansi(colourBad))).CrossOut()},
		Down:     Style{s().Foreground(c(ansi(colourBad)))},
		Task:     Style{s().Foreground(c(ansi(colourTask)))},
		Good:     Style{s().Bold().Foreground(c(ansi(colourGood)))},
		Bad:      Style{s().Bold().Foreground(c(ansi(colourBad)))},
		Warn:     Style{s().Bold().Foreground(c(ansi(colourLeader)))},
		TimeAt:   Style{s().Foreground(c(ansi(colourTime)))},
		Kind:     Style{s().Foreground(c(ansi(colourKind)))},
		Selected: Style{s().Reverse()},
		zone:     r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(lipgloss.Color(ansi(colourTime))).Padding(0, 1),
	}
}

// Plain are the styles of plain text.
func Plain() Styles { return NewStyles(termenv.Ascii) }

// tango is GNOME Terminal's default palette (Tango), indexed like ANSI
// colours: 0–7 the normal colours, 8–15 the bright ones.
var tango = [16]string{
	"#2e3436", "#cc0000", "#4e9a06", "#c4a000", "#3465a4", "#75507b", "#06989a", "#d3d7cf",
	"#555753", "#ef2929", "#8ae234", "#fce94f", "#729fcf", "#ad7fa8", "#34e2e2", "#eeeeec",
}

// htmlColours are the HTML report's colours as CSS custom properties: on
// screen the terminal's bright colours on its dark background; printed,
// the same hues' normal shades on white, which stay legible on paper.
func htmlColours() string {
	role := []struct {
		name   string
		colour int
	}{
		{"zone", colourZone}, {"leader", colourLeader}, {"bad", colourBad}, {"good", colourGood},
		{"task", colourTask}, {"time", colourTime}, {"kind", colourKind},
	}
	var screen, print strings.Builder
	for _, r := range role {
		fmt.Fprintf(&screen, "--%s:%s;", r.name, tango[r.colour])
		// A bright colour's normal shade is 8 below it; grey's is itself.
		shade := r.colour
		if shade > 8 {
			shade -= 8
		}
		fmt.Fprintf(&print, "--%s:%s;", r.name, tango[shade])
	}
	return fmt.Sprintf(":root{--bg:%s;--fg:%s;--dim:%s;%s}\n@media print{:root{--bg:#ffffff;--fg:#000000;--dim:%s;%s}}\n",
		tango[0], tango[15], tango[7], screen.String(), tango[8], print.String())
}
