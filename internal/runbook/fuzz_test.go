package runbook

import (
	"bytes"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/drill"
)

// functions are the prelude's functions, found in its text.
var functions = regexp.MustCompile(`(?m)^([a-z_]+)\(\) \{`)

// FuzzRunbook writes the runbook of a drill whose file and node carry any
// name, and asks bash two things: the script parses (bash -n), and run
// with the prelude's functions stubbed and nothing on PATH, it runs no
// command that is not its own: any other reaches command_not_found_handle,
// which names it.
func FuzzRunbook(f *testing.F) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		f.Fatal("bash checks the runbooks: ", err)
	}
	for _, s := range []string{"m1", "m2'; touch PWNED; echo '", "$(touch PWNED)", "`touch PWNED`", "a\nb", "\x1b]0;t\x07", "-rf", "x\\'y", "\xff", "a]=x; touch PWNED #", "[0]"} {
		f.Add(s, s+".drill")
	}
	var stubs strings.Builder
	for _, m := range functions.FindAllStringSubmatch(prelude, -1) {
		stubs.WriteString(m[1] + "() { :; }\n")
	}
	stubs.WriteString("command_not_found_handle() { printf 'FOREIGN %s\\n' \"$1\" >&2; return 127; }\n")
	f.Fuzz(func(t *testing.T, node, file string) {
		src := "cluster managers=3\n" + drill.Kill{Nodes: []string{node}}.String() + "\n" +
			drill.Restart{Nodes: []string{node}}.String() + "\nwait 5s\n" +
			drill.ExpectNode{Node: node, State: drill.NodeDown}.String() + "\nexpect quorum holds\n"
		s, err := drill.Parse(file, []byte(src))
		if err != nil {
			return // a name the drill cannot hold: nothing to write
		}
		var b bytes.Buffer
		if err := Write(&b, s, ""); err != nil {
			return
		}
		script := b.String()
		if i := strings.IndexFunc(script, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }); i >= 0 {
			t.Fatalf("the runbook holds a control byte at %d: %q", i, script[max(0, i-40):i+1])
		}
		check := exec.Command(bash, "-n")
		check.Stdin = strings.NewReader(script)
		if out, err := check.CombinedOutput(); err != nil {
			t.Fatalf("bash -n: %v: %s\n%s", err, out, script)
		}
		if strings.Count(script, prelude) != 1 {
			t.Fatal("the runbook does not hold its prelude once")
		}
		run := exec.Command(bash)
		run.Stdin = strings.NewReader(strings.Replace(script, prelude, prelude+stubs.String(), 1)) // the stubs replace the functions
		run.Env = []string{"PATH=/nonexistent"}
		run.Dir = t.TempDir()
		out, err := run.CombinedOutput()
		if bytes.Contains(out, []byte("FOREIGN")) || err != nil {
			t.Fatalf("the runbook ran a command not its own (%v): %s", err, out)
		}
	})
}
