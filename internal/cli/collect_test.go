package cli

import (
	"runtime/debug"
	"testing"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// TestCollectForShapeSizesTheLimit: the memory limit follows the tasks a
// run asks for (a global service's one per node), never below the floor a
// small swarm needs, and the settings before the run come back after it.
func TestCollectForShapeSizesTheLimit(t *testing.T) {
	layout := func(spec string, workers int) az.Layout {
		l, err := az.Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		return l.WithWorkers(workers)
	}
	for _, tc := range []struct {
		name     string
		spec     scenario.Spec
		wantTask int64 // tasks the limit is sized for; 0 is the floor
	}{
		{"the headline shape", scenario.Spec{Layout: layout("2-2-1", 100)}, 0},
		{"Swarm2k", scenario.Spec{Layout: layout("1-1-1", 2384), Services: []scenario.Service{scenario.Replicated("web", 95000)}}, 95000},
		{"a global service counts every node", scenario.Spec{Layout: layout("2-2-1", 60000), Services: []scenario.Service{scenario.Global("agent")}}, 60005},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := debug.SetMemoryLimit(-1)
			restore := collectForShape(tc.spec)
			got := debug.SetMemoryLimit(-1)
			restore()
			want := int64(headlineHeapFloor)
			if tc.wantTask > 0 {
				want = tc.wantTask * headlineHeapTask
			}
			if got != want {
				t.Errorf("memory limit %d, want %d", got, want)
			}
			if after := debug.SetMemoryLimit(-1); after != before {
				t.Errorf("memory limit after the run %d, want %d as before it", after, before)
			}
		})
	}
}
