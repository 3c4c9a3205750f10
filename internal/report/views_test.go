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
		{ID: "b1", Name: "batch", Mode: cluster.ModeReplicatedJob, Image: "done", Running: 2, Desired: 2, MaxConcurrent: 2, Completed: 3, Completions: 5},
		{ID: "o1", Name: "once", Mode: cluster.ModeGlobalJob, Image: "done", Running: 1, Desired: 2, Completed: 4, Completions: 6},
		{ID: "w1", Name: "web", Mode: cluster.ModeReplicated, Image: "nginx", Running: 3, Desired: 3},
	}})
	want := []string{
		"ID   NAME    MODE             REPLICAS              IMAGE   PORTS",
		"b1   batch   replicated job   2/2 (3/5 completed)   done",
		"o1   once    global job       1/2 (4/6 completed)   done",
		"w1   web     replicated       3/3                   nginx",
	}
	got := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for i := range got {
		got[i] = strings.TrimRight(got[i], " ")
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("docker service ls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Docker's tables (docker/cli cli/command/service/formatter.go and
// task/formatter.go): IDs cut to 12 characters for services and tasks, all
// 25 for nodes; image digests stripped from tagged images; PORTS with the
// ingress ports grouped into ranges, sorted by protocol and port.
func TestTablesShowDockersColumns(t *testing.T) {
	const nodeID = "7x9bjhmzlbqwxjwy1tb3tmv8m"
	snap := cluster.Snapshot{
		Seed:   1,
		Leader: "m1",
		Nodes:  []cluster.NodeView{{ID: nodeID, Name: "m1", Zone: "a", Role: "manager", Alive: true, Status: "ready", Availability: "active", ManagerStatus: "Leader"}},
		Services: []cluster.ServiceView{{ID: "kyy3v4kx2k8ykhlx5m4yqlmhr", Name: "web", Mode: "replicated", Image: "nginx:1.25@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", Desired: 1, Running: 1,
			Ports: []cluster.PortConfig{
				{Published: 53, Target: 53, Protocol: "udp", Mode: "ingress"},
				{Published: 8081, Target: 81, Protocol: "tcp", Mode: "ingress"},
				{Published: 8080, Target: 80, Protocol: "tcp", Mode: "ingress"},
				{Published: 9000, Target: 9000, Protocol: "tcp", Mode: "host"},
			}}},
		Tasks: []*cluster.Task{{ID: "t1", Service: "web", Slot: 1, Image: "nginx:1.25@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", Node: "m1", State: cluster.TaskRunning, Desired: cluster.TaskRunning}},
	}
	var b strings.Builder
	NodeLS(&b, snap)
	ServiceLS(&b, snap)
	if err := ServicePS(&b, snap, "web"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		nodeID + "   m1 ",
		"kyy3v4kx2k8y   web ",
		"nginx:1.25   *:8080-8081->80-81/tcp, *:53->53/udp",
		snap.TaskID(snap.Tasks[0])[:12] + "   web.1 ",
		"PORTS",
		"*:9000->9000/tcp",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("tables lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "sha256") {
		t.Errorf("a tagged image keeps its digest:\n%s", out)
	}
}

func TestDisplayImage(t *testing.T) {
	for in, want := range map[string]string{
		"nginx:1.25@sha256:abc":               "nginx:1.25",
		"nginx@sha256:abc":                    "nginx@sha256:abc", // no tag: Docker keeps the digest
		"registry:5000/team/app:2@sha256:abc": "registry:5000/team/app:2",
		"registry:5000/team/app@sha256:abc":   "registry:5000/team/app@sha256:abc",
		"nginx":                               "nginx",
	} {
		if got := displayImage(in); got != want {
			t.Errorf("displayImage(%q) = %q, want %q", in, got, want)
		}
	}
}
