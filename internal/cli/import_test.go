package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	nodesJSON    = root + "/inspect/testdata/nodes.json"
	servicesJSON = root + "/inspect/testdata/services.json"
)

// The headline command runs on an imported swarm, and names nodes by
// hostname.
func TestHeadlineOnAnImportedSwarm(t *testing.T) {
	out, stderr, code := runArgs(t, "--from", nodesJSON, "--services", servicesJSON, "--kill", "m1,m3", "--output", "json")
	if code == exitBadInput {
		t.Fatalf("stderr: %s", stderr)
	}
	for _, want := range []string{`"layout": "2-2-1"`, `"eu-west-1b"`, `"node-exporter"`, `"m1"`} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}

func TestImportErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"ID": "x1", "Spec": {"Role": "boss"}, "Description": {"Hostname": "m1"}}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{"--from", filepath.Join(dir, "missing.json")}, "--from " + filepath.Join(dir, "missing.json")},
		{"bad role", []string{"--from", bad}, "Spec.Role"},
		{"managers too", []string{"--from", nodesJSON, "--managers", "3"}, "leave out --managers"},
		{"unknown node", []string{"--from", nodesJSON, "--kill", "m9"}, `there is no node "m9"; the nodes are m1, m2`},
		{"bad services", []string{"--services", bad}, "--services " + bad},
		{"service twice", []string{"--services", servicesJSON, "--service", "web=2"}, "service web is given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertBadInput(t, tc.args, tc.want)
		})
	}
	broken, err := filepath.Glob(root + "/inspect/testdata/broken/*nodes*.json")
	if err != nil || len(broken) == 0 {
		t.Fatalf("no broken fixtures: %v", err)
	}
	for _, f := range broken {
		_, stderr, code := runArgs(t, "--from", f)
		if code != exitBadInput || strings.Count(stderr, "\n") != 1 {
			t.Errorf("--from %s: exit %d, stderr %q", f, code, stderr)
		}
	}
}

func TestPlanFromImport(t *testing.T) {
	out, _, code := runArgs(t, "plan", "--from", nodesJSON, "--no-color")
	if code != exitOK || !strings.Contains(out, "lose zone eu-west-1a: predicted holds") {
		t.Errorf("exit %d\n%s", code, out)
	}
	assertBadInput(t, []string{"plan", "--from", nodesJSON, "--zones", "3"}, "already gives the layout")
}

// Issue 22 item 12 from the command line: the leader the JSON names leads,
// so --kill 1 kills it; zones come from the label --zone-label names.
func TestHeadlineImportKeepsTheLeaderAndZoneLabel(t *testing.T) {
	node := func(id, host, zone, manager string) string {
		return `{"ID": "` + id + `", "Spec": {"Role": "manager", "Labels": {"azone": "` + zone + `"}}, "Description": {"Hostname": "` + host + `"}, "Status": {"State": "ready"}, "ManagerStatus": ` + manager + `}`
	}
	path := filepath.Join(t.TempDir(), "nodes.json")
	src := "[" + node("aaaaaaaaaaaaaaaaaaaaaaaa1", "node1", "x", `{"Reachability": "reachable"}`) + ",\n" +
		node("aaaaaaaaaaaaaaaaaaaaaaaa2", "node2", "y", `{"Leader": true, "Reachability": "reachable"}`) + ",\n" +
		node("aaaaaaaaaaaaaaaaaaaaaaaa3", "node3", "z", `{"Reachability": "reachable"}`) + "]"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, _ := runArgs(t, "--from", path, "--zone-label", "azone", "--kill", "1", "--output", "json")
	var got struct {
		Killed []string       `json:"killed"`
		Zones  map[string]any `json:"zones"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s %s", err, out, stderr)
	}
	if len(got.Killed) != 1 || got.Killed[0] != "node2" {
		t.Errorf("--kill 1 killed %v; the JSON names node2 the leader", got.Killed)
	}
	if _, ok := got.Zones["y"]; !ok || len(got.Zones) != 3 {
		t.Errorf("zones %v, want x, y and z from label azone", got.Zones)
	}
	if _, stderr, code := runArgs(t, "--zone-label", "azone"); code != exitBadInput || !strings.Contains(stderr, "add --from FILE") {
		t.Errorf("--zone-label without --from: exit %d, %q", code, stderr)
	}
}

// Two nodes with one hostname are both kept, and stderr says which got
// another name, for the headline and plan alike.
func TestImportSaysWhichTwinWasRenamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodes.json")
	src := `[{"ID": "aaaaaa1", "Spec": {"Role": "worker"}, "Description": {"Hostname": "node1"}, "Status": {"State": "down"}},
	{"ID": "bbbbbb2", "Spec": {"Role": "manager"}, "Description": {"Hostname": "node1"}, "Status": {"State": "ready"}, "ManagerStatus": {"Leader": true, "Reachability": "reachable"}}]`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	const want = "two nodes are named node1; the one with ID aaaaaa1, which is down, is node1-aaaaaa here\n"
	for _, args := range [][]string{{"--from", path, "--no-color"}, {"plan", "--from", path, "--no-color", "--samples", "100"}} {
		_, stderr, _ := runArgs(t, args...)
		if stderr != want {
			t.Errorf("%v: stderr %q, want %q", args, stderr, want)
		}
	}
}
