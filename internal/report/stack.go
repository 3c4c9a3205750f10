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
)

// Docker's tables for stacks, secrets and configs, from a snapshot or the
// objects a drill step read. Names stand in for Docker's IDs, as in the
// other tables.

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
// the stack's services, with the ports the routing mesh publishes.
func StackServices(w io.Writer, s cluster.Snapshot, stack string) {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tMODE\tREPLICAS\tIMAGE\tPORTS")
	for _, sv := range s.Services {
		if sv.Stack != stack {
			continue
		}
		var ports []string
		for _, p := range sv.Ports {
			if p.Mode == cluster.PublishIngress {
				ports = append(ports, p.String())
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", sv.Name, sv.Name, modeWords(sv.Mode), replicas(sv), sv.Image, strings.Join(ports, ", "))
	}
	tw.Flush()
}

// StackPS is `docker stack ps NAME`: the tasks of the stack's services,
// with the host-mode ports each binds.
func StackPS(w io.Writer, s cluster.Snapshot, stack string) error {
	ports := map[string]string{}
	for _, sv := range s.Services {
		if sv.Stack != stack {
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
	return taskTable(w, s, func(service string) bool { _, ok := ports[service]; return ok }, ports)
}

// ObjectLS is `docker secret ls` or `docker config ls`.
func ObjectLS(w io.Writer, kind cluster.FileKind, objs []cluster.FileObject, now time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	if kind == cluster.KindSecret {
		fmt.Fprintln(tw, "ID\tNAME\tDRIVER\tCREATED\tUPDATED")
	} else {
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tUPDATED")
	}
	for _, o := range objs {
		since := ago(now-time.Duration(o.Created)*time.Millisecond) + " ago"
		if kind == cluster.KindSecret {
			fmt.Fprintf(tw, "%s\t%s\t\t%s\t%s\n", o.Name, o.Name, since, since)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Name, o.Name, since, since)
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
		ObjectLS(w, cluster.KindSecret, v.Objects, now)
	case drillrun.ConfigTable:
		ObjectLS(w, cluster.KindConfig, v.Objects, now)
	}
}

// output writes what a step's command printed, under the step: Docker's
// lines, then its table, each line indented and without trailing blanks.
func (t Transcript) output(res drillrun.Result) {
	var b bytes.Buffer
	for _, line := range res.Output {
		fmt.Fprintln(&b, line)
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
