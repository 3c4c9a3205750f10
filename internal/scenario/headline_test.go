package scenario

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
)

func TestRun(t *testing.T) {
	l, _ := NewLayout(5, nil, 0)
	for _, tc := range []struct {
		name    string
		failure Failure
		verdict Verdict
		killed  []string
		live    []string
	}{
		{"nothing injected", Failure{}, Holds, nil, []string{"m1", "m2", "m3", "m4", "m5"}},
		{"two managers", Failure{Managers: 2}, Holds, []string{"m1", "m3"}, []string{"m2", "m4", "m5"}},
		{"a zone and a manager by name", Failure{Zones: []string{"a"}, Nodes: []string{"m5"}}, QuorumLost, []string{"m1", "m2", "m5"}, []string{"m3", "m4"}},
		{"every zone", Failure{Zones: []string{"a", "b", "c"}}, QuorumLost, []string{"m1", "m2", "m3", "m4", "m5"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Run(Spec{Seed: 1, Layout: l, Failure: tc.failure, For: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if out.Verdict != tc.verdict || !reflect.DeepEqual(out.Killed, tc.killed) || !reflect.DeepEqual(out.LiveManagers(), tc.live) {
				t.Errorf("verdict %s, killed %v, live managers %v; want %s, %v, %v", out.Verdict, out.Killed, out.LiveManagers(), tc.verdict, tc.killed, tc.live)
			}
			if tc.failure.None() != (len(out.Events) == 0) {
				t.Errorf("failure %+v gave %d events", tc.failure, len(out.Events))
			}
		})
	}
}

func TestRunWarnsAboutTheLayout(t *testing.T) {
	for _, tc := range []struct {
		layout string
		want   string
	}{
		{"2-1", "the two-zone trap"},
		{"3-3-3", "more than the 7 Docker recommends"},
		{"1-1-1", ""},
	} {
		l, _ := az.Parse(tc.layout)
		out, err := Run(Spec{Seed: 1, Layout: l, For: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(out.Warnings, " ")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: warnings %q, want %q", tc.layout, got, tc.want)
		}
	}
}

// BenchmarkHeadline measures how much faster than real time the headline
// simulation runs: 5 managers over 2-2-1 and 100 workers, settle, kill two
// managers, 60 simulated seconds.
func BenchmarkHeadline(b *testing.B) {
	l, err := NewLayout(5, nil, 100)
	if err != nil {
		b.Fatal(err)
	}
	spec := Spec{Seed: 1, Layout: l, Failure: Failure{Managers: 2}, For: time.Minute}
	var simulated time.Duration
	b.ReportAllocs()
	for b.Loop() {
		out, err := Run(spec)
		if err != nil {
			b.Fatal(err)
		}
		if out.Verdict != Holds {
			b.Fatalf("verdict %s", out.Verdict)
		}
		simulated += out.After.At
	}
	b.ReportMetric(simulated.Seconds()/b.Elapsed().Seconds(), "sim-s/s")
}

// Watching a run's progress changes nothing in it: the same events, the
// same end.
func TestProgressChangesNothing(t *testing.T) {
	l, _ := az.Parse("2-2-1")
	spec := Spec{Seed: 3, Layout: l, For: 30 * time.Second, Failure: Failure{Managers: 2}}
	plain, err := Run(spec)
	if err != nil {
		t.Fatal(err)
	}
	var heard []time.Duration
	spec.Progress = func(done, total time.Duration) {
		if total != spec.For || done > total {
			t.Errorf("progress %s of %s", done, total)
		}
		heard = append(heard, done)
	}
	watched, err := Run(spec)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain.Events, watched.Events) || !reflect.DeepEqual(plain.After, watched.After) {
		t.Error("a watched run differs from the same run unwatched")
	}
	if len(heard) < 10 || len(heard) > 101 {
		t.Errorf("progress heard %d times, want about once per hundredth of the run", len(heard))
	}
}
