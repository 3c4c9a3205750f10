package cluster

import (
	"time"

	"github.com/swarmsim/swarmsim/az"
)

// The quorum verdict (Snapshot's Quorum: who counts as alive, and az's
// prediction whether a quorum can form) must agree with Raft at every
// step, not only once things are calm. "Agrees" is, precisely:
//
//  1. Counting. The verdict counts as members exactly the voters of the
//     configuration Raft's leader (or, without one, the most advanced
//     manager) holds, and as alive exactly those whose machine runs
//     Docker with the swarm unlocked: a dead or locked manager is never
//     alive. Its prediction is az.Predict over those, with the zones the
//     network cuts at this moment. Checked after every disturbance (a
//     kill, restart, partition, heal, unlock or any other action), every
//     configuration change applied and every change of leader: nothing it
//     reads changes in between, so this is checking it at every step.
//  2. Commits. While the verdict says no quorum can form, no leader
//     commits a new entry, once verdictLag has passed since it began to
//     say so. The lag is the one transient window: acknowledgements a
//     follower sent before it died or was cut off are still on the wire,
//     and a leader that counts them commits; Raft's CheckQuorum, which
//     makes a leader cut off from its quorum step down an election timeout
//     later, does not matter here, as such a leader commits nothing.
//  3. Calm. Once nothing has been disturbed for predictionBound, Raft has
//     a leader exactly when the prediction says a quorum can form
//     (checkPrediction): the window in which a leader may still be
//     missing (an election, a split vote) or stale (CheckQuorum's lag) has
//     closed.

// verdictLag bounds how long acknowledgements sent before quorum was lost
// may still arrive: one-way delays are milliseconds, and a tick is far
// longer.
const verdictLag = TickInterval

// quorumWatch is what the checker remembers of the verdict and of Raft.
type quorumWatch struct {
	checked   time.Duration // when the counting was last checked
	changed   bool          // a configuration change was applied since
	viewed    *manager      // the manager whose configuration it read
	lostSince time.Duration // since when the verdict has said no quorum can form; -1 while it says one can
	leader    *manager      // the leader when last seen
	commit    uint64        // its commit index then
}

// verdict runs after every step.
func (k *checker) verdict() {
	c := k.c
	w := &k.quorum
	lead := c.leaderManager()
	if w.changed || k.disturbed >= w.checked || lead != w.leader || (lead == nil && w.viewed == nil) {
		w.checked, w.changed = c.now, false
		if !k.counting() {
			return
		}
	}
	if lead == nil {
		w.leader = nil
		return
	}
	commit := lead.last.Commit
	if lead == w.leader && commit > w.commit && w.lostSince >= 0 && c.now-w.lostSince > verdictLag {
		c.violate(InvQuorumVerdict, "%s committed up to entry %d although the quorum verdict has said since %s that no quorum can form",
			lead.node.name, commit, FormatTime(w.lostSince))
		return
	}
	w.leader, w.commit = lead, commit
}

// counting checks the verdict's counts against Raft's configuration and
// the machines, and notes when it says quorum is lost.
func (k *checker) counting() bool {
	c := k.c
	v := c.view()
	k.quorum.viewed = v
	if v == nil {
		return true
	}
	q := v.quorum()
	voters := v.member.Voters()
	alive := 0
	live := map[string]int{}
	for _, id := range voters {
		i, ok := c.byRaft[id]
		if !ok {
			continue
		}
		n := c.nodes[i]
		if n.alive && !n.locked {
			alive++
			live[c.zones[n.zone]]++
		}
	}
	predicted := az.Predict(len(voters), live, func(a, b string) bool { return c.cut[c.zoneOf[a]][c.zoneOf[b]] })
	switch {
	case q.Members != len(voters) || q.Alive != alive:
		c.violate(InvQuorumVerdict, "the quorum verdict counts %d of %d voters alive; Raft's configuration has %d voters, of which %d run", q.Alive, q.Members, len(voters), alive)
		return false
	case q.Predicted != predicted:
		c.violate(InvQuorumVerdict, "the quorum verdict predicts quorum holds: %v; over the %d of %d voters that run, and the zones cut now: %v", q.Predicted, alive, len(voters), predicted)
		return false
	}
	w := &k.quorum
	if !predicted {
		if w.lostSince < 0 {
			w.lostSince = c.now
		}
	} else {
		w.lostSince = -1
	}
	return true
}
