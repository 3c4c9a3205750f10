package cluster

import (
	"errors"
	"fmt"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
	"github.com/swarmsim/swarmsim/raft"
)

// Commits is what MeasureCommits saw.
type Commits struct {
	Leader string // the manager that proposed them
	// Latencies are, in proposal order, the simulated time from each
	// proposal at the leader to its commit there.
	Latencies []time.Duration
	// Messages is the Raft messages delivered while the proposals were in
	// flight, heartbeats left out: what the commits cost the network.
	Messages uint64
}

// MeasureCommits proposes n empty entries at the leader and times each from
// its proposal to its commit at the leader, in simulated time. An empty
// entry costs Raft what any entry costs (an append to every follower, a
// quorum of answers, the commit passed on) and changes nothing in the
// store, so the swarm is the same afterwards.
//
// Each entry is proposed once the one before has been applied by every
// manager the leader can reach (or RequestTimeout has passed), so that one
// write's messages never queue ahead of the next one's on a link: each
// latency is that of a write on a quiet swarm.
//
// The leader must not change meanwhile: without a leader the error is
// ErrNoLeader, a commit that takes more than RequestTimeout is ErrDeadline,
// and a new leader mid-way is an error too, since its latencies would mix
// two leaders' positions.
func (c *Cluster) MeasureCommits(n int) (Commits, error) {
	m := c.leaderManager()
	if m == nil {
		return Commits{}, ErrNoLeader
	}
	out := Commits{Leader: m.node.name, Latencies: make([]time.Duration, 0, n)}
	c.counting, c.counted = true, 0
	defer func() { c.counting = false }()
	for i := range n {
		fail := func(err error) (Commits, error) {
			return out, fmt.Errorf("proposal %d of %d at %s: %w", i+1, n, out.Leader, err)
		}
		c.nextCmd++
		cmd := &state.Command{ID: c.nextCmd}
		start := c.now
		if err := m.member.Propose(cmd.Encode()); err != nil {
			if errors.Is(err, raft.ErrNotLeader) || errors.Is(err, raft.ErrCrashed) {
				err = ErrNoLeader
			}
			return fail(err)
		}
		c.awaiting, c.awaited, c.appliedBy = cmd.ID, false, 0
		m.process()
		// A lone manager commits within its own Ready rounds; running the
		// queue first would charge it the time until some other event.
		if !c.awaited {
			if err := c.runUntil(c.now+RequestTimeout, func() bool { return c.awaited }); err != nil {
				return out, err
			}
		}
		switch {
		case !c.awaited:
			return fail(ErrDeadline)
		case c.leader != out.Leader:
			return fail(fmt.Errorf("the leader moved to %q while commits were measured", c.leader))
		}
		out.Latencies = append(out.Latencies, c.now-start)
		reach := m.reachable()
		if c.appliedBy < reach {
			if err := c.runUntil(c.now+RequestTimeout, func() bool { return c.appliedBy >= reach }); err != nil {
				return out, err
			}
		}
	}
	out.Messages = c.counted
	return out, nil
}

// reachable counts the live managers m can talk to, itself included.
func (m *manager) reachable() int {
	c := m.c
	n := 0
	for _, o := range c.managers {
		if o.node.alive && c.linked(m.node, o.node) {
			n++
		}
	}
	return n
}

// countMessage counts a delivered message for MeasureCommits. Heartbeats
// are left out: they go every tick whether anything is written or not.
func (c *meters) countMessage(msg raft.Message) {
	switch msg.Kind() {
	case "MsgHeartbeat", "MsgHeartbeatResp":
		return
	}
	c.counted++
}
