package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/cluster"
)

func TestImportBuildsTheSwarmItDescribes(t *testing.T) {
	im, err := importSwarm("inspect/testdata/nodes.json", "inspect/testdata/services.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := im.layout.String(); got != "2-2-1" || im.layout.Workers() != 4 {
		t.Errorf("layout %s with %d workers, want 2-2-1 with 4", got, im.layout.Workers())
	}
	if names := im.layout.Names(); strings.Join(names, ",") != "eu-west-1a,eu-west-1b,eu-west-1c" {
		t.Errorf("zones %v", names)
	}
	byName := map[string]cluster.NodeSpec{}
	for _, n := range im.nodes {
		byName[n.Name] = n
	}
	if n := byName["w3"]; n.Availability != "drain" || n.Labels["disk"] != "ssd" {
		t.Errorf("w3 %+v: want drained with disk=ssd", n)
	}
	if n := byName["w4"]; !n.Down {
		t.Errorf("w4 %+v: want down", n)
	}
	var names []string
	for _, s := range im.services {
		names = append(names, s.Name+"/"+s.Mode)
	}
	if strings.Join(names, " ") != "web/replicated node-exporter/global edge/replicated" {
		t.Errorf("services %v", names)
	}

	// The headline command runs on it, and names nodes by hostname.
	out, stderr, code := runArgs(t, "--from", "inspect/testdata/nodes.json", "--services", "inspect/testdata/services.json",
		"--kill", "m1,m3", "--output", "json")
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
	os.WriteFile(bad, []byte(`[{"ID": "x1", "Spec": {"Role": "boss"}, "Description": {"Hostname": "m1"}}]`), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", filepath.Join(dir, "missing.json")}, "--from " + filepath.Join(dir, "missing.json")},
		{[]string{"--from", bad}, "Spec.Role"},
		{[]string{"--from", "inspect/testdata/nodes.json", "--managers", "3"}, "leave out --managers"},
		{[]string{"--from", "inspect/testdata/nodes.json", "--kill", "m9"}, `there is no node "m9"; the nodes are m1, m2`},
		{[]string{"--services", bad}, "--services " + bad},
	} {
		_, stderr, code := runArgs(t, tc.args...)
		if code != exitBadInput || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q", tc.args, code, stderr, tc.want)
		}
	}
	for _, f := range mustGlob(t, "inspect/testdata/broken/*nodes*.json") {
		_, stderr, code := runArgs(t, "--from", f)
		if code != exitBadInput || strings.Count(stderr, "\n") != 1 {
			t.Errorf("--from %s: exit %d, stderr %q", f, code, stderr)
		}
	}
}

func TestPlanFromImport(t *testing.T) {
	out, _, code := runArgs(t, "plan", "--from", "inspect/testdata/nodes.json", "--no-color")
	if code != exitOK || !strings.Contains(out, "lose zone eu-west-1a: predicted holds") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	return files
}
