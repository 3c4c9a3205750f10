package scheduler

import (
	"strings"
	"testing"
)

func TestParseConstraint(t *testing.T) {
	tests := []struct {
		in   string
		want Constraint
	}{
		{"node.role==manager", Constraint{"node.role", "manager", true}},
		{"node.labels.zone != a", Constraint{"node.labels.zone", "a", false}},
		{"  node.hostname==w1  ", Constraint{"node.hostname", "w1", true}},
		{"NODE.ID==abc", Constraint{"node.id", "abc", true}},
		{"node.platform.os==linux", Constraint{"node.platform.os", "linux", true}},
		{"node.platform.arch!=arm64", Constraint{"node.platform.arch", "arm64", false}},
		{"Node.Labels.Zone==a", Constraint{"node.labels.Zone", "a", true}}, // label names keep their case
		{"engine.labels.storage==ssd", Constraint{"engine.labels.storage", "ssd", true}},
		{"node.labels.com.example.tier==front-end_1", Constraint{"node.labels.com.example.tier", "front-end_1", true}},
		{"node.labels.os==Ubuntu 22.04", Constraint{"node.labels.os", "Ubuntu 22.04", true}},
		{`node.labels.path==/srv/(a|b)*`, Constraint{"node.labels.path", `/srv/(a|b)*`, true}},
	}
	for _, tt := range tests {
		got, err := ParseConstraint(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseConstraint(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			continue
		}
		if again, err := ParseConstraint(got.String()); err != nil || again != got {
			t.Errorf("ParseConstraint(%q).String() = %q does not parse back: %+v, %v", tt.in, got.String(), again, err)
		}
	}
}

func TestParseConstraintErrors(t *testing.T) {
	tests := []struct {
		name, in, mention string
	}{
		{"no operator", "node.role=manager", "has no == or !="},
		{"empty", "", "has no == or !="},
		{"no key", "==manager", "has no key before =="},
		{"no value", "node.role !=  ", "has no value after !="},
		{"unknown key", "node.zone==a", `constraint key "node.zone" is not one a node has`},
		{"node.ip is not simulated", "node.ip==10.0.0.1", "is not one a node has"},
		{"label prefix alone", "node.labels.==a", "is not one a node has"},
		{"space in a label name", "node.labels.my zone==a", `label name "my zone"`},
		{"operator in the value", "node.role==manager==worker", `constraint value "manager==worker" may only use`},
		{"second operator", "node.role==a!=b", "may only use"},
		{"comparison the parser does not know", "node.labels.cpu==>4", "may only use"},
		{"non-ASCII value", "node.labels.zone==zürich", "may only use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConstraint(tt.in)
			if err == nil {
				t.Fatalf("ParseConstraint(%q) = %+v, want an error", tt.in, c)
			}
			msg := err.Error()
			checkSentence(t, msg)
			if !strings.Contains(msg, tt.mention) {
				t.Errorf("error %q does not say %q", msg, tt.mention)
			}
			if !strings.Contains(msg, "like node.labels.zone==a") {
				t.Errorf("error %q does not show how to write a constraint", msg)
			}
		})
	}
}

func TestConstraintMatch(t *testing.T) {
	n := node("abc", manager, label("zone", "a"), label("Disk", "SSD"))
	n.Hostname = "m1.example"
	n.OS, n.Arch = "linux", "arm64"
	n.EngineLabels = map[string]string{"storage": "nvme"}
	tests := []struct {
		c    string
		want bool
	}{
		{"node.id==abc", true},
		{"node.id==ab", false},
		{"node.hostname==M1.EXAMPLE", true}, // values compare without case
		{"node.hostname!=m1.example", false},
		{"node.role==manager", true},
		{"node.role==Manager", true},
		{"node.role!=worker", true},
		{"node.platform.os==linux", true},
		{"node.platform.arch==amd64", false},
		{"node.labels.zone==a", true},
		{"node.labels.zone!=a", false},
		{"node.labels.zone==b", false},
		{"node.labels.Disk==ssd", true},
		{"node.labels.disk==ssd", false}, // label names keep their case: "disk" is missing
		{"node.labels.rack==r1", false},  // a missing label never equals…
		{"node.labels.rack!=r1", true},   // …and always differs
		{"engine.labels.storage==NVMe", true},
		{"engine.labels.zone==a", false}, // node and engine labels are apart
		{"engine.labels.zone!=a", true},
	}
	for _, tt := range tests {
		c, err := ParseConstraint(tt.c)
		if err != nil {
			t.Fatalf("ParseConstraint(%q): %v", tt.c, err)
		}
		if got := c.Match(n); got != tt.want {
			t.Errorf("%s on %s: Match = %v, want %v", tt.c, n.ID, got, tt.want)
		}
	}

	// Constraints built by hand rather than parsed: an unknown key matches
	// no node whichever the operator, and an empty value still does not
	// equal a missing label.
	for _, c := range []Constraint{
		{Key: "node.ip", Value: "10.0.0.1", Equal: true},
		{Key: "node.ip", Value: "10.0.0.1", Equal: false},
		{Key: "node.labels.rack", Value: "", Equal: true},
	} {
		if c.Match(n) {
			t.Errorf("%s matched, want no match", c)
		}
	}
}

// FuzzParseConstraint: no input panics, and whatever parses comes back
// unchanged through String.
func FuzzParseConstraint(f *testing.F) {
	for _, s := range []string{
		"node.role==manager", "node.labels.zone != a", "engine.labels.x==y z", "NODE.ID==1",
		"node.labels.==a", "==", "!=", "a==b!=c", "node.role===x", "node.labels.a\t==\tb\n",
		"node.platform.os==linux", "node.hostname!=w1", "\x00==\xff", "node.labels.é==a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConstraint(s)
		if err != nil {
			if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") && !strings.Contains(s, "\n") {
				t.Fatalf("ParseConstraint(%q): error %q is not one line", s, msg)
			}
			return
		}
		again, err := ParseConstraint(c.String())
		if err != nil || again != c {
			t.Fatalf("ParseConstraint(%q) = %+v; its String %q parses to %+v, %v", s, c, c.String(), again, err)
		}
		if c.Value == "" || c.Key == "" {
			t.Fatalf("ParseConstraint(%q) = %+v with an empty part", s, c)
		}
		c.Match(Node{}) // must not panic on a node with nothing set
	})
}

// checkSentence holds errors to the house style (see az): one line, one
// sentence the caller can prefix, no capital and no full stop.
func checkSentence(t *testing.T, msg string) {
	t.Helper()
	if msg == "" || strings.ContainsAny(msg, "\n") || strings.HasSuffix(msg, ".") || strings.Contains(msg, ". ") {
		t.Errorf("error %q is not one line with one sentence", msg)
	}
	if strings.Contains(msg, "--") || strings.Contains(msg, "flag") {
		t.Errorf("error %q names a flag", msg)
	}
	if first := msg[0]; first >= 'A' && first <= 'Z' {
		t.Errorf("error %q starts with a capital, but callers prefix it", msg)
	}
}
