package report

import (
	"strconv"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/cluster"
)

// Long hostnames and task names break at a boundary of theirs ('.', '-'),
// the continuation indented, instead of mid-word back at the column's edge.
func TestPictureBreaksLongNamesAtBoundaries(t *testing.T) {
	const host = "ip-10-0-1-23.eu-west-1.compute.internal"
	snap := cluster.Snapshot{
		Zones: []cluster.Zone{{Name: "a", Nodes: []string{host}}},
		Nodes: []cluster.NodeView{{Name: host, Zone: "a", Role: "manager", Alive: true, Status: "ready", Availability: "active",
			Tasks: cluster.NamedTasks([]string{"web.1", "monitoring_node-exporter.ip-10-0-1-23"})}},
	}
	pic := Picture(snap, Plain())
	var rows []string
	for _, line := range strings.Split(pic, "\n") {
		if strings.HasPrefix(line, "│ ") {
			rows = append(rows, strings.TrimRight(strings.TrimSuffix(strings.TrimPrefix(line, "│ "), "│"), " "))
		}
	}
	want := []string{
		"zone a",
		"ip-10-0-1-23.eu-west-",
		"  1.compute.internal",
		"  manager ready",
		"  web.1",
		"  monitoring_node-",
		"    exporter.ip-10-0-",
		"    1-23",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"), pic)
	}
}

// A node with more tasks than a few rows hold shows how many of each
// service it runs: --service web=20000 is a picture, not 600 KB of names.
func TestPictureCountsManyTasks(t *testing.T) {
	var tasks []string
	for i := 1; i <= 6667; i++ {
		tasks = append(tasks, "web."+strconv.Itoa(3*i-2))
	}
	tasks = append(tasks, "agent.m1")
	snap := cluster.Snapshot{
		Zones: []cluster.Zone{{Name: "a", Nodes: []string{"m1"}}},
		Nodes: []cluster.NodeView{{Name: "m1", Zone: "a", Role: "manager", Alive: true, Status: "ready", Availability: "active", Tasks: cluster.NamedTasks(tasks)}},
	}
	pic := Picture(snap, Plain())
	if !strings.Contains(pic, "│   web ×6667 agent ×1   │") || len(pic) > 1000 {
		t.Errorf("picture of %d bytes:\n%.1000s", len(pic), pic)
	}
}
