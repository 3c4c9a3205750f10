package drillrun

import (
	"testing"

	"github.com/swarmsim/swarmsim/cluster"
)

// updateState runs a drill and returns how web's rolling update ended.
func updateState(t *testing.T, src string) string {
	t.Helper()
	r := &Runner{File: "t.drill"}
	for _, s := range steps(t, src) {
		if _, err := r.Step(s); err != nil {
			t.Fatal(err)
		}
	}
	snap, _ := r.Snapshot()
	for _, sv := range snap.Services {
		if sv.Name == "web" {
			return sv.Update
		}
	}
	t.Fatal("no service web")
	return ""
}

// --update-monitor decides which failures count (swarmkit's
// failureTriggersAction): the fail images exit 2 s after they start, so
// with a 1 s monitor the update completes, and with Docker's 5 s default it
// is rolled back.
func TestUpdateMonitorFlag(t *testing.T) {
	for _, tc := range []struct{ flags, want string }{
		{"--update-monitor 1s", cluster.UpdateCompleted},
		{"", cluster.UpdateRollbackCompleted},
		// Four slots at once; a ratio of 1 tolerates every failure.
		{"--update-parallelism 0 --update-max-failure-ratio 1", cluster.UpdateCompleted},
		// A rollback that fails only pauses, and with a 1 s rollback
		// monitor the rolled-back (good) tasks complete it.
		{"--rollback-monitor 1s --rollback-parallelism 0", cluster.UpdateRollbackCompleted},
	} {
		got := updateState(t, `cluster managers=3 az=1-1-1 workers=3 seed=4
docker service create --name web --replicas 4 --update-failure-action rollback `+tc.flags+` nginx:1.25
wait 10s
docker service update --image fail/web:2 web
wait 90s
`)
		if got != tc.want {
			t.Errorf("%q: update %s, want %s", tc.flags, got, tc.want)
		}
	}
	// The same flags on docker service update.
	got := updateState(t, `cluster managers=3 az=1-1-1 workers=3 seed=4
docker service create --name web --replicas 4 --update-failure-action rollback nginx:1.25
wait 10s
docker service update --image fail/web:2 --update-monitor 1s web
wait 90s
`)
	if got != cluster.UpdateCompleted {
		t.Errorf("docker service update --update-monitor 1s: update %s, want completed", got)
	}
}
