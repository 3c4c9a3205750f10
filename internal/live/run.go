//go:build !js

package live

import (
	"fmt"
	"io"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/swarmsim/swarmsim/internal/playground"
	"github.com/swarmsim/swarmsim/internal/report"
)

// Run shows the session full-screen on the terminal in and out until q is
// pressed, and returns the view as it ended, whose session holds the
// drill.
func Run(s *playground.Session, st report.Styles, in io.Reader, out io.Writer) (*Model, error) {
	m := New(s, st)
	if _, err := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(out)).Run(); err != nil {
		return m, fmt.Errorf("the terminal view stopped: %w", err)
	}
	return m, nil
}

// Epilogue is what stays on the terminal after the view closes: where the
// swarm ended, the timeline of what was done in the view, and the verdict.
func (m *Model) Epilogue(most int) string {
	var b strings.Builder
	b.WriteString(m.title(safeSnapshot(m.s.Snapshot())) + "\n")
	first := max(m.start-(m.state.EventCount-len(m.events)), 0)
	if first < len(m.events) {
		b.WriteString(m.st.Heading.Render(fmt.Sprintf("Timeline of the session · %d events", len(m.events)-first)) + "\n")
		for _, l := range last(m.eventLines(first), most, false) {
			b.WriteString(l + "\n")
		}
	}
	for _, l := range m.verdict(0) {
		b.WriteString(l + "\n")
	}
	return b.String()
}
