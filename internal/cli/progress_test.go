package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The bar stays quiet for the first second, then redraws at most ten
// times a second with an estimate, and clears its line when done.
func TestProgressBar(t *testing.T) {
	var w bytes.Buffer
	clock := time.Unix(0, 0)
	p := &progressBar{w: &w, what: "plan", now: func() time.Time { return clock }, start: clock}
	p.update(1, 10)
	clock = clock.Add(500 * time.Millisecond)
	p.update(2, 10)
	if w.Len() != 0 {
		t.Fatalf("drawn before a second passed: %q", w.String())
	}
	clock = clock.Add(time.Second) // 1.5s: 5 of 10 done
	p.update(5, 10)
	if got := w.String(); !strings.Contains(got, "\r\033[Kplan [████████████░░░░░░░░░░░░] 50% · 1.5s · about 2s left") {
		t.Errorf("bar %q", got)
	}
	w.Reset()
	clock = clock.Add(10 * time.Millisecond)
	p.update(6, 10)
	if w.Len() != 0 {
		t.Errorf("redrawn after 10ms: %q", w.String())
	}
	p.update(10, 10) // the end is always drawn
	if !strings.Contains(w.String(), "100%") {
		t.Errorf("the last update was not drawn: %q", w.String())
	}
	w.Reset()
	p.done()
	if w.String() != "\r\033[K" {
		t.Errorf("done wrote %q, want the line cleared", w.String())
	}
	var none *progressBar
	none.done() // not a terminal: nothing to clear
}

// Not a terminal: nothing on stderr, whatever the command.
func TestNoProgressOffATerminal(t *testing.T) {
	for _, args := range [][]string{{"--managers", "5", "--no-color"}, {"plan", "--managers", "5", "--no-color"}, {"chaos", "--runs", "3", "--jobs", "1", "--for", "5s"}} {
		if _, stderr, _ := runArgs(t, args...); stderr != "" {
			t.Errorf("%v wrote to stderr: %q", args, stderr)
		}
	}
}
