package cli

import (
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/swarmsim/swarmsim/internal/report"
)

// progressBar is a bar with an estimate on stderr, for work that takes a
// while: chaos campaigns, plans over many layouts, long runs. It is drawn
// only when stderr is a terminal, and only once the work has taken
// progressAfter, so that output that is not a terminal stays byte for
// byte and quick commands stay silent. The wall clock is read here, in
// the CLI, never in the simulation, which only reports how far it is.
type progressBar struct {
	w     io.Writer
	what  string           // "chaos", "plan", "run"
	now   func() time.Time // time.Now; a test's clock in tests
	extra func() string    // more words after the bar, like the violations so far; nil for none

	mu     sync.Mutex // the simulation may report from several goroutines
	start  time.Time
	last   time.Time
	drawn  bool
	closed bool
}

const (
	progressAfter = time.Second            // quiet before this
	progressEvery = 100 * time.Millisecond // redrawn at most this often
)

// newProgressBar is a bar on stderr, or nil when stderr is not a terminal.
func newProgressBar(stderr io.Writer, what string) *progressBar {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progressBar{w: stderr, what: what, now: time.Now, start: time.Now()}
}

// update hears that done of total units are finished.
func (p *progressBar) update(done, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.closed || now.Sub(p.start) < progressAfter || now.Sub(p.last) < progressEvery && done < total {
		return
	}
	p.last, p.drawn = now, true
	extra := ""
	if p.extra != nil {
		extra = p.extra()
	}
	report.Progress(p.w, p.what, done, total, now.Sub(p.start), extra)
}

// done clears the bar, if it was drawn; nothing on a nil bar.
func (p *progressBar) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		report.ProgressDone(p.w)
	}
	p.closed = true
}
