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
	cmd := exec.Command(os.Args[0], "live", "--managers", "3", "--record", record)
	cmd.Env = append(os.Environ(), asSwarmsim+"=1", "TERM=xterm-256color", "NO_COLOR=1")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	var scr screen
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			scr.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	if _, err := tty.Write([]byte(":kill leader\r:wait 40s\rq")); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("swarmsim live: %v; the screen showed:\n%s", err, scr.text())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("swarmsim live did not quit on q; the screen showed:\n%s", scr.text())
	}
	scr.waitFor(t, "wrote "+record)

	// The election that followed the kill: a leader in a later term than
	// the first.
	shown := scr.text()
	for _, want := range []string{"kill leader", "leader-lost", "Verdict: quorum holds"} {
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
