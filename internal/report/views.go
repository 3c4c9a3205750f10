package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
)

// The three tables an operator types most, printed as Docker prints them,
// from a snapshot. Node names stand in for Docker's IDs.
//
// Without a leader Docker answers each of them with its no-leader error,
// and so do these. What follows that line is the simulator's own addition,
// marked as such: the local copy of the state one manager still holds,
// which Docker does not show.
func noLeader(w io.Writer, s cluster.Snapshot) {
	if s.LocalCopy == "" {
		return
	}
	fmt.Fprintln(w, cluster.ErrNoLeader)
	fmt.Fprintf(w, "# not what Docker prints: %s's local copy of the state, which no leader confirms\n", s.LocalCopy)
}

// NodeLS is `docker node ls`.
func NodeLS(w io.Writer, s cluster.Snapshot) {
	noLeader(w, s)
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "ID\tHOSTNAME\tSTATUS\tAVAILABILITY\tMANAGER STATUS\tZONE")
	for _, n := range s.Nodes {
		if n.Status == "" {
			continue // not part of the swarm (removed)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", n.Name, n.Name, title(n.Status), title(n.Availability), n.ManagerStatus, n.Zone)
	}
	tw.Flush()
}

// ServiceLS is `docker service ls`.
func ServiceLS(w io.Writer, s cluster.Snapshot) {
	noLeader(w, s)
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tMODE\tREPLICAS\tIMAGE")
	for _, sv := range s.Services {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", sv.Name, sv.Name, modeWords(sv.Mode), replicas(sv), sv.Image)
	}
	tw.Flush()
}

// modeWords is a service's MODE as `docker service ls` shows it.
func modeWords(mode string) string {
	switch mode {
	case cluster.ModeReplicatedJob:
		return "replicated job"
	case cluster.ModeGlobalJob:
		return "global job"
	}
	return mode
}

// replicas is the REPLICAS column of `docker service ls`, as docker/cli's
// formatter writes it: a job shows its progress beside what runs.
func replicas(sv cluster.ServiceView) string {
	switch sv.Mode {
	case cluster.ModeReplicatedJob:
		return fmt.Sprintf("%d/%d (%d/%d completed)", sv.Running, sv.MaxConcurrent, sv.Completed, sv.Completions)
	case cluster.ModeGlobalJob:
		return fmt.Sprintf("%d/%d (%d/%d completed)", sv.Running, sv.Desired, sv.Completed, sv.Completions)
	}
	return fmt.Sprintf("%d/%d", sv.Running, sv.Desired)
}

// ServicePS is `docker service ps NAME`: each slot's current task, then its
// history marked \_, with the pending reason or exit in ERROR.
func ServicePS(w io.Writer, s cluster.Snapshot, name string) error {
	found := false
	for _, sv := range s.Services {
		found = found || sv.Name == name
	}
	if !found {
		return fmt.Errorf("no such service: %s", name)
	}
	noLeader(w, s)
	return taskTable(w, s, func(service string) bool { return service == name }, nil)
}

// taskTable writes the tasks of the services match accepts, as `docker
// service ps` and `docker stack ps` list them; with ports (the host-mode
// ports of each service) it adds Docker's PORTS column.
func taskTable(w io.Writer, s cluster.Snapshot, match func(service string) bool, ports map[string]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	header := "ID\tNAME\tIMAGE\tNODE\tDESIRED STATE\tCURRENT STATE\tERROR"
	if ports != nil {
		header += "\tPORTS"
	}
	fmt.Fprintln(tw, header)
	var group []cluster.Task
	flush := func() {
		// Newest first, as Docker lists a slot's history.
		for i := len(group) - 1; i >= 0; i-- {
			t := group[i]
			label := t.Name()
			if i != len(group)-1 {
				label = ` \_ ` + label
			}
			errText := ""
			if t.State == cluster.TaskPending || t.State == cluster.TaskFailed {
				errText = fmt.Sprintf("%q", t.Reason)
			}
			row := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s", t.ID, label, t.Image, t.Node, desiredState(t, s.At), currentState(t, s.At), errText)
			if ports != nil {
				if t.State == cluster.TaskRunning || t.State == cluster.TaskStarting {
					row += "\t" + ports[t.Service]
				} else {
					row += "\t"
				}
			}
			fmt.Fprintln(tw, row)
		}
		group = group[:0]
	}
	for _, t := range s.Tasks {
		if !match(t.Service) {
			continue
		}
		if len(group) > 0 && group[0].Name() != t.Name() {
			flush()
		}
		group = append(group, t)
	}
	flush()
	return tw.Flush()
}

// desiredState is Ready for a replacement waiting out its restart delay,
// as swarmkit's restart supervisor sets it until the delay is over.
func desiredState(t cluster.Task, now time.Duration) string {
	if t.Active() && time.Duration(t.Created+t.Delay)*time.Millisecond > now {
		return "Ready"
	}
	return title(t.Desired)
}

func currentState(t cluster.Task, now time.Duration) string {
	at := t.Started
	if t.Ended > 0 && (!t.Active() || t.State == cluster.TaskFailed || t.State == cluster.TaskRejected) {
		at = t.Ended
	}
	if at == 0 {
		return title(t.State)
	}
	return fmt.Sprintf("%s %s ago", title(t.State), ago(now-time.Duration(at)*time.Millisecond))
}

// ago renders a duration the way Docker's CLI does: "5 seconds", "2 minutes".
func ago(d time.Duration) string {
	switch s := int(d.Seconds()); {
	case s < 1:
		return "less than a second"
	case s == 1:
		return "1 second"
	case s < 60:
		return fmt.Sprintf("%d seconds", s)
	case s < 120:
		return "about a minute"
	default:
		return fmt.Sprintf("%d minutes", s/60)
	}
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
