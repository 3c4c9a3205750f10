package drill

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// docSample is the complete drill in the package manual, so that the
// manual's example is parsed, formatted and fuzzed like any other drill.
func docSample(t testing.TB) string {
	t.Helper()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	in := false
	for _, line := range strings.Split(string(doc), "\n") {
		switch {
		case line == "// # A complete drill":
			in = true
		case in && strings.HasPrefix(line, "// # "):
			return b.String()
		case in && strings.HasPrefix(line, "//\t"):
			b.WriteString(strings.TrimPrefix(line, "//\t") + "\n")
		case in && line == "//" && b.Len() > 0:
			b.WriteString("\n")
		}
	}
	t.Fatal("doc.go has no complete drill")
	return ""
}

func TestDocSampleIsCanonical(t *testing.T) {
	src := strings.TrimRight(docSample(t), "\n") + "\n"
	s, err := Parse("doc.drill", []byte(src))
	if err != nil {
		t.Fatal(err.(*Error).Caret())
	}
	if len(s.Steps) != 22 {
		t.Errorf("the sample has %d steps, want 22", len(s.Steps))
	}
	if got := string(Format(s)); got != src {
		t.Errorf("the manual's sample is not in canonical form\n got:\n%s\nwant:\n%s", got, src)
	}
}

func TestCommentsAndBlankLines(t *testing.T) {
	src := "\ufeff# header\r\n" +
		"\r\n" +
		"  cluster managers=3   # three\r\n" +
		"\t\r\n" +
		"kill m1#glued\n" +
		`expect task pending web "a # b"  # real` + "\n" +
		"   # indented\n"
	s, err := Parse("c.drill", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	wantSteps := []Step{
		{Pos: Pos{3, 3}, Source: "cluster managers=3", Cmd: Cluster{Managers: 3}},
		{Pos: Pos{5, 1}, Source: "kill m1", Cmd: Kill{Nodes: []string{"m1"}}},
		{Pos: Pos{6, 1}, Source: `expect task pending web "a # b"`, Cmd: ExpectTaskPending{Service: "web", Reason: "a # b"}},
	}
	if !reflect.DeepEqual(s.Steps, wantSteps) {
		t.Errorf("steps\n got %#v\nwant %#v", s.Steps, wantSteps)
	}
	wantComments := []Comment{
		{Pos: Pos{1, 1}, Text: "# header"},
		{Pos: Pos{3, 24}, Text: "# three"},
		{Pos: Pos{5, 8}, Text: "#glued"},
		{Pos: Pos{6, 34}, Text: "# real"},
		{Pos: Pos{7, 4}, Text: "# indented"},
	}
	if !reflect.DeepEqual(s.Comments, wantComments) {
		t.Errorf("comments\n got %#v\nwant %#v", s.Comments, wantComments)
	}
	if s.File != "c.drill" {
		t.Errorf("File = %q", s.File)
	}
}

func TestFormat(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{
			name: "canonical commands, blank runs collapse, trailing comments align per run",
			src: "# rehearsal\n" +
				"cluster   az=1-1-1  managers=3\n\n\n\n" +
				"kill   az a # one\n" +
				"wait 90s    # two\n" +
				"heal\n" +
				"partition a,b|c   # three\n" +
				"\n" +
				"# the end\n",
			want: "# rehearsal\n" +
				"cluster managers=3 az=1-1-1\n\n" +
				"kill az a   # one\n" +
				"wait 1m30s  # two\n" +
				"heal\n" +
				"partition a b | c  # three\n" +
				"\n" +
				"# the end\n",
		},
		{
			name: "alignment counts runes",
			src:  "cluster managers=1\nkill m1 # é\nexpect error \"é\": kill m2 # x\n",
			want: "cluster managers=1\nkill m1                    # é\nexpect error \"é\": kill m2  # x\n",
		},
		{
			name: "a comment line breaks a run",
			src:  "cluster managers=1 # a\n# own\nheal # b\n",
			want: "cluster managers=1  # a\n# own\nheal  # b\n",
		},
		{
			name: "quotes only where needed",
			src:  `cluster managers=1` + "\n" + `docker service update --constraint-add "node.labels.k == a b" --constraint-add="node.labels.x==\\y" web` + "\n" + `docker node update --label-add "k=v w" --label-add "-a=b" --label-rm "c d" --label-rm "#e" w1`,
			want: `cluster managers=1` + "\n" + `docker service update --constraint-add "node.labels.k==a b" --constraint-add "node.labels.x==\\y" web` + "\n" + `docker node update --label-add "k=v w" --label-add "-a=b" --label-rm "c d" --label-rm "#e" w1` + "\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse("f.drill", []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(Format(s)); got != c.want {
				t.Fatalf("Format\n got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

func TestFormatScriptBuiltInCode(t *testing.T) {
	// A runner or a generator may build a script without positions; it
	// still formats as one command a line, with no comments to place.
	s := &Script{Steps: []Step{{Cmd: Cluster{Managers: 3}}, {Cmd: KillLeader{}}, {Cmd: Wait{Duration: time.Hour}}}}
	if got, want := string(Format(s)), "cluster managers=3\nkill leader\nwait 1h\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestCanonicalString(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"defaults left out", "docker service create --name web --replicas 1 --mode replicated --update-order stop-first --restart-delay 5s nginx", "docker service create --name web nginx"},
		{"global drops replicas", "docker service create --mode global --name agent agent", "docker service create --name agent --mode global agent"},
		{"flags in a fixed order", "docker service create --restart-window 1m --replicas 3 --name web nginx", "docker service create --name web --replicas 3 --restart-window 1m nginx"},
		{"memory in the largest exact unit", "docker service create --name web --reserve-memory 0.5g nginx", "docker service create --name web --reserve-memory 512M nginx"},
		{"memory in bytes when no unit divides", "docker service create --name web --reserve-memory 1025 nginx", "docker service create --name web --reserve-memory 1025 nginx"},
		{"memory kilobytes", "docker service create --name web --reserve-memory 1536kb nginx", "docker service create --name web --reserve-memory 1536K nginx"},
		{"cpu as a decimal", "docker service create --name web --reserve-cpu .250 nginx", "docker service create --name web --reserve-cpu 0.25 nginx"},
		{"cpu whole", "docker service update --reserve-cpu 2.000 web", "docker service update --reserve-cpu 2 web"},
		{"ports in long form", "docker service create --name web -p 8080:80/udp -p 80 nginx", "docker service create --name web --publish published=8080,target=80,protocol=udp --publish target=80 nginx"},
		{"durations", "docker service update --update-delay 3600s --restart-delay 1500ms --restart-window 0 web", "docker service update --update-delay 1h --restart-delay 1.5s --restart-window 0s web"},
		{"constraint spacing", `docker service create --name web --constraint "NODE.ROLE != manager" nginx`, "docker service create --name web --constraint node.role!=manager nginx"},
		{"one manager", "kill 1 managers", "kill 1 manager"},
		{"partition", "partition a,b|c", "partition a b | c"},
		{"within", "wait until quorum within 120s", "wait until quorum within 2m"},
		{"remove alias", "docker node remove -f w1", "docker node rm --force w1"},
		{"force=false is no force", "docker service update --force=false web", "docker service update web"},
		{"empty reason", `expect task pending web ""`, "expect task pending web"},
		{"error text quoted", `expect error "": heal`, `expect error "": heal`},
		{"labels", "docker node update --label-add ssd= w1", "docker node update --label-add ssd w1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd, err := ParseCommand(c.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := cmd.String(); got != c.want {
				t.Fatalf("String()\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestFlagSpellings checks that Docker's different ways of writing the
// same flags give the same command.
func TestFlagSpellings(t *testing.T) {
	groups := []struct {
		name  string
		forms []string
	}{
		{"value after = or blank", []string{
			"docker service create --name web --replicas 6 nginx",
			"docker service create --name=web --replicas=6 nginx",
			`docker service create --name="web" --replicas "6" nginx`,
		}},
		{"publish", []string{
			"docker service create --name web -p 8080:80 nginx",
			"docker service create --name web -p=8080:80 nginx",
			"docker service create --name web -p8080:80 nginx",
			"docker service create --name web --publish 8080:80/tcp nginx",
			"docker service create --name web --publish=published=8080,target=80 nginx",
			"docker service create --name web --publish target=80,published=8080,mode=ingress,protocol=tcp nginx",
		}},
		{"constraint", []string{
			"docker service create --name web --constraint node.role==manager nginx",
			"docker service create --name web --constraint=node.role==manager nginx",
			`docker service create --name web --constraint "node.role == manager" nginx`,
			`docker service create --name web --constraint="node.role == manager" nginx`,
			`docker service create --name web --constraint=" node.role==manager " nginx`,
		}},
		{"boolean", []string{
			"docker service update --force web",
			"docker service update --force=true web",
			"docker service update web --force",
		}},
		{"node rm force", []string{
			"docker node rm --force w3",
			"docker node rm -f w3",
			"docker node rm w3 -f",
			"docker node remove --force=true w3",
		}},
		{"flags after the name", []string{
			"docker node update --availability drain w3",
			"docker node update w3 --availability drain",
			"docker node update w3 --availability=drain",
		}},
		{"memory", []string{
			"docker service update --reserve-memory 512M web",
			"docker service update --reserve-memory 512m web",
			"docker service update --reserve-memory 512MB web",
			"docker service update --reserve-memory 0.5g web",
			"docker service update --reserve-memory 524288k web",
			"docker service update --reserve-memory 536870912 web",
			"docker service update --reserve-memory 536870912b web",
		}},
		{"cpu", []string{
			"docker service update --reserve-cpu 0.5 web",
			"docker service update --reserve-cpu .5 web",
			"docker service update --reserve-cpu 0.500000000000 web",
		}},
		{"partition", []string{
			"partition a | b c",
			"partition a|b c",
			"partition a | b,c",
			"partition a|b,c",
			"partition a |b, c",
		}},
		{"wait", []string{
			"wait 90s",
			"wait 1m30s",
			"wait 1.5m",
			"wait 90000ms",
		}},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			want, err := ParseCommand(g.forms[0])
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range g.forms[1:] {
				got, err := ParseCommand(f)
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s\n gives %#v\n   but %s\n gives %#v", f, got, g.forms[0], want)
				}
			}
		})
	}
}

// TestRoundTrip formats every form, the manual's sample and the checked-in
// examples, and parses the result back to the same commands.
func TestRoundTrip(t *testing.T) {
	scripts := map[string]string{"doc sample": docSample(t)}
	var all strings.Builder
	all.WriteString("cluster managers=3 # every form\n")
	for _, c := range everyForm {
		if _, ok := c.want.(Cluster); !ok {
			all.WriteString(c.src + "\n")
		}
	}
	scripts["every form"] = all.String()
	files, _ := filepath.Glob("../examples/*.drill")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		scripts[f] = string(b)
	}
	for name, src := range scripts {
		t.Run(name, func(t *testing.T) {
			s, err := Parse(name, []byte(src))
			if err != nil {
				t.Fatal(err.(*Error).Caret())
			}
			out := Format(s)
			s2, err := Parse(name, out)
			if err != nil {
				t.Fatalf("formatted script does not parse: %v\n%s", err, out)
			}
			if !reflect.DeepEqual(commands(s2), commands(s)) {
				t.Fatalf("commands changed:\n%s", out)
			}
			if !reflect.DeepEqual(commentTexts(s2), commentTexts(s)) {
				t.Fatalf("comments changed:\n%s", out)
			}
		})
	}
}

func TestParseCommandBlank(t *testing.T) {
	for _, line := range []string{"", "   ", "\t# only a comment", "\n", "\r\n"} {
		cmd, err := ParseCommand(line)
		if cmd != nil || err != nil {
			t.Errorf("ParseCommand(%q) = %v, %v; want nil, nil", line, cmd, err)
		}
	}
	cmd, err := ParseCommand("heal\r\n")
	if err != nil || cmd != (Heal{}) {
		t.Errorf("ParseCommand with a line ending = %v, %v", cmd, err)
	}
}
