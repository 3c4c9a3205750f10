package state

// Why the leader's components stop a task, as the task's Reason shows it.
// Several components write the same words, and some read them back: the
// global orchestrator does not count a task drained off a node as one its
// restart policy gave up on.
const (
	ReasonNodeDown   = "its node is down"
	ReasonDrained    = "its node was drained"
	ReasonScaledDown = "the service was scaled down"
	ReasonNoMatch    = "its node no longer satisfies the service's constraints"
	ReasonUpdated    = "replaced by a rolling update"
	ReasonRejected   = "assigned node no longer meets constraints"
	ReasonGone       = "its node left the swarm"
	ReasonRerun      = "the job runs again"
)
