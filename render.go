package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/swarmsim/swarmsim/cluster"
)

const (
	zoneWidth    = 22 // inner width of a zone's column
	nodesPerZone = 12 // beyond this a zone's column summarizes the rest
)

// renderText writes the headline report: the picture before, the timeline,
// the picture after, and the verdict.
func renderText(w io.Writer, o *outcome, st styles) {
	opts := o.opts
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("%s\n\n", st.title.Render(fmt.Sprintf("swarmsim · %d managers over %d zones (%s) · %d workers · seed %d",
		opts.managers, len(opts.layout.Zones), opts.layout, opts.workers, opts.seed)))

	p("%s\n", st.heading.Render(fmt.Sprintf("Before · at %s, %s", cluster.FormatTime(o.before.At), leaderPhrase(o.before))))
	p("%s\n\n", picture(o.before, st))

	p("%s\n", st.heading.Render(fmt.Sprintf("Timeline · simulated time since the failure at %s", cluster.FormatTime(o.injectedAt))))
	if len(o.events) == 0 {
		p("  %s\n", st.dim.Render("nothing happened: no failure was injected"))
	}
	for _, e := range o.events {
		p("  %s  %s %s\n", st.timeAt.Render(fmt.Sprintf("%10s", "+"+cluster.FormatTime(e.At-o.injectedAt))),
			st.kind.Render(fmt.Sprintf("%-16s", e.Kind)), e.Detail)
	}
	p("\n")

	p("%s\n", st.heading.Render(fmt.Sprintf("After · at %s, %s", cluster.FormatTime(o.after.At), leaderPhrase(o.after))))
	p("%s\n\n", picture(o.after, st))

	p("%s\n", st.heading.Render("Services"))
	width := 10
	for _, sv := range o.after.Services {
		width = max(width, len(sv.Name))
	}
	for _, sv := range o.after.Services {
		p("  %s\n", serviceLine(sv, o.after, st, width))
	}
	p("\n")
	if opts.views {
		p("%s\n", st.heading.Render("$ docker node ls"))
		nodeLS(w, o.after)
		p("\n%s\n", st.heading.Render("$ docker service ls"))
		serviceLS(w, o.after)
		for _, sv := range o.after.Services {
			p("\n%s\n", st.heading.Render("$ docker service ps "+sv.Name))
			servicePS(w, o.after, sv.Name)
		}
		p("\n")
	}
	renderVerdict(w, o, st)
}

func leaderPhrase(s cluster.Snapshot) string {
	if s.Leader == "" {
		return "no leader"
	}
	return fmt.Sprintf("%s leads in term %d", s.Leader, s.Term)
}

// picture draws zones as columns, each node with its role, state and tasks.
func picture(s cluster.Snapshot, st styles) string {
	nodes := map[string]cluster.NodeView{}
	for _, n := range s.Nodes {
		nodes[n.Name] = n
	}
	var cols []string
	for _, z := range s.Zones {
		lines := []string{st.zoneName.Render("zone " + z.Name)}
		for i, name := range z.Nodes {
			if i == nodesPerZone {
				lines = append(lines, st.dim.Render(fmt.Sprintf("… %d more nodes", len(z.Nodes)-nodesPerZone)))
				break
			}
			lines = append(lines, nodeLines(nodes[name], st)...)
		}
		cols = append(cols, st.zone.Width(zoneWidth+2).Render(strings.Join(lines, "\n")))
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, cols...)
}

func nodeLines(n cluster.NodeView, st styles) []string {
	name := st.worker.Render(fmt.Sprintf("%-4s", n.Name))
	if n.Role == cluster.RoleManager {
		name = st.manager.Render(fmt.Sprintf("%-4s", n.Name))
	}
	var state string
	switch {
	case !n.Alive:
		state = st.dead.Render("✗ dead")
	case n.Leader:
		state = st.leader.Render("★ leader")
	case n.Status == cluster.NodeDown:
		state = st.down.Render("down")
	case n.Role == cluster.RoleManager && n.ManagerStatus == "Unreachable":
		state = st.down.Render("unreachable")
	case n.Availability != "" && n.Availability != cluster.Active:
		state = st.warn.Render(n.Availability)
	default:
		state = st.dim.Render("ready")
	}
	lines := []string{fmt.Sprintf("%s %-7s %s", name, n.Role, state)}
	if len(n.Tasks) > 0 {
		for _, row := range wrap(n.Tasks, zoneWidth-2) {
			lines = append(lines, "  "+st.task.Render(row))
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

func serviceLine(sv cluster.ServiceView, s cluster.Snapshot, st styles, width int) string {
	count := fmt.Sprintf("%d/%d running", sv.Running, sv.Desired)
	if sv.Running < sv.Desired || sv.Pending > 0 {
		count = st.bad.Render(count)
	} else {
		count = st.good.Render(count)
	}
	var zones []string
	for _, z := range s.Zones {
		zones = append(zones, fmt.Sprintf("%s=%d", z.Name, sv.PerZone[z.Name]))
	}
	line := fmt.Sprintf("%-*s %-10s %s  %s", width, sv.Name, sv.Mode, count, st.dim.Render(strings.Join(zones, " ")))
	if sv.Pending > 0 {
		line += fmt.Sprintf("\n  %-*s %d pending: %s", width, "", sv.Pending, strings.Join(sv.Reasons, "; "))
	}
	return line
}

func renderVerdict(w io.Writer, o *outcome, st styles) {
	q := o.after.Quorum
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	numbers := fmt.Sprintf("quorum %d of %d, %d alive, tolerates %d", q.Needed, q.Members, q.Alive, q.Tolerance)
	switch o.verdict {
	case verdictHolds, verdictDegraded:
		more := q.Alive - q.Needed
		label := st.good.Render("Verdict: quorum holds")
		if o.verdict == verdictDegraded {
			label = st.warn.Render("Verdict: degraded")
		}
		p("%s: %s, %d more %s tolerated.\n", label, numbers, more, plural(more, "failure", "failures"))
		if o.electedIn != nil {
			p("  A new leader was elected %s after the failure.\n", cluster.FormatTime(*o.electedIn))
		}
		for _, sv := range o.after.Services {
			if sv.Running < sv.Desired || sv.Pending > 0 {
				p("  %s runs %d of %d tasks.\n", sv.Name, sv.Running, sv.Desired)
			}
		}
	case verdictQuorumLost:
		missing := max(q.Needed-q.Alive, 0)
		if missing > 0 {
			p("%s: %s: %d more %s needed.\n", st.bad.Render("Verdict: quorum lost"), numbers, missing, plural(missing, "manager is", "managers are"))
		} else {
			p("%s: %s, but no leader can reach %d of them across the cut network.\n", st.bad.Render("Verdict: quorum lost"), numbers, q.Needed)
		}
		p("  Without a leader nothing can change. Tasks already running keep running on live nodes,\n")
		p("  but no service can be created, updated or scaled, tasks lost with dead nodes are not\n")
		p("  rescheduled, and no node can be promoted, demoted, drained, joined or removed. Docker\n")
		p("  answers every change with:\n")
		p("    %s\n", st.dim.Render(cluster.ErrNoLeader.Error()))
		p("  To recover, bring enough dead managers back to reach %d, or on a surviving manager\n", q.Needed)
		if surv := survivors(o.after); len(surv) > 0 {
			p("  (%s) run `docker swarm init --force-new-cluster`: it becomes a one-manager swarm that\n", strings.Join(surv, ", "))
		} else {
			p("  run `docker swarm init --force-new-cluster`: it becomes a one-manager swarm that\n")
		}
		p("  keeps its copy of the state; then promote managers again to restore fault tolerance.\n")
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func ms(d time.Duration) int64 { return d.Milliseconds() }
