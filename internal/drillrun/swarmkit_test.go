package drillrun

import (
	"strings"
	"testing"
)

// These drills hold the runner, and the swarm under it, to behaviours of
// Docker and swarmkit named in each test's comment. They use only the drill
// language, so they survive any change of the cluster's insides.

// holds runs a drill and fails the test on any expectation that did not
// hold or any command that failed. It returns the detail of each step.
func holds(t *testing.T, src string) []string {
	t.Helper()
	r := &Runner{File: "t.drill"}
	var details []string
	for _, s := range steps(t, src) {
		res, err := r.Step(s)
		if err != nil {
			t.Fatalf("line %d %q: %v", s.Pos.Line, s.Source, err)
		}
		details = append(details, res.Detail)
		if res.Kind == Failed {
			t.Errorf("line %d %q: %s", s.Pos.Line, s.Source, res.Detail)
		}
	}
	return details
}

// In Docker a zone is only a node label (node.labels.zone, used by
// --placement-pref spread=node.labels.zone): a layout may name a zone that
// holds no node yet, and a node may join with a zone no other node has.
func TestZoneOfWorkersJoiningLater(t *testing.T) {
	holds(t, `cluster managers=3 az=1-1-1-0 seed=1
docker swarm join --token worker --zone d --name w1
docker swarm join --token worker --zone e --name w2
wait 10s
expect node w1 ready
expect node w2 ready
docker service create --name web --replicas 5 --placement-pref spread=node.labels.zone nginx
wait 30s
expect service web running 5 spread a=1 b=1 c=1 d=1 e=1
kill az d
wait 30s
expect quorum holds
expect node w1 down
`)
}

// dispatcher/nodes.go newNodeStore (gracePeriodMultiplierUnknown =
// gracePeriodMultiplier * 2) and dispatcher.go markNodesUnknown: after a
// leadership change a node marked unknown has twice a registered node's
// grace, 30 s with the 5 s period, before it is declared down and its
// tasks replaced.
func TestUnknownNodesHaveTwiceTheGrace(t *testing.T) {
	holds(t, `cluster managers=3 az=1-1-1 workers=3 seed=1
docker service create --name web --replicas 3 nginx
wait 20s
kill m1 w1
wait until leader
wait 1s
expect node w1 unknown
wait 6s
expect node w2 ready
wait 14s
expect node w1 unknown
wait 10s
expect node w1 down
`)
}

// manager/role_manager.go reconcileRole: docker node promote records the
// desired role (Spec.DesiredRole) even for a node that is down, and the
// node becomes a manager once it is back; the Raft membership does not
// change while it is away, so quorum is not put at risk.
func TestPromoteADownNode(t *testing.T) {
	details := holds(t, `cluster managers=3 workers=2 seed=1
kill w1
wait 30s
expect node w1 down
docker node promote w1
wait 5s
expect quorum holds
restart w1
wait 30s
expect quorum holds
`)
	if got := details[6]; !strings.Contains(got, "3 of 3 managers alive") {
		t.Errorf("while w1 is down: %s; want 3 of 3 managers", got)
	}
	if got := details[9]; !strings.Contains(got, "4 of 4 managers alive") {
		t.Errorf("after w1 returned: %s; want it a manager, 4 of 4", got)
	}
}
