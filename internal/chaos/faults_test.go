package chaos

import (
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/internal/fault"
)

// catalogueSpec is the default campaign (swarmsim chaos's defaults) with
// fault f injected.
func catalogueSpec(runs int, f fault.Fault) Spec {
	return Spec{Runs: runs, Seed: 1, Layout: az.Even(3, 3), For: time.Minute, Clients: DefaultClients, Cores: 2, Fault: f}
}

type outcome struct {
	violations, errors int
	first              string
}

func tally(t *testing.T, spec Spec) outcome {
	t.Helper()
	var o outcome
	if err := Campaign(spec, func(r Run) {
		if r.Violation != nil {
			if o.violations == 0 {
				o.first = r.Violation.Detail
			}
			o.violations++
		}
		if r.Err != "" {
			o.errors++
			if o.errors == 1 {
				t.Logf("run seed %d could not finish: %s", r.Seed, r.Err)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	return o
}

// Every fault runs without crashing the simulation, and the campaign
// leaves the fault off when it ends. A short campaign, so that it runs
// under the race detector too (the full catalogue's is
// faults_norace_test.go).
func TestFaultsDoNotCrashTheSimulation(t *testing.T) {
	runs := 40
	if raceDetector {
		runs = 8
	}
	for _, f := range fault.Catalogue() {
		if got := tally(t, catalogueSpec(runs, f)); got.errors != 0 {
			t.Errorf("%s: %d of %d runs could not finish", f, got.errors, runs)
		}
		if fault.Is(f) {
			t.Fatalf("%s is still on after its campaign", f)
		}
	}
}

// The fault travels to worker processes with the campaign: a campaign in
// workers catches apply-twice as one in this process does.
func TestWorkerProcessesInjectTheFault(t *testing.T) {
	spec := catalogueSpec(6, fault.ApplyTwice)
	spec.Cores, spec.Launch = 2, launchPipe
	if got := tally(t, spec); got.violations != spec.Runs {
		t.Errorf("%d of %d runs in workers caught apply-twice", got.violations, spec.Runs)
	}
}
