package report

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/swarmsim/swarmsim/cluster"
)

const (
	zoneWidth    = 22 // inner width of a zone's column
	nodesPerZone = 12 // beyond this a zone's column summarizes the rest
	// taskRows is the most rows of task names under a node; a node with
	// more tasks shows how many of each service it runs instead, as
	// `docker service ls` counts replicas rather than listing them.
	taskRows = 4
)

// Picture draws zones as columns, each node with its role, state and tasks.
func Picture(s cluster.Snapshot, st Styles) string {
	nodes := map[string]cluster.NodeView{}
	for _, n := range s.Nodes {
		nodes[n.Name] = n
	}
	var cols []string
	for _, z := range s.Zones {
		lines := []string{st.ZoneName.Render("zone " + z.Name)}
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
	name := st.Worker.Render(fmt.Sprintf("%-4s", n.Name))
	if n.Role == cluster.RoleManager {
		name = st.Manager.Render(fmt.Sprintf("%-4s", n.Name))
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
		state = st.Warn.Render(n.Availability)
	default:
		state = st.Dim.Render("ready")
	}
	var lines []string
	if max(len(n.Name), 4)+1+max(len(n.Role), 7)+1+lipgloss.Width(state) <= zoneWidth {
		lines = []string{fmt.Sprintf("%s %-7s %s", name, n.Role, state)}
	} else {
		// A long hostname takes its own rows, broken where it has a
		// boundary, each row after the first indented; role and state
		// follow on a row of their own.
		style := st.Worker
		if n.Role == cluster.RoleManager {
			style = st.Manager
		}
		for i, part := range breakName(n.Name, zoneWidth, 2) {
			if i > 0 {
				part = "  " + part
			}
			lines = append(lines, style.Render(part))
		}
		lines = append(lines, fmt.Sprintf("  %-7s %s", n.Role, state))
	}
	rows := wrap(n.Tasks, zoneWidth-2)
	if len(rows) > taskRows {
		rows = wrap(taskCounts(n.Tasks), zoneWidth-2)
	}
	for _, row := range rows {
		if row == "" {
			continue
		}
		// A task name wider than the column is broken like a hostname.
		for i, part := range breakName(row, zoneWidth-2, 2) {
			indent := "  "
			if i > 0 {
				indent = "    "
			}
			lines = append(lines, indent+st.Task.Render(part))
		}
	}
	return lines
}

// taskCounts is a node's tasks as the count of each service's, services
// in the order their first task comes: web ×6667 agent ×1.
func taskCounts(tasks []string) []string {
	count := map[string]int{}
	var order []string
	for _, t := range tasks {
		svc, _, _ := strings.Cut(t, ".") // service names have no dot
		if count[svc] == 0 {
			order = append(order, svc)
		}
		count[svc]++
	}
	out := make([]string, len(order))
	for i, svc := range order {
		out[i] = fmt.Sprintf("%s ×%d", svc, count[svc])
	}
	return out
}

// breakName cuts name into rows of at most width characters, the rows
// after the first taking indent characters more: after a '.', '-' or '_'
// where it has one in reach (ip-10-0-1-23.eu-west-1.compute.internal
// breaks after a dot), mid-word only where it has none.
func breakName(name string, width, indent int) []string {
	var rows []string
	for w := width; len(name) > w; w = width - indent {
		cut := strings.LastIndexAny(name[:w], ".-_") + 1
		if cut <= 0 {
			cut = w
		}
		rows = append(rows, name[:cut])
		name = name[cut:]
	}
	return append(rows, name)
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
