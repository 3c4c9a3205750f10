package scenario

import (
	"reflect"
	"testing"
	"time"
)

// Recording a run for its timeline must not change the run: the same spec
// with and without Record ends in the same swarm with the same timeline.
func TestRecordingChangesNothing(t *testing.T) {
	l, _ := NewLayout(5, nil, 3)
	for _, f := range []Failure{{Managers: 2}, {Zones: []string{"a"}}, {Managers: 3}} {
		spec := Spec{Seed: 3, Layout: l, Failure: f, For: 45 * time.Second}
		plain, err := Run(spec)
		if err != nil {
			t.Fatal(err)
		}
		spec.Record, spec.Raft = true, true
		rec, err := Run(spec)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(plain.After, rec.After) || !reflect.DeepEqual(plain.Events, rec.Events) || plain.Verdict != rec.Verdict {
			t.Errorf("%+v: the recorded run differs from the plain one", f)
		}
		if plain.History != nil || plain.Raft != nil {
			t.Errorf("%+v: a plain run kept a history or read Raft", f)
		}
	}
}

func TestHistoryOfALeaderChange(t *testing.T) {
	l, _ := NewLayout(3, nil, 0)
	out, err := Run(Spec{Seed: 1, Layout: l, Failure: Failure{Managers: 1}, For: time.Minute, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	h := out.History
	if h.From != out.InjectedAt || h.To != out.After.At || h.Step != time.Second {
		t.Errorf("span %s–%s step %s, want %s–%s step 1s", h.From, h.To, h.Step, out.InjectedAt, out.After.At)
	}
	if len(h.Samples) != 61 || h.Samples[0].At != h.From || h.Samples[60].At != h.To {
		t.Errorf("%d samples, want 61 from %s to %s", len(h.Samples), h.From, h.To)
	}
	// The old leader's lane ends dead at the failure; the new leader's
	// shows it leading in a later term.
	var died, elected bool
	for _, m := range h.Marks {
		if m.Node == out.Before.Leader && !m.Alive && m.At == out.InjectedAt {
			died = true
		}
		if m.Node == out.After.Leader && m.State == "leader" && m.Term == out.After.Term && m.At > out.InjectedAt {
			elected = true
		}
	}
	if !died || !elected {
		t.Errorf("marks miss %s dying (%v) or %s elected in term %d (%v): %+v", out.Before.Leader, died, out.After.Leader, out.After.Term, elected, h.Marks)
	}
	for _, s := range h.Samples {
		for _, name := range []string{"web", "agent"} {
			if s.Desired[name] == 0 {
				t.Errorf("at %s service %s has no desired count", s.At, name)
			}
		}
	}
}

func TestSampleStep(t *testing.T) {
	for d, want := range map[time.Duration]time.Duration{
		time.Second:             time.Second,
		time.Minute:             time.Second,
		4 * time.Minute:         time.Second,
		4*time.Minute + 1:       2 * time.Second,
		time.Hour:               15 * time.Second,
		24 * time.Hour:          6 * time.Minute,
		1500 * time.Millisecond: time.Second,
	} {
		if got := sampleStep(d); got != want {
			t.Errorf("sampleStep(%s) = %s, want %s", d, got, want)
		}
		if n := d/sampleStep(d) + 2; n > MaxSamples+2 {
			t.Errorf("%s: %d samples", d, n)
		}
	}
}
