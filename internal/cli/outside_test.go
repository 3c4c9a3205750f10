package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// These tests meet issue 22's fixes as a user does: the swarmsim binary,
// built from main, run as a process with its exit status, stdin, stdout
// and stderr.

// swarmsimBinary builds main into a temporary directory of t.
func swarmsimBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "swarmsim")
	if out, err := exec.Command("go", "build", "-o", bin, root).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// as runs the binary like a shell would.
func as(t *testing.T, bin, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

func TestAsAUserMeetsIt(t *testing.T) {
	bin := swarmsimBinary(t)
	t.Run("version, as Docker spells it", func(t *testing.T) {
		for _, v := range []string{"version", "-v", "--version"} {
			if out, _, code := as(t, bin, "", v); code != 0 || !strings.HasPrefix(out, "swarmsim ") {
				t.Errorf("swarmsim %s: exit %d, %q", v, code, out)
			}
		}
	})
	t.Run("a typo of a command", func(t *testing.T) {
		if _, stderr, code := as(t, bin, "", "rnu", "x.drill"); code != 1 || !strings.Contains(stderr, "did you mean swarmsim run?") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("a piped session whose every line fails", func(t *testing.T) {
		if _, _, code := as(t, bin, "kill m1\nwait 1s\n", "shell", "--no-color"); code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
	})
	t.Run("kill 0 in a loop", func(t *testing.T) {
		for _, k := range []string{"0", "1", "2"} {
			if _, stderr, code := as(t, bin, "", "--managers", "5", "--kill", k, "--no-color"); code != 0 {
				t.Errorf("--kill %s: exit %d, %s", k, code, stderr)
			}
		}
	})
	t.Run("the plan a verdict suggests", func(t *testing.T) {
		out, _, _ := as(t, bin, "", "--managers", "30", "--for", "5s", "--no-color")
		m := regexp.MustCompile(`: swarmsim (plan [^\n]*)`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no plan suggested:\n%s", out)
		}
		if _, stderr, code := as(t, bin, "", strings.Fields(m[1])...); code != 0 {
			t.Errorf("swarmsim %s: exit %d, %s", m[1], code, stderr)
		}
	})
	t.Run("a recorded shell session replays", func(t *testing.T) {
		session := "cluster managers=3 seed=2\ndocker service create --name web --replicas 3 nginx\nwait 10s\ndocker node ls -q\ndocker service ps web\ndocker info\nexpect service web running 3\n"
		shellOut, _, code := as(t, bin, session, "shell", "--no-color")
		if code != 0 {
			t.Fatalf("shell: exit %d\n%s", code, shellOut)
		}
		file := filepath.Join(t.TempDir(), "session.drill")
		if err := os.WriteFile(file, []byte(session), 0o644); err != nil {
			t.Fatal(err)
		}
		out, stderr, code := as(t, bin, "", "run", "--no-color", file)
		if code != 0 || !strings.Contains(out, "Election Tick: 10") {
			t.Errorf("swarmsim run of the session: exit %d, %s\n%s", code, stderr, out)
		}
	})
	t.Run("seeds survive jq", func(t *testing.T) {
		out, _, _ := as(t, bin, "", "chaos", "--runs", "2", "--jobs", "1", "--for", "5s", "--seed", bigSeed, "--output", "json")
		if !strings.Contains(out, `"seed": "`+bigSeed+`"`) {
			t.Errorf("the seed is not a string:\n%s", out)
		}
	})
}
