//go:build !race

package chaos

import (
	"testing"

	"github.com/swarmsim/swarmsim/internal/fault"
)

// catalogueRuns is how many runs must catch each fault: the campaign the
// issue asks for. Under the race detector, 2,000 runs for each of the
// catalogue's faults would take the better part of an hour on CI's two
// cores, so this file is built without it; faults_test.go checks under
// race that every fault runs without crashing the simulation.
const catalogueRuns = 2000

// catalogueSlices is how many catalogueSlices a fault's campaign runs in, stopping at the
// first that catches it.
const catalogueSlices = 8

// Every fault of the catalogue is caught by a default campaign of 2,000
// runs, as a broken invariant (not as a run the simulation could not
// finish), and the same campaign without a fault finds nothing.
func TestCampaignCatchesEveryFault(t *testing.T) {
	clean := tally(t, catalogueSpec(catalogueRuns, fault.None))
	if clean.violations != 0 || clean.errors != 0 {
		t.Errorf("without a fault: %d violations (first: %s), %d errors", clean.violations, clean.first, clean.errors)
	}
	for _, f := range fault.Catalogue() {
		t.Run(f.String(), func(t *testing.T) {
			// The campaign's runs, a slice at a time, until one catches it:
			// the same runs as the whole campaign, since a run's seed is its
			// index's.
			spec := catalogueSpec(catalogueRuns, f)
			var got outcome
			ran := 0
			for i := 1; i <= catalogueSlices && got.violations == 0; i++ {
				spec.Shard = Shard{Index: i, Of: catalogueSlices}
				lo, hi := spec.Shard.Range(spec.Runs)
				o := tally(t, spec)
				got.violations, got.errors, got.first = o.violations, got.errors+o.errors, o.first
				ran += hi - lo
			}
			if got.violations == 0 {
				t.Errorf("%d runs with %s injected broke no invariant", catalogueRuns, f)
			}
			if got.errors != 0 {
				t.Errorf("%d runs with %s injected could not finish: the fault crashed the simulation instead of breaking an invariant", got.errors, f)
			}
			t.Logf("%s: %d of the first %d runs caught it; the first: %s", f, got.violations, ran, got.first)
		})
	}
}
