package cli

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/internal/playground/browser"
)

var screenshot = flag.String("playground.screenshot", "", "also save the Chromium test's page as this PNG (the README's picture)")

// classroom is a playground page open in headless Chromium, with every
// network request refused.
type classroom struct {
	t    *testing.T
	ctx  context.Context
	dir  string // the page, the browser's profile and the downloads
	html string
	b    *browser.Browser
	p    *browser.Page
}

// openPlayground writes a page with swarmsim playground and the given
// flags, and opens it.
func openPlayground(t *testing.T, args ...string) *classroom {
	chromium := browser.Need(t, "chromium")
	c := &classroom{t: t, dir: t.TempDir()}
	c.html = filepath.Join(c.dir, "class.html")
	stdout, stderr, code := runArgs(t, append([]string{"playground", "-o", c.html}, args...)...)
	if code != exitOK {
		t.Fatalf("swarmsim playground: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote "+c.html) {
		t.Errorf("swarmsim playground says %q", stdout)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	c.ctx = ctx
	var err error
	if c.b, err = browser.Launch(chromium, filepath.Join(c.dir, "profile")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.b.Close() })
	if c.p, err = c.b.Open(ctx, "file://"+c.html, c.dir, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.p.WaitFor(ctx, `window.swarmsim && document.getElementById("loading").hidden`); err != nil {
		t.Fatalf("the page did not start: %v\n%s", err, c.b.Stderr())
	}
	return c
}

func (c *classroom) eval(expr string, out any) {
	c.t.Helper()
	if err := c.p.Eval(c.ctx, expr, out); err != nil {
		c.t.Fatal(err)
	}
}

func (c *classroom) click(selector string) {
	c.t.Helper()
	if err := c.p.Click(c.ctx, selector); err != nil {
		c.t.Fatal(err)
	}
}

// download clicks a download link and returns where the file landed.
func (c *classroom) download(selector string) string {
	c.t.Helper()
	c.click(selector)
	name, err := c.p.Downloaded(c.ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	return filepath.Join(c.dir, name)
}

// replays downloads the class's drill, runs it with swarmsim run, and
// checks that every expectation the page wrote held, that the run's
// timeline is the page's, and that the page asked the network for nothing.
// It returns the run's transcript.
func (c *classroom) replays() string {
	t := c.t
	t.Helper()
	var pageEvents []string
	c.eval(`[...document.querySelectorAll("#log .ev")].map(r => [...r.children].map(c => c.textContent).join(" "))`, &pageEvents)
	file := c.download("#download")
	out, errOut, code := runArgs(t, "run", "--no-color", file)
	if code != exitOK {
		t.Errorf("swarmsim run of the page's drill: exit %d, want 0 (every expectation held)\n%s%s", code, out, errOut)
	}
	var runEvents []string
	for _, l := range strings.Split(out, "\n") {
		if ev := transcriptEvent.FindStringSubmatch(l); ev != nil {
			runEvents = append(runEvents, ev[1]+" "+ev[2]+" "+ev[3])
		}
	}
	if strings.Join(runEvents, "\n") != strings.Join(pageEvents, "\n") {
		t.Errorf("the page's timeline and swarmsim run's differ:\npage:\n%s\nrun:\n%s", strings.Join(pageEvents, "\n"), strings.Join(runEvents, "\n"))
	}
	if len(runEvents) < 20 {
		t.Errorf("only %d events in the timeline; the test compared too little", len(runEvents))
	}
	// Every request went through the tab's blocker, and the page's own
	// file was the only one let through.
	if allowed, blocked := c.p.Allowed(), c.p.Blocked(); len(blocked) > 0 || len(allowed) != 1 || allowed[0] != "file://"+c.html {
		t.Errorf("the page asked for %v (let through) and %v (refused); it must ask for nothing but itself", allowed, blocked)
	}
	return out
}

// transcriptEvent is a timeline line of swarmsim run's transcript: the
// time, four blanks, the kind and the detail.
var transcriptEvent = regexp.MustCompile(`^ *(\d+\.\d{3}s) {4}(\S+) +(.*)$`)

// A class opens the playground in a browser with no network, clicks the
// leader to kill it, steps 30 simulated seconds and downloads the drill.
// swarmsim run replays that drill to the leader and term the page shows,
// with the same timeline, and every expectation the page wrote holds.
func TestPlaygroundInChromium(t *testing.T) {
	t.Parallel()
	c := openPlayground(t, "--managers", "5", "--az", "2-2-1", "--workers", "3")
	var killed string
	c.eval(`document.querySelector(".node.leader").dataset.node`, &killed)
	c.click(".node.leader")
	var dead bool
	c.eval(`document.querySelector('.node[data-node="`+killed+`"]').classList.contains("dead")`, &dead)
	if !dead {
		t.Fatalf("clicking the leader %s did not kill it", killed)
	}
	for range 30 {
		c.click("#step")
	}
	var header string
	c.eval(`document.getElementById("leader").textContent`, &header)
	m := regexp.MustCompile(`^★ (\S+) leads in term (\d+)$`).FindStringSubmatch(header)
	if m == nil || m[1] == killed {
		t.Fatalf("after 30 simulated seconds the page says %q; want a new leader", header)
	}
	if *screenshot != "" {
		png, err := c.p.Screenshot(c.ctx)
		if err == nil {
			png, err = browser.Compact(png)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := c.replays()
	if want := "✓ " + m[1] + " leads in term " + m[2] + " (zone "; !strings.Contains(out, want) {
		t.Errorf("swarmsim run does not say %q, as the page did:\n%s", want, out)
	}
	if !strings.Contains(out, "  kill "+killed+"\n") {
		t.Errorf("the drill does not kill %s by name, as the click did:\n%s", killed, out)
	}
}

// A swarm imported from docker node inspect output plays in the page from
// the files it carries; a zone dies from a click on its name, and the
// drill downloads with its files and replays beside them.
func TestPlaygroundOfAnImportedSwarmInChromium(t *testing.T) {
	t.Parallel()
	c := openPlayground(t, "--from", root+"/examples/swarm/nodes.json", "--services", root+"/examples/swarm/services.json", "--seed", "3")
	var zones []string
	c.eval(`[...document.querySelectorAll(".zone")].map(z => z.dataset.zone)`, &zones)
	if strings.Join(zones, " ") != "eu-west-1a eu-west-1b eu-west-1c" {
		t.Fatalf("the page shows zones %v", zones)
	}
	// A typo is answered with the parser's words and a caret, and runs nothing.
	var before, answer, after string
	c.eval(`document.getElementById("drill").textContent`, &before)
	c.eval(`document.getElementById("line").value = "kil az eu-west-1b"`, nil)
	c.click("#command button")
	c.eval(`document.getElementById("error").textContent`, &answer)
	c.eval(`document.getElementById("drill").textContent`, &after)
	if answer != "unknown command \"kil\"; did you mean \"kill\"?\nkil az eu-west-1b\n^" || after != before {
		t.Errorf("a typo is answered %q, and the drill changed: %v", answer, after != before)
	}
	c.click(`.zone[data-zone="eu-west-1b"] .zonename`)
	for range 20 {
		c.click("#step")
	}
	var leader string
	c.eval(`document.getElementById("leader").textContent`, &leader)
	if !strings.HasPrefix(leader, "★ ") {
		t.Errorf("with one zone of three lost, the page says %q", leader)
	}
	for _, f := range []string{"nodes.json", "services.json"} {
		if got := filepath.Base(c.download(`#files a[data-file="` + f + `"]`)); got != f {
			t.Errorf("%s downloads as %s", f, got)
		}
	}
	out := c.replays()
	if !strings.Contains(out, "kill az eu-west-1b") {
		t.Errorf("the drill does not kill the zone clicked:\n%s", out)
	}
}

// Bad input is refused in one line, before anything is built.
func TestPlaygroundRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.drill")
	if err := os.WriteFile(bad, []byte("cluster managers=3\nkil m1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "x.html")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--managers", "3"}, "name the page to write, like: swarmsim playground -o class.html"},
		{[]string{"-o", out, "--managers", "5", "--az", "2-2"}, "--az 2-2 adds up to 4 managers, but --managers is 5"},
		{[]string{"-o", out, "--service", "web"}, "--service web: write a name and a replica count, like --service web=6"},
		{[]string{"-o", out, "--managers", "3", bad}, "the drill " + bad + " builds its own swarm; leave out --managers"},
		{[]string{"-o", out, bad, bad}, "a page starts from one drill file"},
		{[]string{"-o", out, filepath.Join(dir, "none.drill")}, "cannot read drill"},
		{[]string{"-o", out, bad}, `bad.drill:2:1: unknown command "kil"; did you mean "kill"?`},
		{[]string{"-o", out, "--from", filepath.Join(dir, "none.json")}, "--from " + filepath.Join(dir, "none.json")},
		{[]string{"-o", out, "--from", root + "/examples/swarm/nodes.json", "--workers", "3"}, "already gives the nodes; leave out --workers"},
	} {
		_, stderr, code := runArgs(t, append([]string{"playground"}, tc.args...)...)
		if code != exitBadInput || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 saying %q", tc.args, code, stderr, tc.want)
		}
		if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
			t.Errorf("%v: %s", tc.args, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a page was written for bad input")
	}
}
