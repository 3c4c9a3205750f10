// Package needtool finds an outside program a test needs, such as
// headless Chromium or shellcheck. On a developer's machine without it the
// test is skipped with the command that installs it; under CI (CI set to
// anything but "false") a missing program fails the test instead, because
// .ci/run installs every program the tests need and a skip there would
// hide a check that never ran.
package needtool

import (
	"os"
	"os/exec"
	"testing"
)

// Path returns the path of program, or ends the test: a skip on a
// developer's machine, a failure under CI.
func Path(t testing.TB, program string) string {
	t.Helper()
	path, err := exec.LookPath(program)
	if err == nil {
		return path
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "false" {
		t.Fatalf("%s is not installed, and CI must run this check: .ci/run installs it with apt-get install -y %s", program, program)
		return ""
	}
	t.Skipf("%s is not installed (apt-get install %s); CI installs it and runs this check", program, program)
	return ""
}
