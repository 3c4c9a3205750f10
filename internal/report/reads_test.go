package report

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/inspect"
)

// docker service inspect's JSON reads back through swarmsim's own import
// of Docker's output: the shape is Docker's.
func TestServiceInspectReadsBack(t *testing.T) {
	spec := cluster.ServiceSpec{Name: "web", Image: "nginx:1.27", Mode: "replicated", Replicas: 3,
		Constraints: []string{"node.role==worker"}, Preferences: []string{"node.labels.zone"}, MaxReplicas: 2,
		NanoCPUs: 500_000_000, MemoryBytes: 256 << 20, Labels: map[string]string{cluster.LabelNamespace: "shop"},
		Ports:   []cluster.PortConfig{{Published: 8080, Target: 80, Protocol: "tcp", Mode: "ingress"}},
		Update:  cluster.UpdateConfig{Parallelism: 2, Delay: 10 * time.Second, FailureAction: "rollback", Order: "start-first", Monitor: 5 * time.Second, MaxFailureRatio: 250_000},
		Restart: cluster.RestartPolicy{Condition: "on-failure", Delay: 5 * time.Second, MaxAttempts: 3},
		Env:     []string{"A=1"}}
	var b bytes.Buffer
	inspectJSON(&b, servicesJSON([]cluster.ServiceSpec{spec}))
	got, err := inspect.Services(&b)
	if err != nil {
		t.Fatal(err)
	}
	want := inspect.Service{ID: "web", Name: "web", Labels: spec.Labels, Mode: "replicated", Replicas: 3, Image: "nginx:1.27",
		Constraints: spec.Constraints, Preferences: spec.Preferences, MaxReplicas: 2,
		Reservation: inspect.Resources{NanoCPUs: 500_000_000, MemoryBytes: 256 << 20},
		Ports:       []inspect.Port{{Published: 8080, Target: 80, Protocol: "tcp", Mode: "ingress"}},
		Update:      inspect.UpdateConfig{Parallelism: 2, Delay: 10 * time.Second, FailureAction: "rollback", Monitor: 5 * time.Second, MaxFailureRatio: 0.25, Order: "start-first"},
		Restart:     inspect.RestartPolicy{Condition: "on-failure", Delay: 5 * time.Second, MaxAttempts: 3}}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("read back\n %+v\nwant\n %+v", got, want)
	}
}
