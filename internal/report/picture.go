package report

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/sink"
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
func Picture(s cluster.Snapshot, st Styles) string { return FitPicture(s, st, Fit{}) }

// Fit is how a picture fits a screen that redraws it, as swarmsim live
// does: narrower or wider zones, fewer nodes per zone, and one node marked
// as selected. The zero Fit is the headline's picture.
type Fit struct {
	ZoneWidth int    // inner width of a zone's column; 0 for the headline's
	MaxNodes  int    // nodes drawn per zone before "… N more"; 0 for the headline's
	Width     int    // columns there are: zones beyond them go on another row; 0 for one row
	Selected  string // the node marked ▸; with it every node line has a one-column gutter
	Mark      bool   // draw the gutter even when Selected is ""
}

// FitPicture draws the picture as Picture does, fitted by f.
func FitPicture(s cluster.Snapshot, st Styles, f Fit) string {
	width, most := zoneWidth, nodesPerZone
	if f.ZoneWidth > 0 {
		width = f.ZoneWidth
	}
	if f.MaxNodes > 0 {
		most = f.MaxNodes
	}
	gutter := f.Mark || f.Selected != ""
	inner := width // what a node's lines may take
	if gutter {
		inner--
	}
	nodes := map[string]cluster.NodeView{}
	for _, n := range s.Nodes {
		nodes[n.Name] = n
	}
	var cols []string
	for _, z := range s.Zones {
		lines := []string{st.ZoneName.Render("zone " + sink.Text(z.Name))}
		if len(z.Nodes) == 0 {
			// A zone is only a label: nodes may join it later.
			lines = append(lines, st.Dim.Render("no node yet"))
		}
		for i, name := range z.Nodes {
			if i == most {
				lines = append(lines, st.Dim.Render(fmt.Sprintf("… %d more nodes", len(z.Nodes)-most)))
				break
			}
			node := nodeLines(nodes[name], st, inner)
			if gutter {
				for j := range node {
					mark := " "
					if j == 0 && name == f.Selected {
						mark = "▸"
						node[j] = st.Selected.Render(node[j])
					}
					node[j] = mark + node[j]
				}
			}
			lines = append(lines, node...)
		}
		cols = append(cols, st.zone.Width(width+2).Render(strings.Join(lines, "\n")))
	}
	if f.Width <= 0 || len(cols) == 0 {
		return lipgloss.JoinHorizontal(lipgloss.Top, cols...)
	}
	per := max(f.Width/lipgloss.Width(cols[0]), 1)
	var rows []string
	for i := 0; i < len(cols); i += per {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, cols[i:min(i+per, len(cols))]...))
	}
	return lipgloss.JoinVertical(lipgloss.Left, rows...)
}

func nodeLines(n cluster.NodeView, st Styles, width int) []string {
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
	var lines []string
	if max(len(sink.Text(n.Name)), 4)+1+max(len(n.Role), 7)+1+lipgloss.Width(state) <= width {
		lines = []string{fmt.Sprintf("%s %-7s %s", name, n.Role, state)}
	} else {
		// A long hostname takes its own rows, broken where it has a
		// boundary, each row after the first indented; role and state
		// follow on a row of their own.
		style := st.Worker
		if n.Role == cluster.RoleManager {
			style = st.Manager
		}
		for i, part := range breakName(sink.Text(n.Name), width, 2) {
			if i > 0 {
				part = "  " + part
			}
			lines = append(lines, style.Render(part))
		}
		lines = append(lines, fmt.Sprintf("  %-7s %s", n.Role, state))
	}
	names := n.Tasks.Names()
	rows := prose.Wrap(names, width-2)
	if len(rows) > taskRows {
		rows = prose.Wrap(taskCounts(names), width-2)
	}
	for _, row := range rows {
		if row == "" {
			continue
		}
		// A task name wider than the column is broken like a hostname.
		for i, part := range breakName(sink.Text(row), width-2, 2) {
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
		for cut < len(name) && !utf8.RuneStart(name[cut]) {
			cut++ // never inside a letter
		}
		rows = append(rows, name[:cut])
		name = name[cut:]
	}
	return append(rows, name)
}
