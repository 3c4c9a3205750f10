package cluster

import (
	"fmt"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// Event is one line of the timeline: something that happened at a moment of
// simulated time. Kinds are stable strings; they appear in JSON output.
type Event struct {
	At     time.Duration `json:"-"`
	Kind   string        `json:"kind"`
	Node   string        `json:"node,omitempty"`
	Detail string        `json:"detail"`
}

// timeline holds the events in order, in chunks of timelineChunk: a run
// that places a hundred thousand tasks writes as many lines, and one slice
// doubling as it grew would copy them all again at every doubling (with
// the collector's write barrier on each pointer while it marks).
type timeline struct {
	full [][]line // chunks of exactly timelineChunk lines
	last []line   // the chunk being written, grown as any slice up to the size
}

const timelineChunk = 4096

// line is an event as the timeline keeps it. The line of a task placed for
// the first time ("web.3 placed on w1") is written when it is read, from
// the parts it keeps (the service's name in Detail, the slot): there is one
// such line per task, a hundred thousand in a large swarm, and most runs
// read only the lines after their failure.
type line struct {
	Event
	slot   int  // placed: the task's slot, 0 for a global service's task
	placed bool // Detail holds the service's name, not the line
}

// event writes the line.
func (l *line) event() Event {
	e := l.Event
	if l.placed {
		e.Detail = state.TaskName(e.Detail, l.slot, e.Node) + " placed on " + e.Node
	}
	return e
}

func (tl *timeline) add(e Event) { tl.put(line{Event: e}) }

// addPlaced adds the line of task t placed on its node.
func (tl *timeline) addPlaced(at time.Duration, t *state.Task) {
	tl.put(line{Event: Event{At: at, Kind: EventTaskPlaced, Node: t.Node, Detail: t.Service}, slot: t.Slot, placed: true})
}

func (tl *timeline) put(l line) {
	if len(tl.last) == timelineChunk {
		tl.full = append(tl.full, tl.last)
		tl.last = make([]line, 0, timelineChunk)
	}
	tl.last = append(tl.last, l)
}

// since writes out the events from the first at or after t.
func (tl *timeline) since(t time.Duration) []Event {
	chunks := append(tl.full[:len(tl.full):len(tl.full)], tl.last)
	for at, chunk := range chunks {
		for i := range chunk {
			if chunk[i].At < t {
				continue
			}
			rest := chunks[at+1:]
			n := len(chunk) - i
			for _, more := range rest {
				n += len(more)
			}
			out := make([]Event, 0, n)
			for _, c := range append([][]line{chunk[i:]}, rest...) {
				for j := range c {
					out = append(out, c[j].event())
				}
			}
			return out
		}
	}
	return nil
}

// Event kinds.
const (
	EventKill            = "kill"
	EventRestart         = "restart"
	EventZoneDown        = "zone-down"
	EventPartition       = "partition"
	EventHeal            = "heal"
	EventLeaderLost      = "leader-lost"
	EventLeaderElected   = "leader-elected"
	EventStepDown        = "step-down"
	EventNodeDown        = state.EventNodeDown
	EventNodeReady       = state.EventNodeReady
	EventNodeUpdated     = state.EventNodeUpdated
	EventNodeJoined      = state.EventNodeJoined
	EventNodeRemoved     = state.EventNodeRemoved
	EventServiceCreated  = state.EventServiceCreated
	EventServiceUpdated  = state.EventServiceUpdated
	EventServiceRemoved  = state.EventServiceRemoved
	EventTaskPlaced      = state.EventTaskPlaced
	EventTaskRescheduled = state.EventTaskRescheduled
	EventTaskPending     = state.EventTaskPending
	EventTaskFailed      = state.EventTaskFailed
	EventTaskComplete    = state.EventTaskComplete // its container exited with status 0
	EventForceNewCluster = "force-new-cluster"
	EventAutolock        = state.EventAutolock // autolock turned on or off, or the unlock key rotated
	EventLocked          = "locked"            // a manager restarted under autolock and waits for its key
	EventUnlocked        = "unlocked"          // a locked manager was given its key and takes part again
	EventBackup          = "backup"            // a manager's swarm directory was copied
	EventRestore         = "restore"           // a manager's swarm directory was replaced by a backup
	EventStateLost       = "state-lost"        // what a restore took back: created, removed or changed since the backup
	EventSecretCreated   = state.EventSecretCreated
	EventSecretRemoved   = state.EventSecretRemoved
	EventConfigCreated   = state.EventConfigCreated
	EventConfigRemoved   = state.EventConfigRemoved
	EventTaskHealthy     = state.EventTaskHealthy
)

func (e Event) String() string {
	return fmt.Sprintf("%s %s %s", FormatTime(e.At), e.Kind, e.Detail)
}

// FormatTime renders simulated time as seconds with millisecond precision,
// the way the timeline shows it: 12.345s.
func FormatTime(d time.Duration) string {
	ms := d.Milliseconds()
	sign := ""
	if ms < 0 {
		sign, ms = "-", -ms
	}
	return fmt.Sprintf("%s%d.%03ds", sign, ms/1000, ms%1000)
}
