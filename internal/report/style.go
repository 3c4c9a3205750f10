package report

import (
	"io"

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

	zone lipgloss.Style // a zone's column, a box
}

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
		ZoneName: Style{s().Bold().Foreground(c("12"))},
		Leader:   Style{s().Bold().Foreground(c("11"))},
		Manager:  Style{s().Bold()},
		Worker:   Style{s()},
		Dead:     Style{s().Foreground(c("9")).CrossOut()},
		Down:     Style{s().Foreground(c("9"))},
		Task:     Style{s().Foreground(c("6"))},
		Good:     Style{s().Bold().Foreground(c("10"))},
		Bad:      Style{s().Bold().Foreground(c("9"))},
		Warn:     Style{s().Bold().Foreground(c("11"))},
		TimeAt:   Style{s().Foreground(c("8"))},
		Kind:     Style{s().Foreground(c("13"))},
		zone:     r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(lipgloss.Color("8")).Padding(0, 1),
	}
}

// Plain are the styles of plain text.
func Plain() Styles { return NewStyles(termenv.Ascii) }
