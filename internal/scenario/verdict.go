package scenario

import "github.com/swarmsim/swarmsim/cluster"

// VerdictOf sums up a swarm as the headline verdict does: the playground
// shows the same word for the swarm it draws.
func VerdictOf(s cluster.Snapshot) Verdict { return verdictOf(s) }
