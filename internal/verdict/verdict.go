// Package verdict words what a swarm's state means: quorum's numbers, the
// services short of their count, what lost quorum means in Docker and how
// to recover, locked managers and the key that unlocks them. It is the one
// text the headline report, its HTML page and the playground show; it
// holds no styles, so the playground's WebAssembly build stays small.
package verdict

import (
	"fmt"
	"strings"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/prose"
	"github.com/swarmsim/swarmsim/internal/scenario"
	"github.com/swarmsim/swarmsim/internal/sink"
)

// Text is the verdict in words: the one text the headline report,
// the HTML page and the playground all show.
type Text struct {
	Head    string // quorum holds, degraded or quorum lost
	Summary string // the sentence with the numbers, after "Verdict: Head: "
	// Notes are what else the verdict means, each a paragraph broken into
	// the lines the text report prints; a reader that wraps by itself
	// joins each paragraph's lines with a space.
	Notes []Note
}

// Note is one paragraph of a verdict.
type Note struct {
	Lines  []string
	Answer bool // the error Docker answers with, shown quoted and dim
}

// Text is the paragraph as one sentence, for a reader that wraps.
func (n Note) Text() string {
	var parts []string
	for _, l := range n.Lines {
		parts = append(parts, strings.TrimSpace(l))
	}
	return strings.Join(parts, " ")
}

// Words words the verdict of a swarm: its quorum's numbers, the services
// short of their count, what lost quorum means in Docker and how to
// recover, and locked managers with the key that unlocks them.
func Words(s cluster.Snapshot, word scenario.Verdict, unlockKey string) Text {
	q := s.Quorum
	var v Text
	note := func(lines ...string) { v.Notes = append(v.Notes, Note{Lines: lines}) }
	numbers := fmt.Sprintf("quorum %d of %d, %d alive%s, tolerates %d", q.Needed, q.Members, q.Alive, lockedCount(q.Locked), q.Tolerance)
	if s.Leader != "" && q.Reachable != q.Alive {
		// A partition: what counts is whom the leader's Raft hears.
		numbers = fmt.Sprintf("quorum %d of %d, %d alive%s, %d heard by the leader, tolerates %d", q.Needed, q.Members, q.Alive, lockedCount(q.Locked), q.Reachable, q.Tolerance)
	}
	if word != scenario.QuorumLost {
		more := q.MoreFailuresTolerated
		v.Head = "quorum holds"
		if word == scenario.Degraded {
			v.Head = "degraded"
		}
		v.Summary = fmt.Sprintf("%s, %d more %s tolerated.", numbers, more, prose.Plural(more, "failure", "failures"))
		for _, sv := range s.Services {
			if sv.Running < sv.Desired || sv.Pending > 0 {
				note(fmt.Sprintf("%s runs %d of %d tasks.", sink.Text(sv.Name), sv.Running, sv.Desired))
			}
		}
		if advice := unlockAdvice(s, unlockKey, 0); advice != nil {
			note(advice...)
		}
		return v
	}
	v.Head = "quorum lost"
	missing := max(q.Needed-q.Alive, 0)
	if missing > 0 {
		v.Summary = fmt.Sprintf("%s: %d more %s needed.", numbers, missing, prose.Plural(missing, "manager is", "managers are"))
	} else {
		v.Summary = fmt.Sprintf("%s, but no leader can reach %d of them across the cut network.", numbers, q.Needed)
	}
	note("Without a leader nothing can change. Tasks already running keep running on live nodes,",
		"but no service can be created, updated or scaled, tasks lost with dead nodes are not",
		"rescheduled, and no node can be promoted, demoted, drained, joined or removed. Docker",
		"answers every change with:")
	answer := cluster.ErrNoLeader
	if q.Alive == 0 && q.Locked > 0 {
		answer = cluster.ErrSwarmLocked
	}
	v.Notes = append(v.Notes, Note{Lines: []string{"  " + answer.Error()}, Answer: true})
	var live []string
	for _, n := range s.Nodes {
		if n.Role == cluster.RoleManager && n.Alive && !n.Locked {
			live = append(live, sink.Text(n.Name))
		}
	}
	switch {
	case q.Locked > 0:
		note(unlockAdvice(s, unlockKey, min(missing, q.Locked))...)
		if dead := missing - q.Locked; dead > 0 {
			note(fmt.Sprintf("Then restart %d more dead %s: they come back locked, to be unlocked the same way.", dead, prose.Plural(dead, "manager", "managers")))
		}
	case len(live) > 0:
		note(fmt.Sprintf("To recover, bring enough dead managers back to reach %d, or on a surviving manager", q.Needed),
			fmt.Sprintf("(%s) run `docker swarm init --force-new-cluster`: it becomes a one-manager swarm that", strings.Join(live, ", ")),
			"keeps its copy of the state; then promote managers again to restore fault tolerance.")
	default:
		note("No manager is alive, so none can run `docker swarm init --force-new-cluster`. To recover,",
			fmt.Sprintf("restart dead managers until %d of them run: they come back with their Raft state and", q.Needed),
			"elect a leader.")
	}
	return v
}

// LockedNames are the managers of a snapshot that wait for the unlock key.
func LockedNames(s cluster.Snapshot) []string {
	var out []string
	for _, n := range s.Nodes {
		if n.Locked {
			out = append(out, n.Name)
		}
	}
	return out
}

// unlockAdvice says what locked managers need, for a verdict: needed is
// how many must be unlocked to bring the quorum back, 0 when it holds.
func unlockAdvice(s cluster.Snapshot, key string, needed int) []string {
	locked := LockedNames(s)
	if len(locked) == 0 {
		return nil
	}
	for i, name := range locked {
		locked[i] = sink.Text(name) // names from an inspect file may hold control bytes
	}
	out := []string{fmt.Sprintf("%s %s locked: autolock keeps a manager that restarts out of Raft until it is given",
		strings.Join(locked, ", "), prose.Plural(len(locked), "is", "are"))}
	switch {
	case needed == 0:
		out = append(out, fmt.Sprintf("the unlock key. To bring %s back, run `docker swarm unlock` on %s and type",
			prose.Plural(len(locked), "it", "them"), prose.Plural(len(locked), "it", "each")))
	case needed == len(locked):
		out = append(out, fmt.Sprintf("the unlock key. Unlock %s to bring the quorum back: run `docker swarm unlock` on %s and type",
			prose.Plural(needed, "it", "all of them"), prose.Plural(needed, "it", "each")))
	default:
		out = append(out, fmt.Sprintf("the unlock key. Unlock %d of them to bring the quorum back: run `docker swarm unlock` on %s and type",
			needed, prose.Plural(needed, "it", "each")))
	}
	return append(out, "  "+key)
}

// lockedCount adds the locked managers to a count of live ones.
func lockedCount(locked int) string {
	if locked == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d locked)", locked)
}
