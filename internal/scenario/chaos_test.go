package scenario

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

func TestChaosIsTheSameOnOneAndTwoCores(t *testing.T) {
	spec := ChaosSpec{Runs: 40, Seed: 9, Layout: az.Even(5, 3).WithWorkers(3), For: time.Minute}
	spec.Cores = 1
	one := Chaos(spec)
	spec.Cores = 2
	two := Chaos(spec)
	if !reflect.DeepEqual(summary(one), summary(two)) {
		t.Errorf("1 core:\n%v\n2 cores:\n%v", summary(one), summary(two))
	}
	for _, r := range one {
		if r.Violation != nil {
			t.Errorf("run %d: %v", r.Seed, r.Violation)
		}
	}
}

// summary is what a run reports, with errors as text so runs compare.
func summary(runs []ChaosRun) []string {
	var out []string
	for _, r := range runs {
		out = append(out, fmt.Sprintf("%d %v %v %v %s %d", r.Seed, r.Actions, r.Violation, r.LostQuorum, r.Leaderless, r.Pending))
	}
	return out
}

func TestReplayRepeatsTheRun(t *testing.T) {
	spec := ChaosSpec{Runs: 3, Seed: 4, Layout: az.Even(3, 3), For: time.Minute, Cores: 1}
	runs := Chaos(spec)
	again := Replay(spec, runs[2].Seed)
	if !reflect.DeepEqual(summary(runs[2:]), summary([]ChaosRun{again})) {
		t.Errorf("replay %v, run %v", summary([]ChaosRun{again}), summary(runs[2:]))
	}
	if len(again.Events) == 0 || runs[2].Events != nil {
		t.Errorf("the replay keeps the timeline (%d events), the batch does not (%d)", len(again.Events), len(runs[2].Events))
	}
}

// BenchmarkChaos measures chaos runs per second of a 5-manager swarm with 60
// simulated seconds each, on 2 cores.
func BenchmarkChaos(b *testing.B) {
	spec := ChaosSpec{Runs: 200, Seed: 1, Layout: az.Even(5, 3).WithWorkers(3), For: time.Minute, Cores: 2}
	for b.Loop() {
		Chaos(spec)
	}
	b.ReportMetric(float64(spec.Runs*b.N)/b.Elapsed().Seconds(), "runs/s")
}
