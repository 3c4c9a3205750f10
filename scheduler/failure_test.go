package scheduler

import (
	"fmt"
	"testing"
	"time"
)

// failures sets a node's recent failures of one service.
func failures(service string, n int) func(*Node) {
	return func(nd *Node) {
		if nd.RecentFailures == nil {
			nd.RecentFailures = map[string]int{}
		}
		nd.RecentFailures[service] = n
	}
}

// TestFailurePenalty reproduces the failure term of swarmkit's nodeLess
// (Scheduler.scheduleTaskGroup in manager/scheduler/scheduler.go): when
// either of two nodes has maxFailures (5) recent failures of the service,
// the one with fewer goes first; otherwise failures do not matter. It
// ranks nodes within a spread group, after the spread itself.
func TestFailurePenalty(t *testing.T) {
	tests := []struct {
		name  string
		nodes []Node
		svc   Service
		tasks []Task
		want  map[string]int // placements per node
	}{
		{
			name:  "a failing node goes after every other, however loaded they are",
			nodes: []Node{node("w1", failures("web", MaxFailures)), node("w2")},
			svc:   Service{Name: "web"},
			tasks: tasksOf(running("web", "w2", 3), pending("web", 2)),
			want:  map[string]int{"w2": 2},
		},
		{
			name:  "fewer than MaxFailures failures are no penalty",
			nodes: []Node{node("w1", failures("web", MaxFailures-1)), node("w2")},
			svc:   Service{Name: "web"},
			tasks: tasksOf(running("web", "w2", 1), pending("web", 1)),
			want:  map[string]int{"w1": 1},
		},
		{
			name:  "the only node is used, failing or not",
			nodes: []Node{node("w1", failures("web", 9))},
			svc:   Service{Name: "web"},
			tasks: pending("web", 2),
			want:  map[string]int{"w1": 2},
		},
		{
			name:  "a failing node takes tasks once the others are full",
			nodes: []Node{node("w1", failures("web", MaxFailures)), node("w2", capacity(2, 8))},
			svc:   Service{Name: "web", Reservation: Resources{NanoCPUs: cpu}},
			tasks: pending("web", 3),
			want:  map[string]int{"w1": 1, "w2": 2},
		},
		{
			name:  "among failing nodes, fewer failures first",
			nodes: []Node{node("w1", failures("web", 7)), node("w2", failures("web", 5)), node("w3", failures("web", 6))},
			svc:   Service{Name: "web", MaxReplicas: 2},
			tasks: pending("web", 5),
			want:  map[string]int{"w2": 2, "w3": 2, "w1": 1},
		},
		{
			name:  "failures of another service do not count",
			nodes: []Node{node("w1", failures("api", 50)), node("w2")},
			svc:   Service{Name: "web"},
			tasks: tasksOf(running("web", "w2", 1), pending("web", 1)),
			want:  map[string]int{"w1": 1},
		},
		{
			name:  "spread first: the penalty ranks nodes within a zone",
			nodes: []Node{node("a1", zone("a"), failures("web", MaxFailures)), node("a2", zone("a")), node("b1", zone("b"))},
			svc:   Service{Name: "web", Preferences: []string{"node.labels.zone"}},
			tasks: tasksOf(running("web", "a2", 2), pending("web", 4)),
			want:  map[string]int{"a2": 1, "b1": 3},
		},
		{
			name:  "a zone of failing nodes still takes its share",
			nodes: []Node{node("a1", zone("a"), failures("web", MaxFailures)), node("b1", zone("b"))},
			svc:   Service{Name: "web", Preferences: []string{"node.labels.zone"}},
			tasks: pending("web", 4),
			want:  map[string]int{"a1": 2, "b1": 2},
		},
		{
			// swarmkit records no failure for a preassigned task and asks
			// no ranking for one: its node is chosen already.
			name:  "a global task goes to its node, failing or not",
			nodes: []Node{node("w1", failures("agent", 9)), node("w2")},
			svc:   Service{Name: "agent", Mode: Global},
			tasks: []Task{{ID: "agent@w1", Service: "agent", Node: "w1", Pending: true}},
			want:  map[string]int{"w1": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := range uint64(8) { // no seed changes the answer: the tie-break comes last
				plan := Schedule(tt.nodes, []Service{tt.svc}, tt.tasks, seed)
				if len(plan.Pending) > 0 {
					t.Fatalf("seed %d: pending %v", seed, plan.Pending)
				}
				if got := perNode(plan); fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Fatalf("seed %d: placements per node %v, want %v", seed, got, tt.want)
				}
			}
		})
	}
}

// history is what the caller keeps in order to fill Node.RecentFailures:
// when tasks failed, per node and per service spec. It is the caller's
// part, kept here as swarmkit's nodeInfo.taskFailed keeps it, to show the
// API in use.
type history map[string]map[string][]time.Duration // node → "service@version" → failure times

func (h history) failed(node, service string, version int, at time.Duration) {
	if h[node] == nil {
		h[node] = map[string][]time.Duration{}
	}
	k := fmt.Sprintf("%s@%d", service, version)
	h[node][k] = append(h[node][k], at)
}

// fill sets RecentFailures on nodes for service at its current version.
func (h history) fill(nodes []Node, service string, version int, now time.Duration) {
	k := fmt.Sprintf("%s@%d", service, version)
	for i := range nodes {
		nodes[i].RecentFailures = map[string]int{service: CountRecentFailures(h[nodes[i].ID][k], now)}
	}
}

// TestFaultyNode reproduces swarmkit's TestSchedulerFaultyNode: two
// nodes, id1 running one task of service1 (and one of a global service2),
// id2 empty. Each round a new task of service1 is scheduled and then
// fails. The first five go to id2, the emptier node; after five failures
// there id2 is put last, and the next ones go to id1 although it holds
// more tasks. Failed tasks hold nothing, so id2 stays empty throughout.
func TestFaultyNode(t *testing.T) {
	nodes := []Node{node("id1"), node("id2")}
	services := []Service{{Name: "service1"}, {Name: "service2", Mode: Global}}
	running := []Task{{ID: "id1", Service: "service1", Node: "id1"}, {ID: "id2", Service: "service2", Node: "id1"}}
	h := history{}
	now := time.Duration(0)
	for i := range 8 {
		now += 10 * time.Second
		h.fill(nodes, "service1", 0, now)
		task := Task{ID: fmt.Sprintf("new%d", i), Service: "service1", Pending: true}
		plan := Schedule(nodes, services, append(running[:2:2], task), 1)
		want := "id2"
		if i >= 5 {
			want = "id1"
		}
		if len(plan.Placements) != 1 || plan.Placements[0].Node != want {
			t.Fatalf("round %d: placements %v, want the task on %s", i, plan.Placements, want)
		}
		h.failed(want, "service1", 0, now)
	}
}

// TestFaultyNodeSpecVersion reproduces swarmkit's
// TestSchedulerFaultyNodeSpecVersion: failures count per service spec
// version (versionedService), so after an update the node that failed the
// old spec five times is first again, until the new spec fails there five
// times too. The caller counts per version; the scheduler sees one number.
func TestFaultyNodeSpecVersion(t *testing.T) {
	nodes := []Node{node("id1"), node("id2")}
	services := []Service{{Name: "service1"}}
	running := []Task{{ID: "id1", Service: "service1", Node: "id1"}}
	h := history{}
	now := time.Duration(0)
	for i := range 15 {
		now += 10 * time.Second
		version := 1
		if i > 5 {
			version = 2 // the service was updated
		}
		h.fill(nodes, "service1", version, now)
		task := Task{ID: fmt.Sprintf("new%d", i), Service: "service1", Pending: true}
		plan := Schedule(nodes, services, append(running[:1:1], task), 1)
		want := "id1"
		if i < 5 || i > 5 && i < 11 {
			want = "id2"
		}
		if len(plan.Placements) != 1 || plan.Placements[0].Node != want {
			t.Fatalf("round %d: placements %v, want the task on %s", i, plan.Placements, want)
		}
		h.failed(want, "service1", version, now)
	}
}

// TestFaultyNodeRecovers: failures older than FailureWindow no longer
// count, so a node five minutes past its last failure ranks as before.
func TestFaultyNodeRecovers(t *testing.T) {
	nodes := []Node{node("id1"), node("id2")}
	services := []Service{{Name: "web"}}
	running := []Task{{ID: "web.0", Service: "web", Node: "id1"}}
	h := history{}
	for i := range MaxFailures {
		h.failed("id2", "web", 0, time.Duration(i)*time.Second)
	}
	last := time.Duration(MaxFailures-1) * time.Second
	tests := []struct {
		name string
		now  time.Duration
		want string
	}{
		{"right after the fifth failure", last, "id1"},
		{"the first failure exactly FailureWindow old still counts", FailureWindow, "id1"},
		{"the first failure just past the window: four left", FailureWindow + time.Nanosecond, "id2"},
		{"every failure past the window", last + FailureWindow + time.Second, "id2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.fill(nodes, "web", 0, tt.now)
			plan := Schedule(nodes, services, append(running[:1:1], pending("web", 1)...), 1)
			if got := perNode(plan); got[tt.want] != 1 {
				t.Errorf("placed %v, want the task on %s", plan.Placements, tt.want)
			}
		})
	}
}

// CountRecentFailures keeps swarmkit's boundary (countRecentFailures drops
// a failure only when now minus its time exceeds monitorFailures).
func TestCountRecentFailures(t *testing.T) {
	m := time.Minute
	tests := []struct {
		name     string
		failedAt []time.Duration
		now      time.Duration
		want     int
	}{
		{"none", nil, 10 * m, 0},
		{"all within the window", []time.Duration{6 * m, 7 * m, 9 * m}, 10 * m, 3},
		{"exactly FailureWindow old counts", []time.Duration{5 * m}, 10 * m, 1},
		{"a nanosecond older does not", []time.Duration{5*m - 1}, 10 * m, 0},
		{"unsorted times", []time.Duration{9 * m, 1 * m, 8 * m, 2 * m}, 10 * m, 2},
		{"a time after now counts", []time.Duration{11 * m}, 10 * m, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CountRecentFailures(tt.failedAt, tt.now); got != tt.want {
				t.Errorf("CountRecentFailures(%v, %v) = %d, want %d", tt.failedAt, tt.now, got, tt.want)
			}
		})
	}
}
