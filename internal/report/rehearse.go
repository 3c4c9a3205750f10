package report

import (
	"fmt"
	"strings"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/drillrun"
	"github.com/swarmsim/swarmsim/internal/prose"
)

// DockerOutput is what a Docker command printed, in the Docker CLI's words
// (docker/cli cli/command/swarm: unlock_key.go, update.go).
func DockerOutput(sh *drillrun.Shown) []string {
	if sh.Quiet {
		return []string{sh.Key}
	}
	var out []string
	if sh.Updated {
		out = append(out, "Swarm updated.")
	}
	if sh.Rotated {
		out = append(out, "Successfully rotated manager unlock key.")
	}
	if sh.Key == "" {
		return out
	}
	return append(out,
		"To unlock a swarm manager after it restarts, run the `docker swarm unlock`",
		"command and provide the following key:",
		"",
		"    "+sh.Key,
		"",
		"Remember to store this key in a password manager, since without it you",
		"will not be able to restart the manager.")
}

// lockedNames are the managers of a snapshot that wait for the unlock key.
func lockedNames(s cluster.Snapshot) []string {
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
	locked := lockedNames(s)
	if len(locked) == 0 {
		return nil
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
