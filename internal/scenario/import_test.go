package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/cluster"
)

func TestImportBuildsTheSwarmItDescribes(t *testing.T) {
	s, err := ImportNodes("../../inspect/testdata/nodes.json", DefaultZoneLabel)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Layout.String(); got != "2-2-1" || s.Layout.Workers() != 4 {
		t.Errorf("layout %s with %d workers, want 2-2-1 with 4", got, s.Layout.Workers())
	}
	if names := s.Layout.Names(); strings.Join(names, ",") != "eu-west-1a,eu-west-1b,eu-west-1c" {
		t.Errorf("zones %v", names)
	}
	byName := map[string]cluster.NodeSpec{}
	for _, n := range s.Nodes {
		byName[n.Name] = n
	}
	if n := byName["w3"]; n.Availability != "drain" || n.Labels["disk"] != "ssd" {
		t.Errorf("w3 %+v: want drained with disk=ssd", n)
	}
	if n := byName["w4"]; !n.Down {
		t.Errorf("w4 %+v: want down", n)
	}
	services, err := ImportServices("../../inspect/testdata/services.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range Specs(services) {
		names = append(names, s.Name+"/"+s.Mode)
	}
	if strings.Join(names, " ") != "web/replicated node-exporter/global edge/replicated" {
		t.Errorf("services %v", names)
	}
}

func TestImportErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"ID": "x1", "Spec": {"Role": "boss"}, "Description": {"Hostname": "m1"}}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  func() error
		want string
	}{
		{"missing nodes", func() error { _, err := ImportNodes(filepath.Join(dir, "missing.json"), DefaultZoneLabel); return err }, "write the output of docker node inspect"},
		{"bad role", func() error { _, err := ImportNodes(bad, DefaultZoneLabel); return err }, bad + ": "},
		{"missing services", func() error { _, err := ImportServices(filepath.Join(dir, "missing.json")); return err }, "write the output of docker service inspect"},
		{"bad services", func() error { _, err := ImportServices(bad); return err }, bad + ": "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line with %q", err, tc.want)
			}
		})
	}
}

// Docker lets two nodes share a hostname; the import names the second
// apart and says so, instead of refusing the file.
func TestImportNamesTwinsApart(t *testing.T) {
	twins := filepath.Join(t.TempDir(), "twins.json")
	if err := os.WriteFile(twins, []byte(`[{"ID": "x1", "Spec": {"Role": "manager"}, "Description": {"Hostname": "m1"}, "Status": {"State": "ready"}},
		{"ID": "x2", "Spec": {"Role": "manager"}, "Description": {"Hostname": "m1"}, "Status": {"State": "ready"}}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := ImportNodes(twins, DefaultZoneLabel)
	if err != nil {
		t.Fatal(err)
	}
	if s.Nodes[0].Name != "m1" || s.Nodes[1].Name != "m1-x2" {
		t.Errorf("names %s and %s, want m1 and m1-x2", s.Nodes[0].Name, s.Nodes[1].Name)
	}
	if want := "two nodes are named m1; the one with ID x2, which is ready, is m1-x2 here"; len(s.Renamed) != 1 || s.Renamed[0] != want {
		t.Errorf("renamed %q, want %q", s.Renamed, want)
	}
}

// An imported service keeps the ID its JSON gives, for docker service ls.
func TestImportedServiceKeepsItsID(t *testing.T) {
	services, err := ImportServices("../../inspect/testdata/services.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range services {
		if s.ID == "" || s.Spec().ID != s.ID {
			t.Errorf("service %s: ID %q, spec ID %q", s.Name, s.ID, s.Spec().ID)
		}
	}
}
