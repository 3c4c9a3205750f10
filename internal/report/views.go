package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/swarmsim/swarmsim/cluster"

	"github.com/swarmsim/swarmsim/internal/sink"
)

// The three tables an operator types most, printed as Docker prints them,
// from a snapshot: IDs cut to 12 characters for services and tasks, whole
// for nodes, images without the digest of a tagged reference.
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", n.ID, sink.Text(n.Name), title(n.Status), title(sink.Text(n.Availability)), n.ManagerStatus, sink.Text(n.Zone))
	}
	tw.Flush()
}

// ServiceLS is `docker service ls`.
func ServiceLS(w io.Writer, s cluster.Snapshot) {
	noLeader(w, s)
	serviceTable(w, s, func(cluster.ServiceView) bool { return true })
}

// serviceTable writes the services match accepts as `docker service ls`
// and `docker stack services` list them.
func serviceTable(w io.Writer, s cluster.Snapshot, match func(cluster.ServiceView) bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tMODE\tREPLICAS\tIMAGE\tPORTS")
	for _, sv := range s.Services {
		if match(sv) {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", shortID(sv.ID), sink.Text(sv.Name), modeWords(sv.Mode), replicas(sv), sink.Text(displayImage(sv.Image)), ingressPorts(sv.Ports))
		}
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

// shortID is an ID as Docker's tables print it (formatter.TruncateID).
func shortID(id string) string { return id[:min(len(id), 12)] }

// displayImage is an image as Docker's tables print it: a tagged
// reference without its digest (nginx:1.25@sha256:… is nginx:1.25); an
// untagged one keeps it, as Docker's does.
func displayImage(image string) string {
	name, _, ok := strings.Cut(image, "@")
	if !ok {
		return image
	}
	if strings.Contains(name[strings.LastIndexByte(name, '/')+1:], ":") {
		return name
	}
	return image
}

// ingressPorts is `docker service ls`'s PORTS: the ports the routing mesh
// publishes, by protocol and port, consecutive ones grouped into a range
// (*:8080-8081->80-81/tcp), as docker/cli's serviceContext.Ports groups
// them.
func ingressPorts(ports []cluster.PortConfig) string {
	var in []cluster.PortConfig
	for _, p := range ports {
		if p.Mode == cluster.PublishIngress {
			in = append(in, p)
		}
	}
	slices.SortStableFunc(in, func(a, b cluster.PortConfig) int {
		if c := strings.Compare(a.Protocol, b.Protocol); c != 0 {
			return c
		}
		return cmp.Compare(a.Published, b.Published)
	})
	type span struct {
		pStart, pEnd, tStart, tEnd uint32
		protocol                   string
	}
	format := func(r span) string {
		pub, tgt := strconv.Itoa(int(r.pStart)), strconv.Itoa(int(r.tStart))
		if r.pEnd > r.pStart {
			pub += "-" + strconv.Itoa(int(r.pEnd))
		}
		if r.tEnd > r.tStart {
			tgt += "-" + strconv.Itoa(int(r.tEnd))
		}
		return "*:" + pub + "->" + tgt + "/" + strings.ToLower(r.protocol)
	}
	var out []string
	var r span
	for _, p := range in {
		isRange := r.tEnd != r.tStart
		if p.Protocol != r.protocol || p.Published-r.pEnd > 1 || p.Target-r.tEnd > 1 || isRange && p.Target <= r.tEnd {
			if r.pStart > 0 {
				out = append(out, format(r))
			}
			r = span{p.Published, p.Published, p.Target, p.Target, p.Protocol}
			continue
		}
		r.pEnd, r.tEnd = p.Published, p.Target
	}
	if r.pStart > 0 {
		out = append(out, format(r))
	}
	return strings.Join(out, ", ")
}

// hostPorts is `docker service ps`'s PORTS for each service's tasks: the
// ports it publishes in host mode, which its tasks bind on their nodes.
func hostPorts(s cluster.Snapshot, match func(cluster.ServiceView) bool) map[string]string {
	ports := map[string]string{}
	for _, sv := range s.Services {
		if !match(sv) {
			continue
		}
		var host []string
		for _, p := range sv.Ports {
			if p.Mode == cluster.PublishHost {
				host = append(host, p.String())
			}
		}
		ports[sv.Name] = strings.Join(host, ", ")
	}
	return ports
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
	return taskTable(w, s, hostPorts(s, func(sv cluster.ServiceView) bool { return sv.Name == name }))
}

// taskTable writes the tasks of the services ports holds (their host-mode
// ports, for Docker's PORTS column), as `docker service ps` and `docker
// stack ps` list them.
func taskTable(w io.Writer, s cluster.Snapshot, ports map[string]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tIMAGE\tNODE\tDESIRED STATE\tCURRENT STATE\tERROR\tPORTS")
	var group []*cluster.Task
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
			row := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t", shortID(s.TaskID(t)), sink.Text(label), sink.Text(displayImage(t.Image)), sink.Text(t.Node), desiredState(t, s.At), currentState(t, s.At), sink.Text(errText))
			if t.State == cluster.TaskRunning || t.State == cluster.TaskStarting {
				row += ports[t.Service]
			}
			fmt.Fprintln(tw, row)
		}
		group = group[:0]
	}
	for _, t := range s.Tasks {
		if _, ok := ports[t.Service]; !ok {
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
func desiredState(t *cluster.Task, now time.Duration) string {
	if t.Active() && time.Duration(t.Created+t.Delay)*time.Millisecond > now {
		return "Ready"
	}
	return title(t.Desired)
}

func currentState(t *cluster.Task, now time.Duration) string {
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
