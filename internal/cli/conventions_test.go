package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Conventions a newcomer brings from Docker and other CLIs (issue 22,
// item 8), each met through the real entry point.

func TestVersionSpellings(t *testing.T) {
	want, _, _ := runArgs(t, "--version")
	for _, spelling := range []string{"version", "-v", "--version"} {
		out, stderr, code := runArgs(t, spelling)
		if code != exitOK || stderr != "" || out != want || !regexp.MustCompile(`^swarmsim (v\S+|\(devel\))\n$`).MatchString(out) {
			t.Errorf("swarmsim %s: exit %d, stdout %q, stderr %q; want %q", spelling, code, out, stderr, want)
		}
	}
	assertBadInput(t, []string{"version", "x"}, `unexpected argument "x"`)
}

func TestChaosTakesNoColor(t *testing.T) {
	plain, _, code := runArgs(t, "chaos", "--runs", "2", "--jobs", "1", "--for", "5s", "--no-color")
	if code != exitOK || !strings.Contains(plain, "2 runs") {
		t.Errorf("chaos --no-color: exit %d\n%s", code, plain)
	}
}

func TestMistypedCommandSuggestsTheCommand(t *testing.T) {
	assertBadInput(t, []string{"rnu", "x.drill"}, `there is no command "rnu"; did you mean swarmsim run?`)
	assertBadInput(t, []string{"palyground", "-o", "x.html"}, "did you mean swarmsim playground?")
	assertBadInput(t, []string{"chaso"}, "did you mean swarmsim chaos?")
	// A word nowhere near a command keeps the headline's message.
	assertBadInput(t, []string{"zzzzzz"}, `unexpected argument "zzzzzz"`)
}

func TestEmptyServicesFileIsRefused(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "services.json")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	assertBadInput(t, []string{"--services", empty}, "holds no services")
	out, _, code := runInput(t, "cluster managers=3 services="+empty+"\n", "shell", "--no-color")
	if code == exitOK || !strings.Contains(out, "holds no services") {
		t.Errorf("a drill's services= of an empty file: exit %d\n%s", code, out)
	}
}

// A swarm that uses stacks keeps them when imported: docker stack ls lists
// the namespace its services are labelled with.
func TestImportedServicesKeepTheirStack(t *testing.T) {
	file := filepath.Join(t.TempDir(), "services.json")
	svc := func(name string) string {
		return `{"ID": "x` + name + `", "Spec": {"Name": "shop_` + name + `", "Labels": {"com.docker.stack.namespace": "shop"},
		  "TaskTemplate": {"ContainerSpec": {"Image": "nginx:1.27"}}, "Mode": {"Replicated": {"Replicas": 2}}}}`
	}
	if err := os.WriteFile(file, []byte("["+svc("web")+","+svc("db")+"]"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := runInput(t, "cluster managers=3 services="+file+"\nwait 10s\ndocker stack ls\ndocker stack services shop\n", "shell", "--no-color")
	if code != exitOK || !regexp.MustCompile(`(?m)^ +shop +2$`).MatchString(out) || !strings.Contains(out, "shop_web") {
		t.Errorf("exit %d; docker stack ls does not list stack shop with 2 services:\n%s", code, out)
	}
}

// -o - writes the page to stdout, as - means for docker save -o and most
// CLIs, and no file named "-".
func TestPlaygroundToStdout(t *testing.T) {
	stdout, stderr, code := runArgs(t, "playground", "-o", "-", "--managers", "3")
	if code != exitOK || !strings.HasPrefix(strings.ToLower(stdout), "<!doctype html>") || !strings.HasSuffix(strings.TrimSpace(stdout), "</html>") {
		t.Errorf("playground -o -: exit %d, stderr %q, stdout starts %.80q", code, stderr, stdout)
	}
	// The manual gives the page's size as measured, within 0.2 MB as the
	// simulator grows.
	manual, err := os.ReadFile(filepath.Join(root, playgroundManual))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`one HTML file \(about (\d+)\.(\d) MB\)`).FindSubmatch(manual)
	if m == nil {
		t.Errorf("%s does not give the page's size as (about N.N MB)", playgroundManual)
	} else if said, _ := strconv.Atoi(string(m[1]) + string(m[2])); abs(said*100_000-len(stdout)) > 200_000 {
		t.Errorf("%s says the page is about %s.%s MB; it is %d bytes", playgroundManual, m[1], m[2], len(stdout))
	}
	if _, err := os.Stat("-"); err == nil {
		os.Remove("-")
		t.Error(`playground -o - wrote a file named "-"`)
	}
}

// playgroundManual is the page that documents swarmsim playground.
const playgroundManual = "docs/playground.md"

func abs(n int) int { return max(n, -n) }
