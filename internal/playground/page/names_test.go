package page

import (
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/needtool"
)

// A click on a node or a zone writes the drill line the page's nameWord
// makes of its name; for any imported name it must be the line drill.Format
// writes, which run parses back to the same name. Node runs the page's own
// functions, cut out of page.js.
func TestClickNamesAreDrillNames(t *testing.T) {
	nodeCmd := needtool.Path(t, "node")
	var fns []string
	for _, name := range []string{"quoted", "nameWord"} {
		m := regexp.MustCompile(`(?m)^  const ` + name + ` = .*(\n    .*)*;$`).FindString(pageJS)
		if m == "" {
			t.Fatalf("page.js has no %s", name)
		}
		fns = append(fns, m)
	}
	names := []string{"m1", "w1.eu-west", "2w", "web 1", "m2'; touch PWNED; echo '", `a"b\c`, "w1\x1b]0;pwned\x07\r\nVerdict: quorum holds", "leader-1", "é", "\x7f"}
	in, _ := json.Marshal(names)
	prog := strings.Join(fns, "\n") + "\nconsole.log(JSON.stringify(" + string(in) + ".map((n) => nameWord(n))));\n"
	out, err := exec.Command(nodeCmd, "-e", prog).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v: %s", err, out)
	}
	var words []string
	if err := json.Unmarshal(out, &words); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for i, name := range names {
		line := "kill " + words[i]
		if want := (drill.Kill{Nodes: []string{name}}).String(); line != want {
			t.Errorf("the click on %q writes %q; drill.Format writes %q", name, line, want)
		}
		cmd, err := drill.ParseCommand(line)
		if k, ok := cmd.(drill.Kill); err != nil || !ok || len(k.Nodes) != 1 || k.Nodes[0] != name {
			t.Errorf("%q does not parse back to %q: %#v %v", line, name, cmd, err)
		}
	}
}
