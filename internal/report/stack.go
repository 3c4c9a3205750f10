package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/drillrun"

	"github.com/swarmsim/swarmsim/internal/sink"
)

// Docker's tables for stacks, secrets and configs, from a snapshot or the
// objects a drill step read.

// StackLS is `docker stack ls`: each stack and how many services it has.
func StackLS(w io.Writer, s cluster.Snapshot) {
	count := map[string]int{}
	var names []string
	for _, sv := range s.Services {
		if sv.Stack == "" {
			continue
		}
		if count[sv.Stack] == 0 {
			names = append(names, sv.Stack)
		}
		count[sv.Stack]++
	}
	slices.SortFunc(names, naturalCompare)
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSERVICES")
	for _, n := range names {
		fmt.Fprintf(tw, "%s\t%d\n", n, count[n])
	}
	tw.Flush()
}

// StackServices is `docker stack services NAME`: `docker service ls` of
// the stack's services.
func StackServices(w io.Writer, s cluster.Snapshot, stack string) {
	serviceTable(w, s, func(sv cluster.ServiceView) bool { return sv.Stack == stack })
}

// StackPS is `docker stack ps NAME`: the tasks of the stack's services,
// with the host-mode ports each binds.
func StackPS(w io.Writer, s cluster.Snapshot, stack string) error {
	return taskTable(w, s, hostPorts(s, func(sv cluster.ServiceView) bool { return sv.Stack == stack }))
}

// ObjectLS is `docker secret ls` or `docker config ls`.
// IDs derive from the swarm's seed as cluster.DockerID derives them.
func ObjectLS(w io.Writer, kind cluster.FileKind, objs []cluster.FileObject, seed uint64, now time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	if kind == cluster.KindSecret {
		fmt.Fprintln(tw, "ID\tNAME\tDRIVER\tCREATED\tUPDATED")
	} else {
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tUPDATED")
	}
	for _, o := range objs {
		since := ago(now-time.Duration(o.Created)*time.Millisecond) + " ago"
		id := cluster.DockerID(seed, string(kind), o.Name)
		if kind == cluster.KindSecret {
			fmt.Fprintf(tw, "%s\t%s\t\t%s\t%s\n", id, sink.Text(o.Name), since, since)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", id, sink.Text(o.Name), since, since)
		}
	}
	tw.Flush()
}

// drawView writes a table a drill step printed.
func drawView(w io.Writer, v drillrun.View, now time.Duration) {
	if drawRead(w, v) {
		return
	}
	switch v.Kind {
	case drillrun.StackTable:
		StackLS(w, v.Snap)
	case drillrun.StackServicesTable:
		StackServices(w, v.Snap, v.Stack)
	case drillrun.StackTasksTable:
		StackPS(w, v.Snap, v.Stack) // the runner checked that the stack has tasks
	case drillrun.SecretTable:
		ObjectLS(w, cluster.KindSecret, v.Objects, v.Seed, now)
	case drillrun.ConfigTable:
		ObjectLS(w, cluster.KindConfig, v.Objects, v.Seed, now)
	}
}

// output writes what a step's command printed, under the step: Docker's
// lines, then its table, each line indented and without trailing blanks.
func (t Transcript) output(res drillrun.Result) {
	var b bytes.Buffer
	for _, line := range res.Output {
		fmt.Fprintln(&b, sink.Text(line))
	}
	if res.View != nil {
		drawView(&b, *res.View, res.At)
	}
	for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		if line = strings.TrimRight(line, " "); line != "" {
			fmt.Fprintf(t.W, "%s%s\n", stepIndent, line)
		}
	}
}

// naturalCompare orders names as Docker's stack ls does: app2 before app10.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := len(na) - len(nb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
