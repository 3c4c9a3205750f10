package runbook

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/golden"
	"github.com/swarmsim/swarmsim/internal/needtool"
)

var update = flag.Bool("update", false, "rewrite the golden runbooks under testdata/")

func parse(t *testing.T, file string) *drill.Script {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s, err := drill.Parse(file, src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func write(t *testing.T, file string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, parse(t, file), filepath.Dir(file)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Every example drill, and a drill with every kind of step, makes a
// runbook that bash parses and shellcheck passes without a single finding.
func TestRunbooksPassBashAndShellcheck(t *testing.T) {
	checker := needtool.Path(t, "shellcheck") // skipped without it on a developer's machine; under CI it fails
	files, _ := filepath.Glob("../../examples/*.drill")
	if len(files) < 10 {
		t.Fatalf("found %d examples; expected the whole set", len(files))
	}
	files = append(files, "testdata/everything.drill")
	dir := t.TempDir()
	var scripts []string
	for _, f := range files {
		path := filepath.Join(dir, strings.TrimSuffix(filepath.Base(f), ".drill")+".sh")
		if err := os.WriteFile(path, []byte(write(t, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", f, err, out)
		}
		scripts = append(scripts, path)
	}
	// Two shellcheck runs, side by side over halves of the scripts, keep
	// the test quick on two cores.
	half := len(scripts) / 2
	errs := make(chan string, 2)
	for _, part := range [][]string{scripts[:half], scripts[half:]} {
		go func() {
			out, err := exec.Command(checker, part...).CombinedOutput()
			if err != nil {
				errs <- fmt.Sprintf("shellcheck: %v\n%s", err, out)
				return
			}
			errs <- ""
		}()
	}
	for range 2 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

func TestRunbookGolden(t *testing.T) {
	for _, f := range []string{"../../examples/zone-loss-5.drill", "../../examples/force-new-cluster.drill", "testdata/everything.drill"} {
		// The prelude is the same in every runbook and checked by the tests
		// that run it; the goldens hold what each drill makes of it.
		got := strings.Replace(write(t, f), prelude, "# [the prelude: prelude.go]\n", 1)
		golden.Check(t, filepath.Join("testdata", strings.TrimSuffix(filepath.Base(f), ".drill")+".sh"), got, *update)
	}
}

func TestRunbookRefusesASwarmItCannotBuild(t *testing.T) {
	s, err := drill.Parse("bad.drill", []byte("cluster from=missing.json\nwait 1s\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = Write(&bytes.Buffer{}, s, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "bad.drill:1: from=missing.json") || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %v; want one line naming the file, line and from=", err)
	}
}

// fakeDocker stands in for the docker CLI on a lab: it answers the
// runbook's reads from files describing the swarm and logs every call,
// one word per field, so a test sees exactly what the runbook sent.
const fakeDocker = `#!/usr/bin/env bash
set -euo pipefail
host=""
if [[ ${1:-} == -H ]]; then host=${2#ssh://}; shift 2; fi
if grep -qx "$host" "$FAKE/dead" 2>/dev/null; then
  echo "error during connect: ssh: connect to host $host port 22: Connection refused" >&2
  exit 1
fi
{ printf '%s' "$host"; printf '|%s' "$@"; printf '\n'; } >> "$FAKE/log"
format="" role=""
words=()
while (($#)); do
  case $1 in
    --format) format=$2; shift 2 ;;
    --filter) [[ $2 == role=* ]] && role=${2#role=}; shift 2 ;;
    --no-trunc) shift ;;
    *) words+=("$1"); shift ;;
  esac
done
noleader="Error response from daemon: rpc error: code = Unknown desc = The swarm does not have a leader."
case "${words[0]} ${words[1]}" in
  "node ls")
    [[ -f $FAKE/noleader ]] && { echo "$noleader" >&2; exit 1; }
    while read -r name r status avail mstatus; do
      [[ -z $role || $r == "$role" ]] || continue
      [[ $mstatus == - ]] && mstatus=""
      out=${format//'{{.Hostname}}'/$name}
      out=${out//'{{.Status}}'/$status}
      out=${out//'{{.Availability}}'/$avail}
      printf '%s\n' "${out//'{{.ManagerStatus}}'/$mstatus}"
    done < "$FAKE/nodes" ;;
  "service ls")
    while read -r name replicas; do
      out=${format//'{{.Name}}'/$name}
      printf '%s\n' "${out//'{{.Replicas}}'/$replicas}"
    done < "$FAKE/services" ;;
  "service ps")
    while read -r service node state error; do
      [[ $service == "${words[2]}" ]] || continue
      out=${format//'{{.Node}}'/$node}
      out=${out//'{{.CurrentState}}'/$state}
      printf '%s\n' "${out//'{{.Error}}'/$error}"
    done < "$FAKE/tasks" ;;
  *)
    if [[ -f "$FAKE/fail-${words[1]}" ]]; then cat "$FAKE/fail-${words[1]}" >&2; exit 1; fi
    echo "done" ;;
esac
`

const labDrill = `cluster managers=3 az=1-1-1 workers=1
docker service create --name web --replicas 2 --constraint "node.role != manager" nginx
expect service web running 2 spread a=1 b=1
expect quorum holds
expect leader in a
expect node w1 ready
kill m1
wait 10s
expect task pending web "no suitable node"
expect error "does not have a leader": docker service scale web=3
`

// lab is a fake swarm for the runbook of labDrill: m1 leads in zone a,
// web runs on w1 (zone a) and m2 (zone b), a third task is pending, and
// scaling fails for want of a leader.
type fakeLab map[string]string

func healthyLab() fakeLab {
	return fakeLab{
		"nodes":      "m1 manager Ready Active Leader\nm2 manager Ready Active Reachable\nm3 manager Ready Active Reachable\nw1 worker Ready Active -\n",
		"services":   "web 2/2\n",
		"tasks":      "web w1 Running -\nweb m2 Running -\nweb - Pending no suitable node (scheduling constraints not satisfied on 3 nodes)\n",
		"fail-scale": "Error response from daemon: rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online.\n",
	}
}

// runLab runs the runbook of labDrill against a fake lab, with a fake
// docker and sleep on the PATH, pressing Enter at every manual step.
func runLab(t *testing.T, lab fakeLab) (stdout, stderr, log string, code int) {
	t.Helper()
	dir := t.TempDir()
	bin, fake := filepath.Join(dir, "bin"), filepath.Join(dir, "lab")
	for _, d := range []string{bin, fake} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{filepath.Join(bin, "docker"): fakeDocker, filepath.Join(bin, "sleep"): "#!/bin/sh\nexit 0\n"}
	for name, content := range lab {
		files[filepath.Join(fake, name)] = content
	}
	for path, content := range files {
		if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s, err := drill.Parse("lab.drill", []byte(labDrill))
	if err != nil {
		t.Fatal(err)
	}
	var script bytes.Buffer
	if err := Write(&script, s, dir); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "FAKE="+fake, "CHECK_WITHIN=0")
	cmd.Stdin = strings.NewReader(strings.Repeat("\n", 10))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	logged, _ := os.ReadFile(filepath.Join(fake, "log"))
	return out.String(), errOut.String(), string(logged), code
}

func TestRunbookOnAFakeLab(t *testing.T) {
	t.Run("every expectation holds", func(t *testing.T) {
		out, stderr, log, code := runLab(t, healthyLab())
		if code != 0 {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
		}
		for _, want := range []string{
			"ok: a lab of 3 managers and 1 worker (3 managers and 1 workers)",
			"ok: service web running 2 spread a=1 b=1 (web: 2 running, 1 in zone a, 1 in zone b)",
			"ok: quorum holds (3 of 3 managers reachable)",
			"ok: a leader in zone a (m1 leads, in zone a)",
			"ok: node w1 ready (w1 Ready Active)",
			"######## MANUAL STEP, line 7: kill m1\n# Make it happen now, from another terminal:\n#   ssh m1 sudo systemctl stop docker.socket docker.service\n",
			"ok: task pending web \"no suitable node\" (Pending no suitable node (scheduling constraints not satisfied on 3 nodes))",
			"ok: failed as expected: The swarm does not have a leader.",
			"ran to the end: every expectation held",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the runbook's output lacks %q:\n%s", want, out)
			}
		}
		// The docker command went as written, detached, to the first manager;
		// the scale that found no leader was tried on every manager.
		if !strings.Contains(log, "m1|service|create|--detach|--name|web|--replicas|2|--constraint|node.role != manager|nginx\n") {
			t.Errorf("service create was not sent as written:\n%s", log)
		}
		for _, m := range []string{"m1", "m2", "m3"} {
			if !strings.Contains(log, m+"|service|scale|--detach|web=3\n") {
				t.Errorf("scale was not tried on %s:\n%s", m, log)
			}
		}
	})

	t.Run("a dead manager is skipped", func(t *testing.T) {
		lab := healthyLab()
		lab["dead"] = "m1\n"
		out, stderr, log, code := runLab(t, lab)
		if code != 0 || !strings.Contains(log, "m2|service|create|") || strings.Contains(log, "m1|") {
			t.Errorf("exit %d; log:\n%s\nstdout:\n%s\nstderr:\n%s", code, log, out, stderr)
		}
	})

	t.Run("a short service stops the runbook at its line", func(t *testing.T) {
		lab := healthyLab()
		lab["services"] = "web 1/2\n"
		out, stderr, _, code := runLab(t, lab)
		if code != 1 || !strings.Contains(stderr, "FAILED line 3: expected service web running 2 spread a=1 b=1\n  seen: web: 1 running\n") || strings.Contains(out, "quorum holds") {
			t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
		}
	})

	t.Run("a wrong spread stops it", func(t *testing.T) {
		lab := healthyLab()
		lab["tasks"] = "web w1 Running -\nweb m1 Running -\n"
		_, stderr, _, code := runLab(t, lab)
		if code != 1 || !strings.Contains(stderr, "seen: web: 2 running, 2 in zone a\n") {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
	})

	t.Run("no leader stops it", func(t *testing.T) {
		lab := healthyLab()
		lab["noleader"] = ""
		_, stderr, _, code := runLab(t, lab)
		if code != 1 || stderr != "FAILED line 1: expected a lab of 3 managers and 1 worker\n  seen: docker node ls: The swarm does not have a leader.\n" {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
	})

	t.Run("a command that should fail but succeeds stops it", func(t *testing.T) {
		lab := healthyLab()
		delete(lab, "fail-scale")
		_, stderr, _, code := runLab(t, lab)
		if code != 1 || !strings.Contains(stderr, `FAILED line 10: expected "docker service scale web=3" to fail with "does not have a leader", but it succeeded`) {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
	})
}

// A cluster line's autolock=true is docker swarm init --autolock: the lab,
// already initialized, turns autolock on before the drill's first step, or
// a lab fails at `expect node m3 locked`.
func TestRunbookKeepsAutolock(t *testing.T) {
	book := write(t, "../../examples/autolock-power-loss.drill")
	on := strings.Index(book, "\ndocker swarm update --autolock=true\n")
	first := strings.Index(book, "\nstep 8 ")
	if on < 0 || first < 0 || on > first {
		t.Errorf("the runbook does not turn autolock on before line 8 (at %d, line 8 at %d):\n%s", on, first, book)
	}
	if plain := write(t, "../../examples/zone-loss-5.drill"); strings.Contains(plain, "--autolock") {
		t.Error("a drill without autolock=true turns autolock on")
	}
}
