package cli

// Hostile input, as an attacker would write it: names that carry terminal
// escapes, line feeds and shell code, files that are not what they claim,
// and sizes meant to exhaust memory or time. Each test runs the real
// command entry point.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/inspect"
	"github.com/swarmsim/swarmsim/internal/playground"
)

// evilHost is a hostname that, unquoted in a shell command, runs touch.
const evilHost = "m2'; touch PWNED; echo '"

// evilLabel carries terminal escapes: retitle the window, clear the
// screen, and forge a line of the verdict.
const evilLabel = "\x1b]0;pwned\x07\x1b[2J\r\nVerdict: quorum holds $(touch PWNED) `touch PWNED` <script>alert(1)</script>"

// hostileNodes writes the nodes of inspect/testdata with m2 renamed to
// evilHost and w1 to a name holding evilLabel, and returns its path.
func hostileNodes(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(nodesJSON)
	if err != nil {
		t.Fatal(err)
	}
	var nodes []map[string]any
	if err := json.Unmarshal(data, &nodes); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		d := n["Description"].(map[string]any)
		switch d["Hostname"] {
		case "m2":
			d["Hostname"] = evilHost
		case "w1":
			d["Hostname"] = "w1" + evilLabel
		}
	}
	out, err := json.Marshal(nodes)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "nodes.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// stubs makes a directory of commands for PATH: the runbook's own (docker,
// ssh, sleep) log their arguments to log and fail or succeed quietly, and
// touch, the payload of every hostile name here, leaves the file PWNED in
// the working directory. Nothing else is on PATH.
func stubs(t *testing.T, dir string) (path, log string) {
	t.Helper()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	log = filepath.Join(dir, "calls.log")
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/bash\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("docker", `printf 'docker %s\n' "$*" >> `+sq(log)+`; echo "error during connect" >&2; exit 1`)
	write("ssh", `printf 'ssh' >> `+sq(log)+`; printf ' [%s]' "$@" >> `+sq(log)+`; echo >> `+sq(log))
	write("sleep", `exit 0`)
	write("touch", `printf 'touch %s\n' "$*" >> `+sq(log)+`; : > PWNED`)
	return bin, log
}

func sq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// runScript runs a bash script with only the stubs on PATH, in dir, with
// no input, and returns what it printed.
func runScript(t *testing.T, dir, bin, script string, args ...string) string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to run the runbooks: ", err)
	}
	cmd := exec.Command(bash, append([]string{"-c", script, "runbook"}, args...)...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + bin, "CHECK_WITHIN=1", "HOME=" + dir}
	out, _ := cmd.CombinedOutput()
	return string(out)
}

func bashSyntax(t *testing.T, script string) {
	t.Helper()
	cmd := exec.Command("bash", "-n")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash -n refuses the runbook: %v\n%s", err, out)
	}
}

// A drill file's name is written into the runbook's header comment: a
// name holding a line feed must not end the comment and start a command.
func TestHostileRunbookDrillName(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "zone\ntouch PWNED\n#.drill")
	if err := os.WriteFile(name, []byte("cluster managers=3\nkill m1\nwait 5s\nexpect quorum holds\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script, stderr, code := runArgs(t, "runbook", name)
	if code != exitOK {
		t.Fatalf("runbook exit %d: %s", code, stderr)
	}
	bashSyntax(t, script)
	bin, log := stubs(t, dir)
	runScript(t, dir, bin, script)
	calls, _ := os.ReadFile(log)
	if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil || ranTouch(string(calls)) {
		t.Fatalf("the runbook ran a command smuggled in by the drill's name:\n%.400s", calls)
	}
	if !strings.Contains(string(calls), "docker ") {
		t.Fatalf("the stubbed runbook never reached its first docker command, so it proves nothing:\n%.400s", calls)
	}
}

// The MANUAL STEP lines print ssh commands for the operator to paste; a
// hostname from a nodes file must be one quoted word in them, and the
// command inside quoted for the remote shell.
func TestHostileRunbookManualSteps(t *testing.T) {
	dir := t.TempDir()
	nodes := hostileNodes(t, dir)
	drillFile := filepath.Join(dir, "x.drill")
	src := "cluster from=nodes.json\npartition eu-west-1a | eu-west-1b\nkill az eu-west-1a\n"
	if err := os.WriteFile(drillFile, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(nodes) != dir {
		t.Fatal("the drill names nodes.json beside it")
	}
	script, stderr, code := runArgs(t, "runbook", drillFile)
	if code != exitOK {
		t.Fatalf("runbook exit %d: %s", code, stderr)
	}
	bashSyntax(t, script)
	bin, log := stubs(t, dir)
	// Print every manual step's commands with the runbook's own functions
	// (everything before its first step), then run each printed line as
	// the operator would paste it.
	prelude := script[:strings.Index(script, "\nstep ")]
	printed := runScript(t, dir, bin, prelude+`
stop_docker "${managers[@]}"
backup_swarm "$1" /tmp/b.tgz
restore_swarm "$1" /tmp/b.tgz
cut_links "$1" -- m1
cut_links m1 -- "$1" "${!host[@]}"
stop_docker "${!host[@]}"
heal_links "$1"
`, evilHost)
	if !strings.Contains(printed, "ssh ") {
		t.Fatalf("no ssh command printed:\n%s", printed)
	}
	for _, line := range strings.Split(strings.TrimSpace(printed), "\n") {
		bashSyntax(t, line)
		runScript(t, dir, bin, line)
	}
	calls, _ := os.ReadFile(log)
	if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil || ranTouch(string(calls)) {
		t.Fatalf("a pasted MANUAL STEP ran a command smuggled in by a hostname:\n%s\nprinted:\n%s", calls, printed)
	}
	if !strings.Contains(string(calls), "ssh ["+evilHost+"] ") {
		t.Fatalf("the hostname must reach ssh as one word:\n%s", calls)
	}
}

// ranTouch reports whether the stub touch ran.
func ranTouch(calls string) bool {
	return strings.HasPrefix(calls, "touch ") || strings.Contains(calls, "\ntouch ")
}

// oneLine asserts a refusal: exit 1 and one line on stderr naming want.
func oneLine(t *testing.T, stderr string, code int, want string) {
	t.Helper()
	if code != exitBadInput {
		t.Errorf("exit %d, want 1; stderr: %.300q", code, stderr)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, want) {
		t.Errorf("want one line naming %q, got %.400q", want, stderr)
	}
}

// A file that never ends, or a binary one, is refused at its limit, with
// the limit named, by every command that reads a file.
func TestHostileEndlessFiles(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"run", "/dev/zero"},
		{"runbook", "/dev/zero"},
		{"playground", "-o", filepath.Join(dir, "p.html"), "/dev/zero"},
		{"chaos", "merge", "/dev/zero"},
	} {
		_, stderr, code := runArgs(t, args...)
		oneLine(t, stderr, code, "MiB")
	}
}

// A drill with one enormous line is refused by the line's limit, and the
// error shows the line once, cut short.
func TestHostileLongDrillLine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "long.drill")
	line := "cluster managers=3\nkill " + strings.Repeat("\x1bx", 1<<20) + "\n"
	if err := os.WriteFile(file, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runArgs(t, "run", file)
	if code != exitBadInput {
		t.Fatalf("exit %d, want 1", code)
	}
	if len(stderr) > 2000 || !strings.Contains(stderr, "MiB") {
		t.Errorf("the error must name the line limit and show at most a piece of the line; got %d bytes: %.300q", len(stderr), stderr)
	}
	if strings.Contains(stderr, "\x1b") {
		t.Errorf("the echoed line must not carry raw escapes: %.300q", stderr)
	}
}

// endless is /dev/zero as a reader, counting what was read of it.
type endless struct{ read int }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.read += len(p)
	return len(p), nil
}

// --from and --services refuse a file that is not docker's output from
// its first bytes, without reading the rest.
func TestHostileImportOfDevZero(t *testing.T) {
	for _, flag := range []string{"--from", "--services"} {
		args := []string{flag, "/dev/zero"}
		if flag == "--services" {
			args = append(args, "--from", nodesJSON)
		}
		_, stderr, code := runArgs(t, args...)
		oneLine(t, stderr, code, "/dev/zero")
	}
	var z endless
	if _, err := inspect.Nodes(&z); err == nil {
		t.Fatal("zeros are not docker's output")
	}
	if z.read > 1<<20 {
		t.Errorf("read %d bytes of zeros to refuse them", z.read)
	}
}

// full is /dev/full: every write fails with "no space left on device".
type full struct{}

func (full) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// Text output to a full disk exits 1 with one line, like JSON does.
func TestHostileWriteErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--no-color"},
		{"run", root + "/examples/zone-loss-3.drill"},
		{"plan"},
		{"help"},
		{"runbook", root + "/examples/zone-loss-3.drill"},
	} {
		var stderr strings.Builder
		code := run(args, strings.NewReader(""), full{}, &stderr, noEnv)
		oneLine(t, stderr.String(), code, "no space left on device")
	}
}

// hostileDrill is a drill on the hostile nodes: quoted names with escapes
// and a service whose image and name carry them too.
func hostileDrill(t *testing.T, dir string) string {
	t.Helper()
	hostileNodes(t, dir)
	file := filepath.Join(dir, "evil\x1b]0;t\x07.drill")
	src := "cluster from=nodes.json\n" +
		"kill \"" + evilHost + "\"\n" +
		"kill \"w1" + strings.ReplaceAll(strings.ReplaceAll(evilLabel, "\r", `\x0d`), "\n", `\x0a`) + "\"\n" +
		"wait 30s\n" +
		"docker service create --name web --replicas 2 nginx\n" +
		"wait 10s\n" +
		"expect node \"" + evilHost + "\" down\n" +
		"expect quorum holds\n" +
		"expect service web running 3\n" // fails, to print a failure line
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// rawControl is the first control byte other than line feed and tab in
// s, with its index, or -1.
func rawControl(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return i
		}
	}
	return -1
}

// With --no-color, no raw control byte reaches stdout or stderr from any
// command, whatever the names hold, and no name forges a line.
func TestHostileNoRawEscape(t *testing.T) {
	dir := t.TempDir()
	nodes := hostileNodes(t, dir)
	drillFile := hostileDrill(t, dir)
	for _, args := range [][]string{
		{"--no-color", "--from", nodes, "--kill", evilHost},
		{"--no-color", "--from", nodes, "--kill", "w1" + evilLabel},
		{"--no-color", "--from", nodes, "--service", "web=3", "--views"},
		{"--no-color", "--from", nodes + "\x1b[2J"},
		{"run", "--no-color", drillFile},
		{"run", "--no-color", filepath.Join(dir, "missing\x1b]0;x\x07.drill")},
		{"plan", "--no-color", "--from", nodes},
		{"runbook", drillFile},
	} {
		stdout, stderr, code := runArgs(t, args...)
		if args[0] == "run" && !strings.Contains(args[2], "missing") && code != exitFailed {
			t.Errorf("%q: exit %d, want 2 (the drill runs, one expectation fails): %.300q", args, code, stderr)
		}
		wantNoForgery(t, fmt.Sprintf("%q: stdout", args), stdout)
		wantNoForgery(t, fmt.Sprintf("%q: stderr", args), stderr)
	}
}

// A node whose imported name is outside the drill's bare names is still
// actionable: the page's click writes it quoted (as drill.Format does),
// the playground runs it, and its drill parses back with the same names.
func TestHostilePlaygroundActsOnAnyName(t *testing.T) {
	dir := t.TempDir()
	hostileNodes(t, dir)
	file := filepath.Join(dir, "class.drill")
	if err := os.WriteFile(file, []byte("cluster from=nodes.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := playground.ReadDrill(file)
	if err != nil {
		t.Fatal(err)
	}
	s, err := playground.New(src, dir)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{evilHost, "w1" + evilLabel}
	kill := drill.Kill{Nodes: names}
	if st, err := s.Do(kill.String()); err != nil || st.Kind == "refused" {
		t.Fatalf("%s: %v %+v", kill, err, st)
	}
	script, err := drill.Parse("class.drill", []byte(s.Drill()))
	if err != nil {
		t.Fatalf("the playground's drill does not parse back: %v\n%s", err, s.Drill())
	}
	found := false
	for _, st := range script.Steps {
		if k, ok := st.Cmd.(drill.Kill); ok && slices.Equal(k.Nodes, names) {
			found = true
		}
	}
	if !found {
		t.Fatalf("the drill lost the kill of the named nodes:\n%s", s.Drill())
	}
	// swarmsim run reads the same drill back and kills the same nodes.
	if err := os.WriteFile(file, []byte(s.Drill()+"wait 40s\nexpect node \""+strings.ReplaceAll(evilHost, `"`, `\"`)+"\" down\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runArgs(t, "run", "--no-color", file); code != exitOK {
		t.Fatalf("run of the playground's drill: exit %d: %s", code, stderr)
	}
}

// Totals count, not just each flag: three services of a million tasks are
// refused before anything runs, with the limit and why.
func TestHostileTotals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--service", "a=1000000", "--service", "b=1000000", "--service", "c=1000000"}, "3000000 tasks are more than the 200000"},
		{[]string{"--service", "web=1000000", "--output", "html"}, "1000000 tasks are more than the 200000"},
		{[]string{"--managers", "1000"}, "manager²·seconds"},
		{[]string{"chaos", "--managers", "1000", "--runs", "1"}, "manager²·seconds"},
		{[]string{"--workers", "10000", "--for", "24h"}, "node·seconds"},
	} {
		_, stderr, code := runArgs(t, tc.args...)
		oneLine(t, stderr, code, tc.want)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "long.drill")
	if err := os.WriteFile(file, []byte("cluster managers=3\nwait 99999h\nexpect quorum holds\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runArgs(t, "run", file)
	oneLine(t, stderr, code, "24h0m0s")
	file = filepath.Join(dir, "many.drill")
	if err := os.WriteFile(file, []byte("cluster managers=3\ndocker service create --name a --replicas 1000000 nginx\ndocker service create --name b --replicas 1000000 nginx\nwait 10s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runArgs(t, "run", file)
	oneLine(t, stderr, code, "tasks are more than the 200000")
}

// An env_file's lines never reach any output: Docker's loader quotes a
// line it cannot read, so swarmsim reads env files itself and says only
// the path, the line number and what is wrong.
func TestHostileEnvFileNeverLeaks(t *testing.T) {
	dir := t.TempDir()
	const secret = "my db password hunter2"
	if err := os.WriteFile(filepath.Join(dir, "s.txt"), []byte("OK=1\n"+secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte("root:x:0:0:root:/root:/bin/bash\nlist:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, envFile := range []string{"s.txt", filepath.Join(dir, "passwd"), "../" + filepath.Base(dir) + "/s.txt"} {
		stack := filepath.Join(dir, "stack.yml")
		yml := "version: \"3.8\"\nservices:\n  web:\n    image: nginx\n    env_file: " + envFile + "\n"
		if err := os.WriteFile(stack, []byte(yml), 0o644); err != nil {
			t.Fatal(err)
		}
		drillFile := filepath.Join(dir, "d.drill")
		if err := os.WriteFile(drillFile, []byte("cluster managers=3\ndocker stack deploy -c stack.yml shop\nexpect service shop_web running 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"--stack", stack},
			{"--stack", stack, "--output", "json"},
			{"--stack", stack, "--output", "html"},
			{"run", drillFile},
			{"run", "--output", "json", drillFile},
			{"run", "--output", "html", drillFile},
		} {
			stdout, stderr, _ := runArgs(t, args...)
			for _, leak := range []string{"hunter2", "password", "root:x", "Mailing"} {
				if strings.Contains(stdout+stderr, leak) {
					t.Errorf("env_file %s, %q: the output holds %q of the env file:\n%.500s", envFile, args, leak, stdout+stderr)
				}
			}
			if !strings.Contains(stdout+stderr, "line 2") {
				t.Errorf("env_file %s, %q: the refusal must name the line: %.500s", envFile, args, stdout+stderr)
			}
		}
	}
}

// A YAML alias bomb: one large anchored string aliased thousands of
// times stays under yaml.v3's alias-ratio check and the file-size limit,
// but expands to gigabytes that interpolation and validation walk. It is
// refused by the limit on the expanded size, before Docker's loader runs.
func TestHostileAliasBomb(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("version: \"3.8\"\nx-big: &a \"" + strings.Repeat("A", 100_000) + "\"\nx-list:\n")
	for b.Len() < 600_000 {
		b.WriteString("  - *a\n")
	}
	b.WriteString("services:\n  web:\n    image: nginx\n")
	stack := filepath.Join(dir, "bomb.yml")
	if err := os.WriteFile(stack, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runArgs(t, "--stack", stack)
	oneLine(t, stderr, code, "MiB")
	if !strings.Contains(stderr, "alias") {
		t.Errorf("the refusal must say the aliases are the cause: %s", stderr)
	}
}

// scriptTags counts the tags that open and close script elements, as an
// HTML parser would find them (case-insensitive).
func scriptTags(page string) (open, close int) {
	lower := strings.ToLower(page)
	return strings.Count(lower, "<script"), strings.Count(lower, "</script")
}

// Every HTML page swarmsim writes holds only its own script elements,
// whatever the names hold: the same tags as the page of a clean swarm.
func TestHostileHTMLHasOnlyItsOwnScripts(t *testing.T) {
	dir := t.TempDir()
	evil := hostileNodes(t, dir)
	clean := nodesJSON
	evilDrill := hostileDrill(t, dir)
	cleanDrill := filepath.Join(dir, "clean.drill")
	if err := os.WriteFile(cleanDrill, []byte("cluster from=nodes.json\nkill m2\nkill w2\nwait 30s\ndocker service create --name web --replicas 2 nginx\nwait 10s\nexpect node m2 down\nexpect quorum holds\nexpect service web running 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	page := func(args ...string) string {
		t.Helper()
		out, stderr, code := runArgs(t, args...)
		if code == exitBadInput {
			t.Fatalf("%q: %s", args, stderr)
		}
		return out
	}
	playgroundPage := func(args ...string) string {
		t.Helper()
		out := filepath.Join(t.TempDir(), "p.html")
		if _, stderr, code := runArgs(t, append([]string{"playground", "-o", out}, args...)...); code != exitOK {
			t.Fatalf("playground %q: %s", args, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, pair := range [][2]string{
		{page("--from", evil, "--kill", evilHost, "--output", "html"), page("--from", clean, "--kill", "m2", "--output", "html")},
		{page("--from", evil, "--kill", "w1"+evilLabel, "--output", "html"), page("--from", clean, "--kill", "w1", "--output", "html")},
		{page("run", "--output", "html", evilDrill), page("run", "--output", "html", cleanDrill)},
		{page("plan", "--from", evil, "--output", "html"), page("plan", "--from", clean, "--output", "html")},
		{playgroundPage("--from", evil), playgroundPage("--from", clean)},
	} {
		evilOpen, evilClose := scriptTags(pair[0])
		cleanOpen, cleanClose := scriptTags(pair[1])
		if evilOpen != cleanOpen || evilClose != cleanClose {
			t.Errorf("a hostile name added script tags: %d/%d, a clean page has %d/%d", evilOpen, evilClose, cleanOpen, cleanClose)
		}
		if strings.Contains(pair[0], "<script>alert") || strings.Contains(pair[0], "\x1b") {
			t.Errorf("a hostile name reached the page unescaped")
		}
	}
}

// A zone label is a zone's name in every column, plan and partition: one
// holding a control character is refused at import, with the node named.
func TestHostileZoneLabel(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(nodesJSON)
	if err != nil {
		t.Fatal(err)
	}
	evil := strings.Replace(string(data), `"zone": "eu-west-1a"`, `"zone": "eu-west-1a\n★ Better: 9 managers"`, 1)
	path := filepath.Join(dir, "nodes.json")
	if err := os.WriteFile(path, []byte(evil), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--from", path}, {"plan", "--from", path}} {
		stdout, stderr, code := runArgs(t, args...)
		oneLine(t, stderr, code, `\n★ Better`)
		if strings.Contains(stdout, "★ Better: 9") {
			t.Errorf("%q: a zone label forged a line: %s", args, stdout)
		}
	}
}

// The shell reads a line no longer than a drill's, and says so in the
// session, as it says every other refused line.
func TestHostileShellLongLine(t *testing.T) {
	out, _, code := runInput(t, "cluster managers=3\nkill "+strings.Repeat("a", 2<<20)+"\n", "shell", "--no-color")
	if code != exitBadInput || strings.Count(out, "longer than 1 MiB") != 1 {
		t.Errorf("exit %d, want 1 and one line naming the 1 MiB limit:\n%.2000s", code, out)
	}
}

// Docker's largest swarms fit the budget (issue 25's shapes): the limits
// refuse what a laptop cannot simulate, never a swarm people run. Only
// parsed and checked here; running them is a benchmark's work.
func TestLargestSwarmsFitTheBudget(t *testing.T) {
	for _, args := range [][]string{
		{"--managers", "5", "--az", "2-2-1", "--workers", "4700", "--service", "web=150000", "--kill", "2", "--for", "3600s"},
		{"--managers", "3", "--az", "1-1-1", "--workers", "2384", "--service", "web=95000", "--for", "600s"},
	} {
		h, err := parseHeadline(args)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		h.env = lookupEnv(func(string) string { return "" })
		spec, err := h.buildSpec()
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if err := spec.Budget(); err != nil {
			t.Errorf("%q is refused: %v", args, err)
		}
	}
}

// The read verbs of drills and the shell print what Docker prints, names
// and all: a hostile name is shown escaped by every one of them, never as
// its bytes, and never forges a line.
func TestHostileReadVerbs(t *testing.T) {
	dir := t.TempDir()
	hostileNodes(t, dir)
	label := "\"w1" + strings.ReplaceAll(strings.ReplaceAll(evilLabel, "\r", `\x0d`), "\n", `\x0a`) + "\""
	src := "cluster from=nodes.json\n" +
		"docker service create --name web --replicas 4 nginx\n" +
		"wait 10s\n" +
		"docker node ls\n" +
		"docker node inspect --pretty " + label + "\n" +
		"docker node inspect --pretty \"" + evilHost + "\"\n" +
		"docker node inspect " + label + "\n" +
		"docker info\n" +
		"docker service ls\n" +
		"docker service ps web\n" +
		"docker service inspect --pretty web\n" +
		"docker service logs web\n"
	file := filepath.Join(dir, "read.drill")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"run", "--no-color", file}} {
		stdout, stderr, code := runArgs(t, args...)
		if code != exitOK {
			t.Fatalf("%q: exit %d: %.600s", args, code, stderr+stdout)
		}
		if !strings.Contains(stdout, `w1\x1b]0;pwned\a`) && !strings.Contains(stdout, `w1\x1b]0;pwned\x07`) {
			t.Errorf("%q: the hostile name is not shown escaped:\n%.3000s", args, stdout)
		}
		wantNoForgery(t, fmt.Sprintf("%q: stdout", args), stdout)
		wantNoForgery(t, fmt.Sprintf("%q: stderr", args), stderr)
	}
	// The shell prints the same verbs through the same renderers.
	stdout, _, _ := runInput(t, strings.Replace(src, "cluster from=nodes.json", "cluster from="+filepath.Join(dir, "nodes.json"), 1), "shell", "--no-color")
	wantNoForgery(t, "shell: stdout", stdout)
}

// wantNoForgery checks that out, what a command printed (named by what),
// holds no raw control byte and no line forged by evilLabel's text.
func wantNoForgery(t *testing.T, what, out string) {
	t.Helper()
	if i := rawControl(out); i >= 0 {
		t.Errorf("%s holds raw control byte %#x: %.200q", what, out[i], out[max(0, i-80):])
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "Verdict: quorum holds $(") {
			t.Errorf("%s: a name forged a line: %q", what, line)
		}
	}
}
