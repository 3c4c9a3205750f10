package inspect_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/inspect"
)

// The services in testdata/services.json: web (replicated, spread over
// zones, two constraints, at most 2 per node, after an update), a global
// node-exporter, and edge (reservations, host ports 80 and 443 for tcp and
// udp, a dynamic host port and an ingress port).
var wantServices = []inspect.Service{
	{
		ID: "e7oakmnqxtnzppzt9p8i4i188", Name: "web", Mode: "replicated", Replicas: 6,
		Labels:      map[string]string{"com.example.team": "storefront"},
		Image:       "nginx:1.27.2@sha256:3f554976be40b86f7698c263efb089f1aca6aac178825bf6152a790ca9713a77",
		Constraints: []string{"node.platform.os==linux", "node.labels.disk!=hdd"},
		Preferences: []string{"node.labels.zone"},
		MaxReplicas: 2,
		Ports:       []inspect.Port{{Published: 8080, Target: 80, Protocol: "tcp", Mode: "ingress"}},
		ForceUpdate: 1,
		Update: inspect.UpdateConfig{Parallelism: 2, Delay: 10 * time.Second, FailureAction: "rollback",
			Monitor: 15 * time.Second, MaxFailureRatio: 0.2, Order: "start-first"},
		Restart: inspect.RestartPolicy{Condition: "on-failure", Delay: 5 * time.Second, MaxAttempts: 3, Window: 2 * time.Minute},
	},
	{
		ID: "kxj3dbslul0ii563i5fpmowq3", Name: "node-exporter", Mode: "global",
		Image:   "prom/node-exporter:v1.8.2@sha256:e4b920e5b070e274d8b4deede2a23309aa2ecfb24770c24a93ffd22ceed6506e",
		Update:  inspect.DefaultUpdate,
		Restart: inspect.DefaultRestart,
	},
	{
		ID: "gqqyka8ot4rzb251qbehi6s98", Name: "edge", Mode: "replicated", Replicas: 3,
		Image:       "traefik:v3.1.6@sha256:e7b5c43234d26d607ebd10bfc1bd349dab178574873350ddf27d4518edeb9d43",
		Constraints: []string{"node.labels.edge==true", "node.role==worker"},
		Reservation: inspect.Resources{NanoCPUs: 500_000_000, MemoryBytes: 256 << 20},
		HostPorts:   []uint32{80, 443},
		Ports: []inspect.Port{{Published: 80, Target: 80, Protocol: "tcp", Mode: "host"}, {Published: 443, Target: 443, Protocol: "tcp", Mode: "host"},
			{Published: 443, Target: 443, Protocol: "udp", Mode: "host"}, {Published: 8081, Target: 8080, Protocol: "tcp", Mode: "ingress"}},
		Update:  inspect.DefaultUpdate,
		Restart: inspect.DefaultRestart,
	},
}

func TestServicesFixture(t *testing.T) {
	got, err := inspect.Services(bytes.NewReader(load(t, "services.json")))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(wantServices) {
		t.Fatalf("read %d services, want %d", len(got), len(wantServices))
	}
	for i := range wantServices {
		if !reflect.DeepEqual(got[i], wantServices[i]) {
			t.Errorf("service %d:\n got %+v\nwant %+v", i+1, got[i], wantServices[i])
		}
	}
}

func TestDockerDefaults(t *testing.T) {
	// The values swarmkit fills in for a spec that says nothing.
	if want := (inspect.UpdateConfig{Parallelism: 1, FailureAction: "pause", Monitor: 5 * time.Second, Order: "stop-first"}); inspect.DefaultUpdate != want {
		t.Errorf("DefaultUpdate = %+v, want %+v", inspect.DefaultUpdate, want)
	}
	if want := (inspect.RestartPolicy{Condition: "any", Delay: 5 * time.Second}); inspect.DefaultRestart != want {
		t.Errorf("DefaultRestart = %+v, want %+v", inspect.DefaultRestart, want)
	}
}

// readService reads one service given as a JSON object.
func readService(t *testing.T, text string) inspect.Service {
	t.Helper()
	services, err := inspect.Services(strings.NewReader("[" + text + "]"))
	if err != nil {
		t.Fatalf("Services(%s): %v", text, err)
	}
	if len(services) != 1 {
		t.Fatalf("Services(%s) read %d services", text, len(services))
	}
	return services[0]
}

func TestServiceDefaults(t *testing.T) {
	base := inspect.Service{Name: "s", Mode: "replicated", Replicas: 1, Update: inspect.DefaultUpdate, Restart: inspect.DefaultRestart}
	with := func(change func(*inspect.Service)) inspect.Service {
		s := base
		change(&s)
		return s
	}
	tests := []struct {
		name string
		json string
		want inspect.Service
	}{
		{"replicas absent: Docker's 1", `{"Spec":{"Name":"s","Mode":{"Replicated":{}}}}`, base},
		{"zero replicas", `{"Spec":{"Name":"s","Mode":{"Replicated":{"Replicas":0}}}}`,
			with(func(s *inspect.Service) { s.Replicas = 0 })},
		{"global", `{"ID":"g1","Spec":{"Name":"s","Mode":{"Global":{}}}}`,
			with(func(s *inspect.Service) { s.ID, s.Mode, s.Replicas = "g1", "global", 0 })},
		{"a null Global is no Global", `{"Spec":{"Name":"s","Mode":{"Replicated":{"Replicas":2},"Global":null}}}`,
			with(func(s *inspect.Service) { s.Replicas = 2 })},
		{"update parallelism 0 is all at once", `{"Spec":{"Name":"s","Mode":{"Replicated":{}},"UpdateConfig":{"Parallelism":0}}}`,
			with(func(s *inspect.Service) { s.Update.Parallelism = 0 })},
		{"an empty update config keeps every default", `{"Spec":{"Name":"s","Mode":{"Replicated":{}},"UpdateConfig":{}}}`, base},
		{"a zero monitor is the default", `{"Spec":{"Name":"s","Mode":{"Replicated":{}},"UpdateConfig":{"Monitor":0,"FailureAction":"continue"}}}`,
			with(func(s *inspect.Service) { s.Update.FailureAction = "continue" })},
		{"a restart condition alone keeps the delay", `{"Spec":{"Name":"s","Mode":{"Replicated":{}},"TaskTemplate":{"RestartPolicy":{"Condition":"none"}}}}`,
			with(func(s *inspect.Service) { s.Restart.Condition = "none" })},
		{"an explicit zero restart delay", `{"Spec":{"Name":"s","Mode":{"Replicated":{}},"TaskTemplate":{"RestartPolicy":{"Delay":0}}}}`,
			with(func(s *inspect.Service) { s.Restart.Delay = 0 })},
		{"no container spec has no image", `{"Spec":{"Name":"s","Mode":{"Replicated":{}},"TaskTemplate":{"PluginSpec":{"Name":"p"}}}}`, base},
		{"limits are not reservations", `{"Spec":{"Name":"s","Mode":{"Replicated":{}},"TaskTemplate":{"Resources":{"Limits":{"NanoCPUs":1000000000}}}}}`, base},
		{"empty placement", `{"Spec":{"Name":"s","Mode":{"Replicated":{}},"TaskTemplate":{"Placement":{}}}}`, base},
		{"nested spread preferences in order", `{"Spec":{"Name":"s","Mode":{"Replicated":{}},"TaskTemplate":{"Placement":{"Preferences":[{"Spread":{"SpreadDescriptor":"node.labels.zone"}},{"Spread":{"SpreadDescriptor":"node.labels.rack"}}]}}}}`,
			with(func(s *inspect.Service) { s.Preferences = []string{"node.labels.zone", "node.labels.rack"} })},
		{"ports without a mode are ingress", `{"Spec":{"Name":"s","Mode":{"Replicated":{}},"EndpointSpec":{"Ports":[{"TargetPort":80,"PublishedPort":80}]}}}`,
			with(func(s *inspect.Service) {
				s.Ports = []inspect.Port{{Published: 80, Target: 80, Protocol: "tcp", Mode: "ingress"}}
			})},
		{"the assigned endpoint is ignored", `{"Spec":{"Name":"s","Mode":{"Replicated":{}}},"Endpoint":{"Ports":[{"PublishedPort":80,"PublishMode":"host"}]}}`, base},
		{"the previous spec is ignored", `{"Spec":{"Name":"s","Mode":{"Replicated":{}}},"PreviousSpec":{"Name":"s","Mode":{"Global":{}}}}`, base},
		{"the highest port", `{"Spec":{"Name":"s","Mode":{"Replicated":{}},"EndpointSpec":{"Ports":[{"PublishedPort":65535,"PublishMode":"host"}]}}}`,
			with(func(s *inspect.Service) {
				s.HostPorts, s.Ports = []uint32{65535}, []inspect.Port{{Published: 65535, Protocol: "tcp", Mode: "host"}}
			})},
		{"counts at the limit", `{"Spec":{"Name":"s","Mode":{"Replicated":{"Replicas":1000000}},"TaskTemplate":{"Placement":{"MaxReplicas":1000000}}}}`,
			with(func(s *inspect.Service) { s.Replicas, s.MaxReplicas = inspect.MaxCount, inspect.MaxCount })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := readService(t, tt.json); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestServiceErrors(t *testing.T) {
	svc := func(i int, change func(s any)) func([]any) []any {
		return func(elems []any) []any {
			change(elems[i])
			return elems
		}
	}
	const web, edge = `service 1 (name "web")`, `service 3 (name "edge")`
	const upd, rst = "Spec.UpdateConfig.", "Spec.TaskTemplate.RestartPolicy."
	tests := []struct {
		name   string
		change func([]any) []any
		want   string
	}{
		{"no name", svc(0, func(s any) { del(s, "Spec.Name") }),
			`service 1 (id "e7oakmnqxtnzppzt9p8i4i188"): Spec.Name is missing; every service has one, so check that the file is what docker service inspect $(docker service ls -q) prints`},
		{"no name and no ID", svc(0, func(s any) { del(s, "Spec.Name"); del(s, "ID") }),
			`service 1: Spec.Name is missing; every service has one, so check that the file is what docker service inspect $(docker service ls -q) prints`},
		{"no mode", svc(0, func(s any) { set(s, "Spec.Mode", map[string]any{}) }),
			web + `: Spec.Mode has neither Replicated nor Global; docker service inspect always prints one`},
		{"both modes", svc(0, func(s any) { set(s, "Spec.Mode.Global", map[string]any{}) }),
			web + `: Spec.Mode has both Replicated and Global, but a service has one mode`},
		{"a replicated job", svc(0, func(s any) { set(s, "Spec.Mode", map[string]any{"ReplicatedJob": map[string]any{"MaxConcurrent": 2}}) }),
			web + `: Spec.Mode is ReplicatedJob, a job that runs to completion, which swarmsim does not simulate; leave job services out of the input`},
		{"a global job", svc(0, func(s any) { set(s, "Spec.Mode", map[string]any{"GlobalJob": map[string]any{}}) }),
			web + `: Spec.Mode is GlobalJob, a job that runs to completion, which swarmsim does not simulate; leave job services out of the input`},
		{"too many replicas", svc(0, func(s any) { set(s, "Spec.Mode.Replicated.Replicas", 1_000_001) }),
			web + `: Spec.Mode.Replicated.Replicas is 1000001, more than the 1000000 swarmsim can simulate; use a smaller count`},
		{"negative replicas", svc(0, func(s any) { set(s, "Spec.Mode.Replicated.Replicas", -2) }),
			web + `: Spec.Mode.Replicated.Replicas is -2, but it must be a whole number of 0 or more`},
		{"replicas beyond 64 bits", svc(0, func(s any) { set(s, "Spec.Mode.Replicated.Replicas", 1e20) }),
			web + `: Spec.Mode.Replicated.Replicas is 100000000000000000000, which is too large; it must be a whole number of 0 or more up to 18446744073709551615`},
		{"replicas as a string", svc(0, func(s any) { set(s, "Spec.Mode.Replicated.Replicas", "6") }),
			web + `: Spec.Mode.Replicated.Replicas is a string, but it must be a whole number of 0 or more`},
		{"global as a number", svc(1, func(s any) { set(s, "Spec.Mode.Global", 1) }),
			`service 2 (name "node-exporter"): Spec.Mode.Global is a number, but it must be an object`},
		{"a constraint without an operator", svc(0, func(s any) {
			set(s, "Spec.TaskTemplate.Placement.Constraints", []any{"node.platform.os==linux", "node.labels.disk=ssd"})
		}), web + `: Spec.TaskTemplate.Placement.Constraints[1] is "node.labels.disk=ssd", which has no == or !=; write it like node.labels.zone==a`},
		{"an empty constraint", svc(0, func(s any) { set(s, "Spec.TaskTemplate.Placement.Constraints", []any{""}) }),
			web + `: Spec.TaskTemplate.Placement.Constraints[0] is "", which has no == or !=; write it like node.labels.zone==a`},
		{"constraints as a string", svc(0, func(s any) { set(s, "Spec.TaskTemplate.Placement.Constraints", "node.role==worker") }),
			web + `: Spec.TaskTemplate.Placement.Constraints is a string, but it must be a list`},
		{"a preference that is not a spread", svc(0, func(s any) {
			set(s, "Spec.TaskTemplate.Placement.Preferences", []any{map[string]any{"Binpack": map[string]any{}}})
		}), web + `: Spec.TaskTemplate.Placement.Preferences[0] has no Spread, the only placement preference Docker has`},
		{"a spread over nothing", svc(0, func(s any) {
			set(s, "Spec.TaskTemplate.Placement.Preferences", []any{map[string]any{"Spread": map[string]any{"SpreadDescriptor": ""}}})
		}), web + `: Spec.TaskTemplate.Placement.Preferences[0].Spread.SpreadDescriptor is missing; it names what to spread over, like node.labels.zone`},
		{"too many replicas per node", svc(0, func(s any) { set(s, "Spec.TaskTemplate.Placement.MaxReplicas", 5_000_000) }),
			web + `: Spec.TaskTemplate.Placement.MaxReplicas is 5000000, more than the 1000000 swarmsim can simulate; use a smaller count`},
		{"a negative CPU reservation", svc(2, func(s any) { set(s, "Spec.TaskTemplate.Resources.Reservations.NanoCPUs", -5) }),
			edge + `: Spec.TaskTemplate.Resources.Reservations.NanoCPUs is -5, but a task cannot reserve fewer than 0 CPUs`},
		{"a negative memory reservation", svc(2, func(s any) { set(s, "Spec.TaskTemplate.Resources.Reservations.MemoryBytes", -5) }),
			edge + `: Spec.TaskTemplate.Resources.Reservations.MemoryBytes is -5, but a task cannot reserve fewer than 0 bytes`},
		{"an unknown publish mode", svc(2, func(s any) {
			set(s, "Spec.EndpointSpec.Ports", []any{map[string]any{"PublishedPort": 80, "PublishMode": "bridge"}})
		}), edge + `: Spec.EndpointSpec.Ports[0].PublishMode is "bridge"; it must be "ingress" or "host"`},
		{"a port beyond 65535", svc(2, func(s any) {
			set(s, "Spec.EndpointSpec.Ports", []any{map[string]any{"PublishedPort": 70000, "PublishMode": "host"}})
		}), edge + `: Spec.EndpointSpec.Ports[0].PublishedPort is 70000, but ports go from 1 to 65535`},
		{"a negative port", svc(2, func(s any) {
			set(s, "Spec.EndpointSpec.Ports", []any{map[string]any{"PublishedPort": 80, "PublishMode": "host"}, map[string]any{"PublishedPort": -1, "PublishMode": "host"}})
		}), edge + `: Spec.EndpointSpec.Ports.PublishedPort is -1, but it must be a whole number of 0 or more`},
		{"a port past 65535", svc(2, func(s any) {
			set(s, "Spec.EndpointSpec.Ports", []any{map[string]any{"PublishedPort": 80, "PublishMode": "host"}, map[string]any{"PublishedPort": 70000, "PublishMode": "host"}})
		}), edge + `: Spec.EndpointSpec.Ports[1].PublishedPort is 70000, but ports go from 1 to 65535`},
		{"a port beyond 64 bits", svc(2, func(s any) {
			set(s, "Spec.EndpointSpec.Ports", []any{map[string]any{"PublishedPort": 1e19, "PublishMode": "host"}})
		}), edge + `: Spec.EndpointSpec.Ports.PublishedPort is 10000000000000000000, which is too large; it must be a whole number of 0 or more up to 4294967295`},
		{"a port as a string", svc(2, func(s any) {
			set(s, "Spec.EndpointSpec.Ports", []any{map[string]any{"PublishedPort": "80", "PublishMode": "host"}})
		}), edge + `: Spec.EndpointSpec.Ports.PublishedPort is a string, but it must be a whole number of 0 or more`},
		{"too much update parallelism", svc(0, func(s any) { set(s, upd+"Parallelism", 2_000_000) }),
			web + `: Spec.UpdateConfig.Parallelism is 2000000, more than the 1000000 swarmsim can simulate; use a smaller count`},
		{"a negative update delay", svc(0, func(s any) { set(s, upd+"Delay", -1) }),
			web + `: Spec.UpdateConfig.Delay is -1 nanoseconds, but a duration cannot be negative`},
		{"an update delay as text", svc(0, func(s any) { set(s, upd+"Delay", "10s") }),
			web + `: Spec.UpdateConfig.Delay is a string, but it must be a whole number of nanoseconds`},
		{"an unknown failure action", svc(0, func(s any) { set(s, upd+"FailureAction", "retry") }),
			web + `: Spec.UpdateConfig.FailureAction is "retry"; it must be "pause", "continue" or "rollback"`},
		{"a negative monitor", svc(0, func(s any) { set(s, upd+"Monitor", -1000) }),
			web + `: Spec.UpdateConfig.Monitor is -1000 nanoseconds, but a duration cannot be negative`},
		{"a failure ratio above 1", svc(0, func(s any) { set(s, upd+"MaxFailureRatio", 1.5) }),
			web + `: Spec.UpdateConfig.MaxFailureRatio is 1.5, but it must be a fraction between 0 and 1`},
		{"a negative failure ratio", svc(0, func(s any) { set(s, upd+"MaxFailureRatio", -0.1) }),
			web + `: Spec.UpdateConfig.MaxFailureRatio is -0.1, but it must be a fraction between 0 and 1`},
		{"an unknown update order", svc(0, func(s any) { set(s, upd+"Order", "random") }),
			web + `: Spec.UpdateConfig.Order is "random"; it must be "stop-first" or "start-first"`},
		{"an unknown restart condition", svc(0, func(s any) { set(s, rst+"Condition", "always") }),
			web + `: Spec.TaskTemplate.RestartPolicy.Condition is "always"; it must be "none", "on-failure" or "any"`},
		{"a negative restart delay", svc(0, func(s any) { set(s, rst+"Delay", -1) }),
			web + `: Spec.TaskTemplate.RestartPolicy.Delay is -1 nanoseconds, but a duration cannot be negative`},
		{"too many restart attempts", svc(0, func(s any) { set(s, rst+"MaxAttempts", 1e7) }),
			web + `: Spec.TaskTemplate.RestartPolicy.MaxAttempts is 10000000, more than the 1000000 swarmsim can simulate; use a smaller count`},
		{"a negative restart window", svc(0, func(s any) { set(s, rst+"Window", -1) }),
			web + `: Spec.TaskTemplate.RestartPolicy.Window is -1 nanoseconds, but a duration cannot be negative`},
		{"the same name twice", func(elems []any) []any { return append(elems, elems[0]) },
			`service 4 (name "web"): Spec.Name is the same as service 1's, but service names are unique in a swarm; inspect every service once`},
		{"a service that is a number", func(elems []any) []any { elems[2] = 3; return elems },
			`service 3 is a number, but each service must be a JSON object`},
		{"a service that is null", func(elems []any) []any { elems[0] = nil; return elems },
			`service 1 is null, but each service must be a JSON object`},
		{"an image that is not a string", svc(0, func(s any) { set(s, "Spec.TaskTemplate.ContainerSpec.Image", 7) }),
			web + `: Spec.TaskTemplate.ContainerSpec.Image is a number, but it must be a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			services, err := inspect.Services(bytes.NewReader(edit(t, "services.json", tt.change)))
			if err == nil {
				t.Fatalf("read %d services, want an error", len(services))
			}
			if services != nil {
				t.Errorf("read %d services along with the error", len(services))
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			checkLine(t, err.Error())
		})
	}
}

// A port given only as a target has the published port Docker assigned in
// Endpoint.Ports (swarmkit's allocator); without one it stays 0 for the
// simulation's allocator to number.
func TestServiceIngressPortTakesTheAssignedNumber(t *testing.T) {
	in := `[{"ID": "s1", "Spec": {"Name": "web", "Mode": {"Replicated": {"Replicas": 1}},
	  "EndpointSpec": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishMode": "ingress"}, {"Protocol": "udp", "TargetPort": 53, "PublishMode": "ingress"}]}},
	 "Endpoint": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 30004, "PublishMode": "ingress"}]}}]`
	got, err := inspect.Services(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []inspect.Port{{Published: 30004, Target: 80, Protocol: "tcp", Mode: "ingress"}, {Published: 0, Target: 53, Protocol: "udp", Mode: "ingress"}}
	if !reflect.DeepEqual(got[0].Ports, want) {
		t.Errorf("ports %+v, want %+v", got[0].Ports, want)
	}
}
