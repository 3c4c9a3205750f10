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
