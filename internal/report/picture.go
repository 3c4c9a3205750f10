package report

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/swarmsim/swarmsim/cluster"

	"github.com/swarmsim/swarmsim/internal/sink"
)

const (
	zoneWidth    = 22 // inner width of a zone's column
	nodesPerZone = 12 // beyond this a zone's column summarizes the rest
)

// Picture draws zones as columns, each node with its role, state and tasks.
func Picture(s cluster.Snapshot, st Styles) string {
	nodes := map[string]cluster.NodeView{}
	for _, n := range s.Nodes {
		nodes[n.Name] = n
	}
	var cols []string
	for _, z := range s.Zones {
		lines := []string{st.ZoneName.Render("zone " + sink.Text(z.Name))}
		for i, name := range z.Nodes {
			if i == nodesPerZone {
				lines = append(lines, st.Dim.Render(fmt.Sprintf("… %d more nodes", len(z.Nodes)-nodesPerZone)))
				break
			}
			lines = append(lines, nodeLines(nodes[name], st)...)
		}
		cols = append(cols, st.zone.Width(zoneWidth+2).Render(strings.Join(lines, "\n")))
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, cols...)
}

func nodeLines(n cluster.NodeView, st Styles) []string {
	name := st.Worker.Render(fmt.Sprintf("%-4s", sink.Text(n.Name)))
	if n.Role == cluster.RoleManager {
		name = st.Manager.Render(fmt.Sprintf("%-4s", sink.Text(n.Name)))
	}
	var state string
	switch {
	case !n.Alive:
		state = st.Dead.Render("✗ dead")
	case n.Locked:
		state = st.Warn.Render("locked")
	case n.Leader:
		state = st.Leader.Render("★ leader")
	case n.Status == cluster.NodeDown:
		state = st.Down.Render("down")
	case n.Status == "":
		state = st.Dim.Render("removed")
	case n.Status == cluster.NodeUnknown:
		// A new leader has not heard from it yet.
		state = st.Warn.Render("unknown")
	case n.Role == cluster.RoleManager && n.ManagerStatus == "Unreachable":
		state = st.Down.Render("unreachable")
	case n.Availability != "" && n.Availability != cluster.Active:
		state = st.Warn.Render(sink.Text(n.Availability))
	default:
		state = st.Dim.Render("ready")
	}
	lines := []string{fmt.Sprintf("%s %-7s %s", name, n.Role, state)}
	if len(n.Tasks) > 0 {
		for _, row := range wrap(n.Tasks, zoneWidth-2) {
			row = sink.Text(row)
			lines = append(lines, "  "+st.Task.Render(row))
		}
	}
	return lines
}

// wrap joins words into rows of at most width characters.
func wrap(words []string, width int) []string {
	var rows []string
	row := ""
	for _, w := range words {
		if row != "" && len(row)+1+len(w) > width {
			rows = append(rows, row)
			row = ""
		}
		if row != "" {
			row += " "
		}
		row += w
	}
	return append(rows, row)
}
