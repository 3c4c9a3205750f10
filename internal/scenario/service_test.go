package scenario

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/inspect"
)

// Every input describing the same service gives the same spec: Spec is the
// one place a cluster.ServiceSpec is made.
func TestEveryInputGivesTheSameSpec(t *testing.T) {
	cmd, err := drill.ParseCommand("docker service create --name web --replicas 6 --constraint node.role!=manager " +
		"--placement-pref spread=node.labels.zone --reserve-cpu 0.5 --reserve-memory 64M --replicas-max-per-node 2 " +
		"--publish published=8080,target=80,mode=host --update-parallelism 2 --update-delay 10s " +
		"--update-failure-action rollback --update-order start-first --restart-condition on-failure " +
		"--restart-delay 3s --restart-max-attempts 4 --restart-window 1m nginx:1.25")
	if err != nil {
		t.Fatal(err)
	}
	fromDrill := FromDrill(cmd.(drill.ServiceCreate)).Spec()
	fromInspect := FromInspect(inspect.Service{
		Name: "web", Mode: cluster.ModeReplicated, Replicas: 6, Image: "nginx:1.25",
		Constraints: []string{"node.role!=manager"}, Preferences: []string{"node.labels.zone"}, MaxReplicas: 2,
		Reservation: inspect.Resources{NanoCPUs: 500_000_000, MemoryBytes: 64 << 20}, HostPorts: []uint32{8080},
		Ports:   []inspect.Port{{Published: 8080, Target: 80, Protocol: "tcp", Mode: "host"}},
		Update:  inspect.UpdateConfig{Parallelism: 2, Delay: 10 * time.Second, FailureAction: "rollback", Order: "start-first", Monitor: 5 * time.Second},
		Restart: inspect.RestartPolicy{Condition: "on-failure", Delay: 3 * time.Second, MaxAttempts: 4, Window: time.Minute},
	}).Spec()
	if !reflect.DeepEqual(fromDrill, fromInspect) {
		t.Errorf("from a drill:\n%+v\nfrom docker service inspect:\n%+v", fromDrill, fromInspect)
	}

	cmd, err = drill.ParseCommand("docker service create --name web --replicas 4 --placement-pref spread=node.labels.zone nginx")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Replicated("web", 4).Spec(), FromDrill(cmd.(drill.ServiceCreate)).Spec(); !reflect.DeepEqual(got, want) {
		t.Errorf("--service web=4:\n%+v\nthe drill's docker service create:\n%+v", got, want)
	}
	cmd, err = drill.ParseCommand("docker service create --name agent --mode global agent")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Global("agent").Spec(), FromDrill(cmd.(drill.ServiceCreate)).Spec(); !reflect.DeepEqual(got, want) {
		t.Errorf("--global agent:\n%+v\nthe drill's docker service create:\n%+v", got, want)
	}
}

// `docker service create -p 80` leaves the published port to the swarm:
// the spec keeps the port, unnumbered, for the swarm's allocator.
func TestFromDrillKeepsAPortWithoutPublished(t *testing.T) {
	x := drill.ServiceCreate{Name: "web", Image: "nginx", Replicas: 1,
		Publish: []drill.Port{{Target: 80, Protocol: drill.TCP, Mode: drill.PortIngress}, {Target: 53, Protocol: drill.UDP, Mode: drill.PortIngress}}}
	got := FromDrill(x).Spec().Ports
	want := []cluster.PortConfig{{Target: 80, Protocol: "tcp", Mode: "ingress"}, {Target: 53, Protocol: "udp", Mode: "ingress"}}
	if !slices.Equal(got, want) {
		t.Errorf("ports %v, want %v", got, want)
	}
}
