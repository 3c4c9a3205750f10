package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/cluster"
)

// restart/restart.go Restart creates the replacement with desired state
// READY and DelayStart moves it to RUNNING once the restart delay is over,
// so docker service ps shows "Ready" until then.
func TestServicePSShowsReadyDuringTheRestartDelay(t *testing.T) {
	l, _ := az.Parse("1-1-1")
	c, err := cluster.New(cluster.Config{Seed: 1, Layout: l})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RunFor(time.Second); err != nil { // m1 is elected
		t.Fatal(err)
	}
	spec := cluster.NewServiceSpec("crash")
	spec.Replicas, spec.Image = 1, "fail"
	spec.Restart = cluster.RestartPolicy{Condition: "on-failure", Delay: 20 * time.Second, MaxAttempts: 1}
	if err := c.Apply(cluster.CreateService(spec)); err != nil {
		t.Fatal(err)
	}
	desired := func() string {
		var b bytes.Buffer
		if err := ServicePS(&b, c.Snapshot(), "crash"); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(b.String(), "\n")
		return strings.Fields(lines[1])[4] // the newest task of crash.1
	}
	for _, step := range []struct {
		run  time.Duration
		want string
	}{
		{10 * time.Second, "Ready"},           // crashed at about 3 s; its replacement waits until about 23 s
		{13500 * time.Millisecond, "Running"}, // the delay is over: it runs from about 23 s to 25 s
	} {
		if err := c.RunFor(step.run); err != nil {
			t.Fatal(err)
		}
		if got := desired(); got != step.want {
			t.Errorf("after %s the replacement's desired state is %s, want %s", step.run, got, step.want)
		}
	}
}

// docker/cli's formatter.go Replicas and Mode: a replicated job shows
// running/MaxConcurrent and its completions of TotalCompletions, a global
// job running/unfinished and its completions of all its tasks; the modes
// read "replicated job" and "global job".
func TestServiceLSShowsJobs(t *testing.T) {
	var b bytes.Buffer
	ServiceLS(&b, cluster.Snapshot{Leader: "m1", Services: []cluster.ServiceView{
		{Name: "batch", Mode: cluster.ModeReplicatedJob, Image: "done", Running: 2, Desired: 2, MaxConcurrent: 2, Completed: 3, Completions: 5},
		{Name: "once", Mode: cluster.ModeGlobalJob, Image: "done", Running: 1, Desired: 2, Completed: 4, Completions: 6},
		{Name: "web", Mode: cluster.ModeReplicated, Image: "nginx", Running: 3, Desired: 3},
	}})
	want := []string{
		"ID      NAME    MODE             REPLICAS              IMAGE",
		"batch   batch   replicated job   2/2 (3/5 completed)   done",
		"once    once    global job       1/2 (4/6 completed)   done",
		"web     web     replicated       3/3                   nginx",
	}
	if got := strings.Split(strings.TrimRight(b.String(), "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("docker service ls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
