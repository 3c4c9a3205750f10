package cli

import (
	"runtime/debug"
	"testing"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// TestCollectForShapeSizesTheLimit: the memory limit follows the tasks a
// run asks for (a global service's one per node, a stack's with the
// others) or, for a swarm of many
// nodes and few tasks, its nodes above a floor, whichever is more; an
// imported swarm's nodes count once; and the settings before the run come
// back after it.
func TestCollectForShapeSizesTheLimit(t *testing.T) {
	layout := func(spec string, workers int) az.Layout {
		l, err := az.Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		return l.WithWorkers(workers)
	}
	imported := scenario.Spec{Layout: layout("1-1-1", 2), Nodes: make([]cluster.NodeSpec, 5), Services: []scenario.Service{scenario.Global("agent")}}
	for _, tc := range []struct {
		name  string
		spec  scenario.Spec
		tasks int64 // the tasks the limit is sized for, if they decide it
		nodes int64 // the nodes, if they do
	}{
		{"the headline shape", scenario.Spec{Layout: layout("2-2-1", 100)}, 0, 105},
		{"Swarm2k", scenario.Spec{Layout: layout("1-1-1", 2384), Services: []scenario.Service{scenario.Replicated("web", 95000)}}, 95000, 0},
		{"a global service counts every node", scenario.Spec{Layout: layout("2-2-1", 1000), Services: []scenario.Service{scenario.Global("agent"), scenario.Replicated("web", 60000)}}, 61005, 0},
		{"many nodes and few tasks", scenario.Spec{Layout: layout("2-2-1", 10000), Services: []scenario.Service{scenario.Replicated("web", 3000)}}, 0, 10005},
		{"an imported swarm's nodes count once", imported, 0, 5},
		{"a stack's services count with the others", scenario.Spec{Layout: layout("1-1-1", 100), Services: []scenario.Service{scenario.Replicated("web", 40000)},
			Stack: &scenario.Stack{Name: "shop", Services: []scenario.Service{scenario.Replicated("shop_db", 30000), scenario.Global("shop_agent")}}}, 70103, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := debug.SetMemoryLimit(-1)
			restore := collectForShape(tc.spec)
			got := debug.SetMemoryLimit(-1)
			restore()
			want := headlineHeapFloor + tc.nodes*headlineHeapNode
			if tc.tasks > 0 {
				want = tc.tasks * headlineHeapTask
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
