// Package az answers the questions an operator asks before spreading swarm
// managers over availability zones: how many managers must stay alive, how
// many may fail, and whether the swarm keeps a leader when a whole zone dies
// or is cut off from the others.
//
// It is arithmetic only. Nothing here runs Raft or reads a clock, and the
// only randomness is the caller's (SampleLoss draws from the *rand.Rand it
// is given); the simulation in package cluster runs real etcd Raft and
// has the last word. This package predicts what that simulation should
// show and explains it in one sentence, so that a verdict can name its
// reason and a test can catch the simulation disagreeing with the
// arithmetic.
//
// # Quorum and tolerance
//
// Only managers vote. With N managers in the Raft configuration (dead ones
// included, until they are demoted or removed) a leader needs Quorum(N) =
// floor(N/2)+1 of them, so the swarm tolerates Tolerance(N) = floor((N-1)/2)
// lost managers:
//
//	managers   1  2  3  4  5  6  7  8  9
//	quorum     1  2  2  3  3  4  4  5  5
//	tolerates  0  0  1  1  2  2  3  3  4
//
// An even count buys no tolerance over the odd count below it: it only adds
// one more manager that can fail.
//
// # Zones
//
// A zone is a set of nodes that fail together. A layout is written as
// managers per zone, zones named a, b, c, … in order (see ZoneName), so
// "2-2-1" is two managers in a, two in b and one in c. To survive the loss
// of any one zone, no zone may hold more than Tolerance(N) managers, which
// gives the layouts Docker operators use:
//
//	managers  zones  layout  largest zone  tolerates
//	3         3      1-1-1   1             1
//	5         3      2-2-1   2             2
//	7         3      3-2-2   3             3
//	9         3      3-3-3   3             4
//
// Recommend returns these. The two-zone trap: with only two zones one of
// them holds at least half the managers, and losing it always leaves fewer
// than a quorum. 3 managers as 2-1 survive losing b but not a; no two-zone
// layout of any size survives losing either zone. Adding managers does not
// help; adding a third zone does.
//
// # Partitions
//
// A partition cuts the links between the zones on one side and the zones
// on the other ("a|b,c"); zones named on neither side keep all their
// links. Predict decides whether some leader can still exist: with
// CheckQuorum a leader steps down unless it hears a quorum directly, and a
// candidate needs a quorum of direct votes, so what counts is the live
// managers one zone can reach, not the size of the side it is on.
//
// # Example
//
//	l, err := az.Parse("2-2-1")
//	if err != nil {
//		return err // one sentence saying how to write it right
//	}
//	for _, loss := range l.Losses() {
//		fmt.Println(loss.Reason())
//	}
//	// losing zone a (2 managers) leaves 3 of 5; quorum needs 3, so it holds
//	// losing zone b (2 managers) leaves 3 of 5; quorum needs 3, so it holds
//	// losing zone c (1 manager) leaves 4 of 5; quorum needs 3, so it holds
//
//	p, _ := az.ParsePartition("a|b,c", l.Names())
//	live := map[string]int{"a": 2, "b": 2, "c": 1}
//	az.Predict(l.Managers(), live, p.Cut) // true: b reaches b and c, 3 of 5
//	live["c"] = 0
//	az.Predict(l.Managers(), live, p.Cut) // false: no zone reaches 3
//
// # Planning and odds
//
// Plan lists every distinct way to place N managers over Z zones, best
// first, each with an Assessment: what it survives, the fewest losses that
// break it, why it is or is not recommended, and warnings (even counts, more
// than 7 managers, one or two zones). Recommend's layout is first.
//
// Best is decided by one rule (rule.go): survive the most single-zone
// losses (any zone first, then the most zones holding managers), then the
// most manager losses, then the fewest managers, then the lowest commit
// latency, then the most even spread. Commit latency is measured by the
// caller on real Raft; Rank takes it as data and orders layouts by the
// whole rule, and Versus says in one sentence why one layout beats
// another. With two zones no layout survives both, so 4 managers are
// recommended as 3-1 (it survives losing b), not 2-2 (it survives neither).
//
// LossProbability is the exact probability that a layout loses quorum in
// one period when each manager fails with Odds.NodeFailure and each zone
// with Odds.ZoneFailure, independently. SampleLoss draws one period from the
// same model, so a Monte Carlo run on the real simulation can be compared
// with the exact figure, within a few MonteCarloError.
package az
