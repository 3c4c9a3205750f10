package drillrun

import (
	"fmt"
	"slices"
	"strings"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
)

// expect checks one expectation against the swarm as it is now.
func (r *Runner) expect(cmd drill.Command) *check {
	s := r.c.Snapshot()
	switch x := cmd.(type) {
	case drill.ExpectQuorum:
		q := s.Quorum
		seen := fmt.Sprintf("%d of %d managers alive%s, quorum needs %d, %s", q.Alive, q.Members, lockedWords(q.Locked), q.Needed, leaderWords(s))
		if q.Holds != x.Holds {
			return failed("expected quorum %s, but it %s: %s", holdsWord(x.Holds), holdsWord(q.Holds), seen)
		}
		return held("quorum %s: %s", holdsWord(q.Holds), seen)
	case drill.ExpectLeader:
		zone := ""
		for _, n := range s.Nodes {
			if n.Leader {
				zone = n.Zone
			}
		}
		switch {
		case x.None && s.Leader != "":
			return failed("expected no leader, but %s leads in term %d", s.Leader, s.Term)
		case x.None:
			return held("no leader")
		case s.Leader == "":
			return failed("expected a leader, but there is none")
		case x.Zone != "" && zone != x.Zone:
			return failed("expected the leader in zone %s, but %s leads from zone %s", x.Zone, s.Leader, zone)
		}
		return held("%s leads in term %d (zone %s)", s.Leader, s.Term, zone)
	case drill.ExpectService:
		i := slices.IndexFunc(s.Services, func(sv cluster.ServiceView) bool { return sv.Name == x.Name })
		if i < 0 {
			return failed("expected service %s, but there is no such service", x.Name)
		}
		sv := s.Services[i]
		seen := fmt.Sprintf("%d running (%s)", sv.Running, zoneCounts(s, sv))
		if sv.Running != x.Running {
			return failed("expected %s running %d, saw %s", x.Name, x.Running, seen)
		}
		for _, z := range x.Spread {
			if sv.PerZone[z.Zone] != z.Count {
				return failed("expected %s with %d in zone %s, saw %s", x.Name, z.Count, z.Zone, seen)
			}
		}
		return held("%s: %s", x.Name, seen)
	case drill.ExpectTaskPending:
		var reasons []string
		for _, t := range s.Tasks {
			if t.Service == x.Service && t.Active() && t.State == cluster.TaskPending {
				if strings.Contains(t.Reason, x.Reason) {
					return held("%s pending: %s", t.Name(), t.Reason)
				}
				reasons = append(reasons, t.Reason)
			}
		}
		if len(reasons) == 0 {
			return failed("expected a pending task of %s, but none is pending", x.Service)
		}
		return failed("expected a pending task of %s with %q, saw: %s", x.Service, x.Reason, strings.Join(reasons, "; "))
	case drill.ExpectNode:
		i := slices.IndexFunc(s.Nodes, func(n cluster.NodeView) bool { return n.Name == x.Node })
		if i < 0 {
			return failed("expected node %s, but there is no such node", x.Node)
		}
		n := s.Nodes[i]
		seen := fmt.Sprintf("%s is %s and %s", n.Name, n.Status, n.Availability)
		got := n.Status
		switch {
		case x.State == drill.NodeActive || x.State == drill.NodePause || x.State == drill.NodeDrain:
			got = n.Availability
		case x.State == drill.NodeLocked && n.Locked:
			got = string(drill.NodeLocked)
		case x.State == drill.NodeLocked:
			got = "not locked"
		}
		switch {
		case n.Locked:
			seen = fmt.Sprintf("%s is locked (the swarm counts it %s) and %s", n.Name, n.Status, n.Availability)
		case x.State == drill.NodeLocked && !n.Alive:
			seen = fmt.Sprintf("%s is not locked: it is not running", n.Name)
		case x.State == drill.NodeLocked:
			seen = fmt.Sprintf("%s is not locked: it is %s and %s", n.Name, n.Status, n.Availability)
		}
		if got != string(x.State) {
			return failed("expected %s %s, but %s", x.Node, x.State, seen)
		}
		return held("%s", seen)
	case drill.ExpectPort:
		return expectPort(s, x)
	case drill.ExpectCompleted:
		return expectCompleted(s, x)
	case drill.ExpectHistory:
		return expectHistory(s, x)
	}
	return failed("swarmsim cannot check %q yet", cmd)
}

// lockedWords adds the locked managers to a count of live ones.
func lockedWords(locked int) string {
	if locked == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d locked)", locked)
}

// leaderWords names the leader, or says there is none.
func leaderWords(s cluster.Snapshot) string {
	if s.Leader == "" {
		return "no leader"
	}
	return "leader " + s.Leader
}

func holdsWord(b bool) string {
	if b {
		return "holds"
	}
	return "is lost"
}

func zoneCounts(s cluster.Snapshot, sv cluster.ServiceView) string {
	var parts []string
	for _, z := range s.Zones {
		parts = append(parts, fmt.Sprintf("%s=%d", z.Name, sv.PerZone[z.Name]))
	}
	return strings.Join(parts, " ")
}

// expectCompleted checks a job's completions, as `docker service ls`
// counts them for its current run.
func expectCompleted(s cluster.Snapshot, x drill.ExpectCompleted) *check {
	i := slices.IndexFunc(s.Services, func(sv cluster.ServiceView) bool { return sv.Name == x.Service })
	if i < 0 {
		return failed("expected service %s, but there is no such service", x.Service)
	}
	sv := s.Services[i]
	if sv.Mode != cluster.ModeReplicatedJob && sv.Mode != cluster.ModeGlobalJob {
		return failed("expected %s to complete %d tasks, but it is a %s service, whose tasks are not meant to complete", x.Service, x.Count, sv.Mode)
	}
	seen := fmt.Sprintf("%d/%d completed, %d running", sv.Completed, sv.Completions, sv.Running)
	if sv.Completed != x.Count {
		return failed("expected %s completed %d, saw %s", x.Service, x.Count, seen)
	}
	return held("%s: %s", x.Service, seen)
}

// expectHistory checks a slot's tasks as `docker service ps` lists them:
// newest first, by state.
func expectHistory(s cluster.Snapshot, x drill.ExpectHistory) *check {
	var got []string
	for _, t := range s.Tasks { // oldest first within a slot
		if t.Name() == x.Task {
			got = append(got, t.State)
		}
	}
	slices.Reverse(got)
	seen := strings.Join(got, " ")
	switch {
	case len(got) == 0:
		return failed("expected the history of %s, but docker service ps lists no such task", x.Task)
	case !slices.Equal(got, x.States):
		return failed("expected %s's history %s, saw %s", x.Task, strings.Join(x.States, " "), seen)
	}
	return held("%s: %s", x.Task, seen)
}
