package drillrun

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
)

func steps(t *testing.T, src string) []drill.Step {
	t.Helper()
	s, err := drill.Parse("t.drill", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s.Steps
}

func TestStepResults(t *testing.T) {
	r := &Runner{File: "t.drill"}
	var got []string
	for _, s := range steps(t, `cluster managers=3 az=1-1-1 seed=1
docker service create --name web --replicas 3 nginx
wait 10s
expect service web running 3
expect service web running 4
expect quorum holds
kill 2 managers
expect quorum holds
expect error "does not have a leader": docker service scale web=1
docker service scale web=1
`) {
		res, err := r.Step(s)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, [...]string{"ran", "held", "failed"}[res.Kind]+": "+res.Detail)
	}
	want := []string{
		"ran: ",
		"ran: ",
		"ran: ",
		"held: web: 3 running (a=1 b=1 c=1)",
		"failed: expected web running 4, saw 3 running (a=1 b=1 c=1)",
		"held: quorum holds: 3 of 3 managers alive, quorum needs 2, leader m1",
		"ran: ",
		"failed: expected quorum holds, but it is lost: 1 of 3 managers alive, quorum needs 2, no leader",
		"held: failed as expected: " + cluster.ErrNoLeader.Error(),
		"failed: the command failed: " + cluster.ErrNoLeader.Error(),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.Expectations() != 5 {
		t.Errorf("%d expectations, want 5", r.Expectations())
	}
	var lines []int
	for _, f := range r.Failures() {
		lines = append(lines, f.Line)
	}
	if len(lines) != 3 || lines[0] != 5 || lines[1] != 8 || lines[2] != 10 {
		t.Errorf("failures on lines %v, want 5, 8 and 10", lines)
	}
}

func TestStepBeforeTheClusterLine(t *testing.T) {
	r := &Runner{File: "shell"}
	cmd, _ := drill.ParseCommand("kill m1")
	if _, err := r.Step(drill.Step{Pos: drill.Pos{Line: 1, Col: 1}, Source: "kill m1", Cmd: cmd}); !errors.Is(err, ErrNoCluster) {
		t.Errorf("error %v, want ErrNoCluster", err)
	}
}

func TestPaceSleepsOncePerSimulatedSecond(t *testing.T) {
	var slept []time.Duration
	var paced int
	r := &Runner{File: "t", Pace: 100 * time.Millisecond,
		Sleep: func(d time.Duration) { slept = append(slept, d) },
		Paced: func(evs []cluster.Event) { paced += len(evs) }}
	var events int
	for _, s := range steps(t, "cluster managers=3\nkill leader\nwait 5s\n") {
		res, err := r.Step(s)
		if err != nil {
			t.Fatal(err)
		}
		events += len(res.Events)
	}
	if len(slept) != 6 || slept[0] != 100*time.Millisecond {
		t.Errorf("slept %v: want 6 pauses of 100ms (1s to form the swarm, 5s of waiting)", slept)
	}
	if paced == 0 {
		t.Error("no event was handed to Paced while waiting")
	}
	if events == 0 {
		t.Error("the kill's events were not in its result")
	}
}
