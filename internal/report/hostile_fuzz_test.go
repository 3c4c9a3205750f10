package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/muesli/termenv"

	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/sink"
)

// hostileSwarm is a swarm whose node, zone and service carry name, with no
// task, so that every renderer draws a fixed number of lines.
func hostileSwarm(name string) cluster.Snapshot {
	return cluster.Snapshot{
		Zones: []cluster.Zone{{Name: name, Nodes: []string{"m1", name}}},
		Nodes: []cluster.NodeView{
			{Name: "m1", Zone: name, Role: cluster.RoleManager, Alive: true, Leader: true, Status: cluster.NodeReady, Availability: cluster.Active, ManagerStatus: "Leader"},
			{Name: name, Zone: name, Role: cluster.RoleWorker, Alive: true, Status: cluster.NodeReady, Availability: name},
		},
		Services: []cluster.ServiceView{{Name: name, Mode: "replicated", Image: name}},
	}
}

// render draws every text renderer that shows names, through the
// terminal guard as the commands do: the picture, which wraps long names
// in its boxes, then the renderers that give a name one line.
func render(name string, colour bool) (picture, lines string) {
	var b bytes.Buffer
	term := sink.NewTerminal(&b, colour)
	st := Plain()
	if colour {
		st = NewStyles(termenv.ANSI256)
	}
	snap := hostileSwarm(name)
	term.Write([]byte(Picture(snap, st) + "\n"))
	picture = b.String()
	b.Reset()
	NodeLS(term, snap)
	ServiceLS(term, snap)
	// The read verbs of drills: docker node inspect --pretty, docker
	// service inspect --pretty, docker info and docker service logs. An
	// empty name would leave out a label or a log line, so each gets one
	// letter before it.
	named := "n" + name
	nodePretty(term, nodeJSON(hostileSwarm(named).Nodes[1]))
	servicePretty(term, cluster.ServiceSpec{Name: named, Image: named, Labels: map[string]string{named: named}})
	info(term, snap, named)
	serviceLogs(term, cluster.Snapshot{Tasks: []*cluster.Task{{ID: "t1", Service: named, Slot: 1, Node: named, Image: named, Started: 1000, Ended: 2000, Reason: named}}}, named)
	tr := Transcript{W: term, St: st}
	tr.Drill(name + ".drill")
	tr.Step(0, "kill "+name)
	tr.Events([]cluster.Event{{Kind: cluster.EventKill, Node: name, Detail: name + " killed"}})
	return picture, b.String()
}

// FuzzTextRenderers feeds any name to the text renderers: the terminal
// gets no control byte but line feeds and tabs (and, with colour, the
// colour codes swarmsim writes), and a name adds no line.
func FuzzTextRenderers(f *testing.F) {
	for _, s := range []string{"m2", "w1\x1b]0;pwned\x07\x1b[2J\r\nVerdict: quorum holds", "\x9b31m", "a\u202eb", "\xff\xfe", "tab\there", "<script>"} {
		f.Add(s)
	}
	_, clean := render("m2", false)
	lines := strings.Count(clean, "\n")
	f.Fuzz(func(t *testing.T, name string) {
		for _, colour := range []bool{false, true} {
			picture, rows := render(name, colour)
			out := picture + rows
			for i := 0; i < len(out); i++ {
				c := out[i]
				if c == 0x1b && colour {
					if n := sgrLen(out[i:]); n > 0 {
						i += n - 1
						continue
					}
				}
				if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
					t.Fatalf("colour %v: control byte %#x in %q", colour, c, out[max(0, i-40):i+1])
				}
			}
			if strings.Contains(out, "\u009b") {
				t.Fatalf("colour %v: a C1 control reached the terminal", colour)
			}
			if got := strings.Count(rows, "\n"); got != lines {
				t.Fatalf("the name made %d lines of %d: %q", got, lines, rows)
			}
		}
	})
}

// sgrLen is the length of the colour sequence s starts with, or 0.
func sgrLen(s string) int {
	if len(s) < 3 || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'm':
			return i + 1
		case c == ';' || c >= '0' && c <= '9':
		default:
			return 0
		}
	}
	return 0
}
