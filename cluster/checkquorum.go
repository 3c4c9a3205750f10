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
	counted countedInputs // what the last counting that agreed read
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
	voters := v.member.Voters()
	if k.quorum.counted.same(c, v, voters) {
		return // what it reads is what the last counting read, and agreed on
	}
	q := v.quorum()
	alive := 0
	live := map[string]int{}
	for _, id := range voters {
		i, ok := c.byRaft.at(id)
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
	default:
		k.quorum.counted.note(c, v, voters)
	}
}

// countedInputs is everything counting reads, both sides, as it last read
// them: the manager whose configuration it counted, that configuration's
// voters (Voters hands out a new slice with every change), each voter's
// machine (which one, whether it runs, whether it is locked) and the cut
// links. An action that changed none of them (a scale, a secret) need not
// be counted again: the verdict and Raft would agree as they just did.
type countedInputs struct {
	view   *manager
	voters []uint64
	life   []voterLife
	cut    []bool // row after row
}

type voterLife struct {
	node          int // -1 when no machine has the ID
	alive, locked bool
}

func (ci *countedInputs) lifeOf(c *Cluster, id uint64) voterLife {
	i, ok := c.byRaft.at(id)
	if !ok {
		return voterLife{node: -1}
	}
	n := c.nodes[i]
	return voterLife{node: i, alive: n.alive, locked: n.locked}
}

func (ci *countedInputs) same(c *Cluster, v *manager, voters []uint64) bool {
	if ci.view != v || len(ci.voters) != len(voters) || len(voters) == 0 || &ci.voters[0] != &voters[0] {
		return false
	}
	for j, id := range voters {
		if ci.lifeOf(c, id) != ci.life[j] {
			return false
		}
	}
	j := 0
	for _, row := range c.cut {
		for _, cut := range row {
			if j >= len(ci.cut) || ci.cut[j] != cut {
				return false
			}
			j++
		}
	}
	return j == len(ci.cut)
}

func (ci *countedInputs) note(c *Cluster, v *manager, voters []uint64) {
	ci.view, ci.voters = v, voters
	ci.life = ci.life[:0]
	for _, id := range voters {
		ci.life = append(ci.life, ci.lifeOf(c, id))
	}
	ci.cut = ci.cut[:0]
	for _, row := range c.cut {
		ci.cut = append(ci.cut, row...)
	}
}
