package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

func TestChaosSameSummaryOnOneAndTwoCores(t *testing.T) {
	o := chaosOptions{runs: 40, seed: 9, layout: az.Even(5, 3).WithWorkers(3), duration: time.Minute}
	var one, two bytes.Buffer
	o.cores = 1
	printChaos(&one, o, chaosAll(o), nil)
	o.cores = 2
	printChaos(&two, o, chaosAll(o), nil)
	if one.String() != two.String() {
		t.Errorf("1 core:\n%s\n2 cores:\n%s", one.String(), two.String())
	}
	if !strings.Contains(one.String(), "invariant violations: 0") {
		t.Errorf("chaos found violations:\n%s", one.String())
	}
}

func TestChaosCommand(t *testing.T) {
	out, stderr, code := runArgs(t, "chaos", "--runs", "20", "--seed", "4", "--managers", "3", "--az", "1-1-1")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"chaos · 20 runs · 3 managers over 3 zones (1-1-1)", "runs that lost quorum", "time without a leader", "invariant violations: 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	again, _, _ := runArgs(t, "chaos", "--runs", "20", "--seed", "4", "--managers", "3", "--az", "1-1-1")
	if again != out {
		t.Error("the same chaos seed printed a different summary")
	}
	replay, _, code := runArgs(t, "chaos", "--replay", "12345", "--managers", "3")
	if code != exitOK || !strings.Contains(replay, "leader-elected") {
		t.Errorf("replay: exit %d, output %q", code, replay)
	}
	_, stderr, code = runArgs(t, "chaos", "--runs", "0")
	if code != exitBadInput || !strings.Contains(stderr, "--runs 0: it must be at least 1") {
		t.Errorf("--runs 0: exit %d, %q", code, stderr)
	}
}

func TestReplayFlags(t *testing.T) {
	got := replayFlags([]string{"--runs", "100", "--seed=3", "--managers", "5", "--az", "2-2-1"})
	if got != " --managers 5 --az 2-2-1" {
		t.Errorf("replayFlags: %q", got)
	}
}

// BenchmarkChaos measures chaos runs per second of a 5-manager swarm with 60
// simulated seconds each, on every core.
func BenchmarkChaos(b *testing.B) {
	o := chaosOptions{runs: 200, seed: 1, layout: az.Even(5, 3).WithWorkers(3), duration: time.Minute, cores: 2}
	for b.Loop() {
		chaosAll(o)
	}
	b.ReportMetric(float64(o.runs*b.N)/b.Elapsed().Seconds(), "runs/s")
}
