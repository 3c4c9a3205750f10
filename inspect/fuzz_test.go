package inspect_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/inspect"
)

// seed adds every fixture, good and broken, and a few small inputs. Seeds
// run in every go test, not only when fuzzing.
func seed(f *testing.F) {
	for _, dir := range []string{"testdata", "testdata/broken"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{
		"", "[]", "{}", "null", "[null]", "[1]", `[""]`, "[{}]", "\xEF\xBB\xBF[]", "\xFF\xFE", "[", "[{", `[{"ID":`,
		`[{"ID":"a","Spec":{"Role":"manager"},"Description":{"Hostname":"h"},"ManagerStatus":{"Leader":true}}]`,
		`[{"Spec":{"Name":"s","Mode":{"Replicated":{"Replicas":18446744073709551615}}}}]`,
		`[{"Spec":{"Name":"s","Mode":{"Global":{}},"EndpointSpec":{"Ports":[{"PublishedPort":80,"PublishMode":"host"}]}}}]`,
	} {
		f.Add([]byte(s))
	}
}

// checkError holds a fuzzed error to one non-empty line.
func checkError(t *testing.T, err error) {
	t.Helper()
	if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("error %q is not one line", msg)
	}
}

func FuzzNodes(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		nodes, err := inspect.Nodes(bytes.NewReader(data))
		if err != nil {
			checkError(t, err)
			if nodes != nil {
				t.Fatalf("%d nodes along with error %v", len(nodes), err)
			}
			return
		}
		if len(nodes) == 0 {
			t.Fatal("no nodes and no error")
		}
		ids, leaders := map[string]bool{}, 0
		for _, n := range nodes {
			switch {
			case n.ID == "" || n.Hostname == "":
				t.Fatalf("node without ID or hostname: %+v", n)
			case ids[n.ID]:
				t.Fatalf("ID %q twice", n.ID)
			case !slices.Contains([]string{"manager", "worker"}, n.Role),
				!slices.Contains([]string{"active", "pause", "drain"}, n.Availability),
				!slices.Contains([]string{"ready", "down", "unknown", "disconnected"}, n.State),
				!slices.Contains([]string{"", "reachable", "unreachable", "unknown"}, n.Reachability):
				t.Fatalf("node with a value outside its set: %+v", n)
			case n.Leader && n.Role != "manager":
				t.Fatalf("a worker leads: %+v", n)
			case n.NanoCPUs < 0 || n.MemoryBytes < 0:
				t.Fatalf("negative resources: %+v", n)
			case (n.Zone == "") != (n.ZoneLabel == ""),
				n.ZoneLabel == "node.labels.zone" && n.Labels["zone"] != n.Zone,
				n.ZoneLabel == "engine.labels.zone" && n.EngineLabels["zone"] != n.Zone:
				t.Fatalf("zone %q does not match its label %q: %+v", n.Zone, n.ZoneLabel, n)
			case n.Labels != nil && len(n.Labels) == 0, n.EngineLabels != nil && len(n.EngineLabels) == 0:
				t.Fatalf("empty labels that are not nil: %+v", n)
			}
			ids[n.ID] = true
			if n.Leader {
				leaders++
			}
		}
		if leaders > 1 {
			t.Fatalf("%d leaders", leaders)
		}
	})
}

func FuzzServices(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		services, err := inspect.Services(bytes.NewReader(data))
		if err != nil {
			checkError(t, err)
			if services != nil {
				t.Fatalf("%d services along with error %v", len(services), err)
			}
			return
		}
		names := map[string]bool{}
		for _, s := range services {
			switch {
			case s.Name == "" || names[s.Name]:
				t.Fatalf("service name %q empty or twice", s.Name)
			case (s.Mode == "global" || s.Mode == "global-job") && s.Replicas != 0,
				s.Mode != "replicated-job" && s.MaxConcurrent != 0,
				s.Mode == "replicated-job" && (s.MaxConcurrent < 0 || s.MaxConcurrent > inspect.MaxCount),
				s.Mode != "global" && s.Mode != "replicated" && s.Mode != "replicated-job" && s.Mode != "global-job":
				t.Fatalf("mode %q with %d replicas", s.Mode, s.Replicas)
			case s.Replicas < 0 || s.Replicas > inspect.MaxCount || s.MaxReplicas < 0 || s.MaxReplicas > inspect.MaxCount,
				s.Update.Parallelism < 0 || s.Update.Parallelism > inspect.MaxCount,
				s.Restart.MaxAttempts < 0 || s.Restart.MaxAttempts > inspect.MaxCount:
				t.Fatalf("a count out of range: %+v", s)
			case s.Reservation.NanoCPUs < 0 || s.Reservation.MemoryBytes < 0:
				t.Fatalf("negative reservation: %+v", s)
			case s.Update.Delay < 0 || s.Update.Monitor <= 0 || s.Restart.Delay < 0 || s.Restart.Window < 0:
				t.Fatalf("a negative duration or no monitor: %+v", s)
			case !(s.Update.MaxFailureRatio >= 0 && s.Update.MaxFailureRatio <= 1):
				t.Fatalf("failure ratio %v", s.Update.MaxFailureRatio)
			case !slices.Contains([]string{"pause", "continue", "rollback"}, s.Update.FailureAction),
				!slices.Contains([]string{"stop-first", "start-first"}, s.Update.Order),
				!slices.Contains([]string{"none", "on-failure", "any"}, s.Restart.Condition):
				t.Fatalf("a value outside its set: %+v", s)
			}
			for _, c := range s.Constraints {
				if !strings.Contains(c, "==") && !strings.Contains(c, "!=") {
					t.Fatalf("constraint %q without an operator", c)
				}
			}
			for _, p := range s.Preferences {
				if p == "" {
					t.Fatal("an empty spread descriptor")
				}
			}
			seen := map[uint32]bool{}
			for _, p := range s.HostPorts {
				if p == 0 || p > 65535 || seen[p] {
					t.Fatalf("host ports %v", s.HostPorts)
				}
				seen[p] = true
			}
			names[s.Name] = true
		}
	})
}
