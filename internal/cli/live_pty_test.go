//go:build linux || darwin

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// screen collects what a program writes to its terminal.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// text is what was written, without escape sequences.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return escapes.ReplaceAllString(s.buf.String(), "")
}

var escapes = regexp.MustCompile(`\x1b(\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[()][0-9A-Za-z]|[=>78DEHMc])`)

func (s *screen) raw() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// colour is a select graphic rendition that sets a colour.
var colour = regexp.MustCompile(`\x1b\[([0-9]*;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9]*)*m`)

// typeInto runs swarmsim with args under a pseudo-terminal of 100 × 40,
// types keys at once, and waits for it to exit 0. What it drew is
// returned.
func typeInto(t *testing.T, keys, env string, args ...string) *screen {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	// A speaker's terminal: CI is left out, since the colour detection
	// of Bubble Tea's libraries reads CI=true (as .ci/run sets it) as a
	// terminal without colour.
	var environ []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CI=") {
			environ = append(environ, kv)
		}
	}
	cmd.Env = append(environ, asSwarmsim+"=1", "TERM=xterm-256color", "NO_COLOR=", env)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 100})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	scr := &screen{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			scr.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	if _, err := tty.Write([]byte(keys)); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("swarmsim %s: %v; the screen showed:\n%s", strings.Join(args, " "), err, scr.text())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("swarmsim %s did not quit on q; the screen showed:\n%s", strings.Join(args, " "), scr.text())
	}
	return scr
}

// TestLiveStack: a stack is deployed once the swarm settled, with the
// drill recorded elsewhere naming the compose file from there; it replays.
func TestLiveStack(t *testing.T) {
	record := filepath.Join(t.TempDir(), "talk.drill")
	stack, err := filepath.Abs(filepath.Join(root, "examples", "stacks", "shop.yml"))
	if err != nil {
		t.Fatal(err)
	}
	scr := typeInto(t, "q", "NO_COLOR=1", "live", "--az", "2-2-1", "--workers", "3", "--stack", stack, "--kill", "1", "--record", record)
	scr.waitFor(t, "wrote "+record)
	drill, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\ndocker stack deploy --compose-file ../", "/examples/stacks/shop.yml shop\nwait 10s\nkill 1 manager\n", "expect service shop_"} {
		if !strings.Contains(string(drill), want) {
			t.Errorf("the drill has no %q:\n%s", want, drill)
		}
	}
	if strings.Contains(string(drill), "--name web") {
		t.Errorf("a stack replaces the default services, and the drill creates them:\n%s", drill)
	}
	stdout, stderr, code := runArgs(t, "run", record)
	if code != exitOK {
		t.Errorf("swarmsim run %s: exit %d, want 0\n%s%s\nthe drill:\n%s", record, code, stdout, stderr, drill)
	}
}

// TestLiveFrom: a swarm imported from docker node inspect output is
// recorded with the file beside the drill, as swarmsim run looks for it.
func TestLiveFrom(t *testing.T) {
	dir := t.TempDir()
	record := filepath.Join(dir, "talk.drill")
	nodes := filepath.Join(root, "inspect", "testdata", "nodes.json")
	scr := typeInto(t, ":kill az eu-west-1a\rq", "NO_COLOR=1", "live", "--from", nodes, "--record", record)
	scr.waitFor(t, "wrote "+record)
	want, err := os.ReadFile(nodes)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "nodes.json")); err != nil || string(got) != string(want) {
		t.Fatalf("nodes.json beside the drill: %v; the same as %s: %v", err, nodes, string(got) == string(want))
	}
	drill, err := os.ReadFile(record)
	if err != nil || !strings.Contains(string(drill), "\ncluster from=nodes.json seed=1\n") || !strings.Contains(string(drill), "\nkill az eu-west-1a\n") {
		t.Errorf("the drill (%v) lacks the cluster line or the kill:\n%s", err, drill)
	}
	if stdout, stderr, code := runArgs(t, "run", record); code != exitOK {
		t.Errorf("swarmsim run %s: exit %d, want 0\n%s%s\nthe drill:\n%s", record, code, stdout, stderr, drill)
	}
}

// TestLiveColour: without NO_COLOR, on a terminal that shows colour, the
// leader and the verdict are in colour; the same session under NO_COLOR
// has none (TestLiveUnderTerminal).
func TestLiveColour(t *testing.T) {
	scr := typeInto(t, "q", "COLORTERM=truecolor", "live", "--managers", "3")
	scr.waitFor(t, "Verdict: quorum holds")
	if !colour.MatchString(scr.raw()) {
		t.Errorf("no colour on a colour terminal: %q", scr.raw())
	}
}

// waitFor waits until the screen shows want, or fails after a deadline
// long enough for a loaded machine.
func (s *screen) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(s.text(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %q; it showed:\n%s", want, s.text())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLiveUnderTerminal is the speaker's session: under a pseudo-terminal,
// :kill leader, :wait 40s and q typed ahead, without waiting for the
// screen between them; the drill recorded on quit holds the kill and
// replays with exit 0, and the screen showed the election that followed.
func TestLiveUnderTerminal(t *testing.T) {
	record := filepath.Join(t.TempDir(), "talk.drill")
	scr := typeInto(t, ":kill leader\r:wait 40s\rq", "NO_COLOR=1", "live", "--managers", "3", "--record", record)
	scr.waitFor(t, "wrote "+record)
	if colour.MatchString(scr.raw()) {
		t.Errorf("NO_COLOR is set, and the screen has colour: %q", colour.FindString(scr.raw()))
	}

	// The election that followed the kill: a leader in a later term than
	// the first.
	shown := scr.text()
	// 40 s after the kill the new leader still gives the dead node the
	// unknown grace (2 x 15 s from its election), so its tasks are not
	// yet replaced: quorum holds, the services are degraded. The kill is
	// read off the timeline, not the status line: keys typed ahead may run
	// :kill leader and :wait 40s between two frames, and the status line
	// then only ever shows the wait.
	for _, want := range []string{"killed (manager", "leader-lost", "Verdict: degraded: quorum 2 of 3, 2 alive"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the screen never showed %q; it showed:\n%s", want, shown)
		}
	}
	if !regexp.MustCompile(`elected leader in term [2-9]`).MatchString(shown) {
		t.Errorf("the screen never showed a new leader elected after the kill; it showed:\n%s", shown)
	}

	drill, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^kill leader$`).Match(drill) {
		t.Errorf("the recorded drill has no kill leader line:\n%s", drill)
	}
	stdout, stderr, code := runArgs(t, "run", record)
	if code != exitOK {
		t.Errorf("swarmsim run %s: exit %d, want 0\n%s%s\nthe drill:\n%s", record, code, stdout, stderr, drill)
	}
}
