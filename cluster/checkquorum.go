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
//  2. Calm. Once nothing has been disturbed for predictionBound, Raft has
//     a leader exactly when the prediction says a quorum can form
//     (checkPrediction): the windows in which Raft may still disagree with
//     a right prediction have closed. After a disturbance a leader may
//     still be missing (an election takes up to two election timeouts, a
//     split vote a third) or stale: CheckQuorum makes a leader cut off
//     from its quorum step down only at the end of the election timeout
//     after the one in which it last heard a quorum, so up to two election
//     timeouts late.
//
// What the verdict's prediction does not bound is commits: a leader
// commits an entry once a quorum has acknowledged it, and acknowledgements
// add up over time. Voters reached one after the other, never a quorum at
// once, commit it all the same (a voter acknowledges, is cut off, another
// comes back and acknowledges), so a commit while the prediction says no
// quorum can form now is no disagreement; chaos found such a run (seed
// 1955815797085539549), and the checker does not hold commits to it.

// quorumWatch is what the checker remembers of the verdict and of Raft.
type quorumWatch struct {
	checked time.Duration // when the counting was last checked
	changed bool          // a configuration change was applied since
	viewed  *manager      // the manager whose configuration it read
	leader  string        // the leader when last seen, and its term
	term    uint64
}

// verdict runs after every step.
func (k *checker) verdict() {
	c := k.c
	w := &k.quorum
	if w.changed || k.disturbed >= w.checked || c.leader != w.leader || c.leaderTerm != w.term || (c.leader == "" && w.viewed == nil) {
		w.checked, w.changed, w.leader, w.term = c.now, false, c.leader, c.leaderTerm
		k.counting()
	}
}

// counting checks the verdict's counts and prediction against Raft's
// configuration, the machines and the network.
func (k *checker) counting() {
	c := k.c
	v := c.view()
	k.quorum.viewed = v
	if v == nil {
		return
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
	case q.Predicted != predicted:
		c.violate(InvQuorumVerdict, "the quorum verdict predicts quorum holds: %v; over the %d of %d voters that run, and the zones cut now: %v", q.Predicted, alive, len(voters), predicted)
	}
}
