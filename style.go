package main

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// styles are every look swarmsim's text output uses, in one place. Colour is
// decoration only: without it (NO_COLOR, --no-color, not a terminal) every
// fact still reads from the words and marks.
type styles struct {
	title, heading, dim     lipgloss.Style
	zone                    lipgloss.Style // a zone's column
	zoneName                lipgloss.Style
	leader, manager, worker lipgloss.Style
	dead, down              lipgloss.Style
	task                    lipgloss.Style
	good, bad, warn         lipgloss.Style
	timeAt, kind            lipgloss.Style
}

func newStyles(w io.Writer, color bool) styles {
	r := lipgloss.NewRenderer(w)
	if !color {
		r.SetColorProfile(termenv.Ascii)
	}
	s := r.NewStyle
	return styles{
		title:    s().Bold(true),
		heading:  s().Bold(true).Underline(true),
		dim:      s().Faint(true),
		zone:     s().Border(lipgloss.RoundedBorder()).BorderForeground(lipgloss.Color("8")).Padding(0, 1),
		zoneName: s().Bold(true).Foreground(lipgloss.Color("12")),
		leader:   s().Bold(true).Foreground(lipgloss.Color("11")),
		manager:  s().Bold(true),
		worker:   s(),
		dead:     s().Foreground(lipgloss.Color("9")).Strikethrough(true),
		down:     s().Foreground(lipgloss.Color("9")),
		task:     s().Foreground(lipgloss.Color("6")),
		good:     s().Bold(true).Foreground(lipgloss.Color("10")),
		bad:      s().Bold(true).Foreground(lipgloss.Color("9")),
		warn:     s().Bold(true).Foreground(lipgloss.Color("11")),
		timeAt:   s().Foreground(lipgloss.Color("8")),
		kind:     s().Foreground(lipgloss.Color("13")),
	}
}
