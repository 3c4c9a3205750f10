//go:build !js

package live

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/lipgloss"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/playground"
	"github.com/swarmsim/swarmsim/internal/report"
	"github.com/swarmsim/swarmsim/internal/sink"
)

// Keys is the ? screen.
const Keys = `Keys
  +  -        speed: 1×, 10× or 60× simulated seconds per second
  space       pause or play
  .           pause and run one simulated second
  ← ↑ ↓ →     select a node
  k           kill the selected node, or restart it when dead
  z           kill the selected node's zone, or restart it when all dead
  :           type a drill line: kill leader, partition a | b c, heal,
              docker service scale web=9, wait 30s, restart az a, …
              enter runs it, esc drops it
  ?           these keys
  q           quit (with --record, the drill is written then)`

// View draws the frame on the alternate screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Frame())
	v.AltScreen = true
	v.WindowTitle = "swarmsim live"
	return v
}

// Frame is the whole screen at the model's size: never wider than Width
// nor taller than Height.
func (m *Model) Frame() string {
	width, height := max(m.Width, 20), max(m.Height, 5)
	snap := safeSnapshot(m.s.Snapshot())
	head := []string{m.title(snap)}
	mid := append(m.services(snap), m.lanes(width)...)
	tail := append(m.verdict(width), m.bottom(width)...)

	// The picture takes what the rest leaves, keeping four rows of the
	// timeline, or the keys when they are asked for; zones show fewer
	// nodes before it is cut.
	keep := 4
	if m.Help {
		keep = strings.Count(Keys, "\n") + 1
	}
	room := height - len(head) - len(mid) - len(tail) - keep
	lines := append(head, m.picture(snap, width, room)...)
	lines = append(lines, mid...)
	rows := height - len(lines) - len(tail)
	if m.Help {
		lines = append(lines, last(strings.Split(Keys, "\n"), rows, true)...)
	} else {
		lines = append(lines, m.timeline(rows)...)
	}
	if over := len(lines) + len(tail) - height; over > 0 {
		// Too short a terminal: the middle goes, never the : line.
		lines = lines[:max(len(lines)-over, 0)]
	}
	lines = append(lines, tail...)
	lines = lines[max(len(lines)-height, 0):]
	cut := lipgloss.NewStyle().MaxWidth(width)
	for i, l := range lines {
		lines[i] = cut.Render(l)
	}
	return strings.Join(lines, "\n")
}

// last keeps at most n lines: the first n when first is set, else the last.
func last(lines []string, n int, first bool) []string {
	switch {
	case n <= 0:
		return nil
	case len(lines) <= n:
		return lines
	case first:
		return lines[:n]
	}
	return lines[len(lines)-n:]
}

func (m *Model) title(snap cluster.Snapshot) string {
	st := m.st
	clock := fmt.Sprintf("▶ %d×", Speeds[m.Speed])
	if m.Paused {
		clock = "‖ paused"
	}
	lead := "no leader"
	if snap.Leader != "" {
		lead = fmt.Sprintf("%s leads in term %d", snap.Leader, snap.Term)
	}
	if len(snap.Cut) > 0 {
		// The picture draws zones, not links: a partition is said here.
		var cut []string
		for _, c := range snap.Cut {
			cut = append(cut, c[0]+"|"+c[1])
		}
		lead += " · " + st.Bad.Render("cut "+strings.Join(cut, " "))
	}
	return fmt.Sprintf("%s · %s · %s · %s · %s", st.Title.Render("swarmsim live"), st.TimeAt.Render("at "+cluster.FormatTime(snap.At)),
		clock, lead, st.Dim.Render("? keys · q quits"))
}

// picture draws the zones in at most rows lines, with as many nodes per
// zone as fit.
func (m *Model) picture(snap cluster.Snapshot, width, rows int) []string {
	zones := max(len(snap.Zones), 1)
	// A column is its inner width plus a border and a blank each side.
	inner := min(max(width/zones-4, 22), 40)
	fit := report.Fit{ZoneWidth: inner, Width: width, Selected: sink.Text(m.Selected), Mark: true}
	var lines []string
	for most := 12; most >= 1; most-- {
		fit.MaxNodes = most
		lines = strings.Split(report.FitPicture(snap, m.st, fit), "\n")
		if len(lines) <= rows {
			break
		}
	}
	if len(lines) <= rows {
		return lines
	}
	// Even one node a zone is too tall: keep the rows of zones that fit
	// whole; a row begins with its top borders.
	keep := 0
	for i, l := range lines {
		if i <= rows && strings.Contains(l, "╭") {
			keep = i
		}
	}
	if keep == 0 {
		keep = max(rows, 3)
	}
	return lines[:keep]
}

// services are the headline's Services lines.
func (m *Model) services(snap cluster.Snapshot) []string {
	if len(snap.Services) == 0 {
		return nil
	}
	width := 10
	for _, sv := range snap.Services {
		width = max(width, len(sv.Name))
	}
	out := []string{m.st.Heading.Render("Services")}
	for _, sv := range snap.Services {
		for _, l := range strings.Split(report.ServiceLine(sv, snap, m.st, width), "\n") {
			out = append(out, "  "+l)
		}
	}
	return out
}

// verdict is the playground's verdict: its sentence, then its notes.
func (m *Model) verdict(width int) []string {
	v := m.state.Verdict
	st := m.st
	label := st.Good.Render("Verdict:")
	switch v.Word {
	case "degraded":
		label = st.Warn.Render("Verdict:")
	case "quorum-lost":
		label = st.Bad.Render("Verdict:")
	}
	wrap := func(text string) []string { return []string{text} }
	if width > 0 {
		wrap = func(text string) []string {
			lines := strings.Split(lipgloss.NewStyle().Width(width-2).Render(text), "\n")
			for i, l := range lines {
				lines[i] = strings.TrimRight(l, " ")
			}
			return lines
		}
	}
	var out []string
	for i, l := range wrap("Verdict: " + v.Summary) {
		if i == 0 {
			l = label + strings.TrimPrefix(l, "Verdict:")
		}
		out = append(out, l)
	}
	for _, n := range v.Notes {
		for _, l := range wrap(n) {
			out = append(out, "  "+st.Dim.Render(l))
		}
	}
	if m.state.Broken != "" {
		out = append(out, st.Bad.Render("The session stopped: "+m.state.Broken))
	}
	return out
}

// timeline is the last events, newest at the bottom.
func (m *Model) timeline(rows int) []string {
	if rows <= 0 {
		return nil
	}
	return append([]string{m.st.Heading.Render("Timeline")}, last(m.eventLines(0), rows-1, false)...)
}

// eventLines writes the kept events from the ith on, as the headline's
// timeline does; what the view did is brighter than what the start drill
// did.
func (m *Model) eventLines(from int) []string {
	st := m.st
	var out []string
	base := m.state.EventCount - len(m.events) // the index of the first kept event
	for i, e := range m.events[from:] {
		at := fmt.Sprintf("%10s", e.Time)
		if base+from+i >= m.start {
			at = st.Title.Render(at)
		} else {
			at = st.TimeAt.Render(at)
		}
		out = append(out, fmt.Sprintf("%s  %s %s", at, st.Kind.Render(fmt.Sprintf("%-16s", e.Kind)), sink.Text(e.Detail)))
	}
	return out
}

// bottom is the : line with its error, or what the last action did.
func (m *Model) bottom(width int) []string {
	st := m.st
	if m.Typing {
		out := []string{":" + m.Line + "█"}
		if e := m.LineErr; e != nil {
			// The caret goes under the column the parser named; the line
			// is drawn after one colon.
			out = append(out, " "+strings.Repeat(" ", max(e.Col-1, 0))+st.Bad.Render("^"), st.Bad.Render(sink.Text(e.Msg)))
		}
		return out
	}
	if m.Message != "" {
		msg := sink.Text(m.Message)
		if m.Failed {
			return []string{st.Bad.Render(msg)}
		}
		return []string{st.Dim.Render(msg)}
	}
	return []string{st.Dim.Render(fmt.Sprintf("selected %s: k kills or restarts it, z its zone, : types a drill line", sink.Text(m.Selected)))}
}

// laneRunes are how a lane draws each state, and which wins a cell that
// saw several: an election lasts milliseconds, so a candidacy outranks
// everything else in its cell.
var laneRunes = map[string]struct {
	r    string
	rank int
}{
	"candidate":         {"▲", 6},
	"pre-candidate":     {"△", 5},
	"leader":            {"█", 4},
	playground.LaneDead: {"✗", 3},
	"follower":          {"─", 1},
	playground.LaneGone: {" ", 0},
	"":                  {" ", 0},
}

// lanes draws one lane per manager over the last cells × speed seconds:
// each cell is as many simulated seconds as the speed runs per second.
func (m *Model) lanes(width int) []string {
	all := m.state.Lanes
	if len(all) == 0 {
		return nil
	}
	st := m.st
	names := 4
	for _, l := range all {
		names = max(names, len([]rune(sink.Text(l.Name))))
	}
	const label = 17 // "follower · term 12"
	cells := max(width-names-label-4, 10)
	per := int64(Speeds[m.Speed]) * 1_000_000 // µs per cell
	now := m.state.AtMS * 1000
	// The strip fills from the left until it is full, then scrolls; its
	// last cell holds now, so a kill shows the moment it is done.
	start := max(now+1-int64(cells)*per, 0)
	out := []string{st.Heading.Render(fmt.Sprintf("Raft · one cell per %ds, the last %s", Speeds[m.Speed], span(int64(cells)*per))) +
		st.Dim.Render("  █ leader ─ follower ▲ candidate ✗ dead ▒ locked")}
	for _, l := range all {
		states := make([]string, cells)
		for c := range states {
			if from := start + int64(c)*per; from <= now {
				states[c] = cellState(l.Segments, from, from+per)
			}
		}
		var b strings.Builder
		for c := 0; c < len(states); {
			n := 1 // a run of cells in one state, drawn as one styled string
			for c+n < len(states) && states[c+n] == states[c] {
				n++
			}
			b.WriteString(m.drawRun(states[c], n))
			c += n
		}
		state := ""
		if n := len(l.Segments); n > 0 {
			s := l.Segments[n-1]
			state = s.State
			if s.Term > 0 {
				state += fmt.Sprintf(" · term %d", s.Term)
			}
		}
		out = append(out, strings.TrimRight(fmt.Sprintf("  %-*s %-*s %s", names, sink.Text(l.Name), label, state, b.String()), " "))
	}
	return out
}

// cellState is the state that wins the part of a lane from µs from to µs
// to: "" when the lane had not begun.
func cellState(segs []playground.Segment, from, to int64) string {
	best := ""
	for i, s := range segs {
		end := int64(1) << 62
		if i+1 < len(segs) {
			end = segs[i+1].FromUS
		}
		if s.FromUS >= to || end <= from {
			continue
		}
		if laneRunes[s.State].rank > laneRunes[best].rank {
			best = s.State
		}
	}
	return best
}

// drawRun draws n cells of one state.
func (m *Model) drawRun(state string, n int) string {
	text := strings.Repeat(laneRunes[state].r, n)
	st := m.st
	switch state {
	case "leader":
		return st.Leader.Render(text)
	case "candidate", "pre-candidate":
		return st.Kind.Render(text)
	case playground.LaneDead:
		return st.Down.Render(text)
	case playground.LaneLocked:
		return st.Warn.Render(text)
	case "follower":
		return st.Dim.Render(text)
	}
	return text
}

// span writes µs as the lanes' header does: 1m40s.
func span(us int64) string {
	s := us / 1_000_000
	switch {
	case s >= 3600 && s%3600 == 0:
		return fmt.Sprintf("%dh", s/3600)
	case s >= 60 && s%60 == 0:
		return fmt.Sprintf("%dm", s/60)
	case s >= 60:
		return fmt.Sprintf("%dm%ds", s/60, s%60)
	}
	return fmt.Sprintf("%ds", s)
}
