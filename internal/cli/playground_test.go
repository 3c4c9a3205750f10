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

// A class opens the playground in a browser with no network, clicks the
// leader to kill it, steps 30 simulated seconds and downloads the drill.
// swarmsim run replays that drill to the leader and term the page shows,
// with the same timeline, and every expectation the page wrote holds.
func TestPlaygroundInChromium(t *testing.T) {
	chromium := browser.Need(t, "chromium")
	dir := t.TempDir()
	html := filepath.Join(dir, "class.html")
	stdout, stderr, code := runArgs(t, "playground", "-o", html, "--managers", "5", "--az", "2-2-1", "--workers", "3")
	if code != exitOK {
		t.Fatalf("swarmsim playground: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote "+html) {
		t.Errorf("swarmsim playground says %q", stdout)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	b, err := browser.Launch(ctx, chromium, filepath.Join(dir, "profile"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	p, err := b.Open(ctx, "file://"+html, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(ctx, `window.swarmsim && document.getElementById("loading").hidden`); err != nil {
		t.Fatalf("the page did not start: %v\n%s", err, b.Stderr())
	}

	var killed string
	must(t, p.Eval(ctx, `document.querySelector(".node.leader").dataset.node`, &killed))
	must(t, p.Click(ctx, ".node.leader"))
	var dead bool
	must(t, p.Eval(ctx, `document.querySelector('.node[data-node="`+killed+`"]').classList.contains("dead")`, &dead))
	if !dead {
		t.Fatalf("clicking the leader %s did not kill it", killed)
	}
	for range 30 {
		must(t, p.Click(ctx, "#step"))
	}
	var header string
	must(t, p.Eval(ctx, `document.getElementById("leader").textContent`, &header))
	m := regexp.MustCompile(`^★ (\S+) leads in term (\d+)$`).FindStringSubmatch(header)
	if m == nil || m[1] == killed {
		t.Fatalf("after 30 simulated seconds the page says %q; want a new leader", header)
	}
	leader, term := m[1], m[2]
	var pageEvents []string
	must(t, p.Eval(ctx, `[...document.querySelectorAll("#log .ev")].map(r => [...r.children].map(c => c.textContent).join(" "))`, &pageEvents))

	if *screenshot != "" {
		png, err := p.Screenshot(ctx)
		must(t, err)
		must(t, os.WriteFile(*screenshot, png, 0o644))
	}

	must(t, p.Click(ctx, "#download"))
	name, err := p.Downloaded(ctx)
	must(t, err)
	if name != "class.drill" {
		t.Errorf("the drill downloads as %q, want class.drill", name)
	}
	out, errOut, code := runArgs(t, "run", "--no-color", filepath.Join(dir, name))
	if code != exitOK {
		t.Errorf("swarmsim run of the page's drill: exit %d, want 0 (every expectation held)\n%s%s", code, out, errOut)
	}
	if want := "✓ " + leader + " leads in term " + term + " (zone "; !strings.Contains(out, want) {
		t.Errorf("swarmsim run does not say %q, as the page did:\n%s", want, out)
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
	// Every request went through the tab's blocker: the page's own file
	// was the only one let through.
	if allowed, blocked := p.Allowed(), p.Blocked(); len(blocked) > 0 || len(allowed) != 1 || allowed[0] != "file://"+html {
		t.Errorf("the page asked for %v (let through) and %v (refused); it must ask for nothing but itself", allowed, blocked)
	}
}

// transcriptEvent is a timeline line of swarmsim run's transcript: the
// time, four blanks, the kind and the detail.
var transcriptEvent = regexp.MustCompile(`^ *(\d+\.\d{3}s) {4}(\S+) +(.*)$`)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
