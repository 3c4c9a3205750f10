package browser

import (
	"os"
	"os/exec"
	"testing"
)

// Need finds a program a test needs on PATH. Outside CI a missing program
// skips the test with a message; with CI=true it fails the test, so that
// CI cannot pass by skipping what it was meant to check.
func Need(tb testing.TB, program string) string {
	tb.Helper()
	path, err := exec.LookPath(program)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s is not installed, and CI=true: this test must run (.ci/run installs it): %v", program, err)
	}
	tb.Skipf("%s is not installed; install it to run this test (CI fails instead of skipping)", program)
	return ""
}
