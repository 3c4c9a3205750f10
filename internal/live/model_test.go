//go:build !js

package live

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/internal/playground"
	"github.com/swarmsim/swarmsim/internal/report"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden frames under testdata/")

// session starts the playground a speaker would with swarmsim live
// --managers 5 --az 2-2-1 --workers 3 --service web=6.
func session(t testing.TB) *playground.Session {
	t.Helper()
	l, err := az.Parse("2-2-1")
	if err != nil {
		t.Fatal(err)
	}
	layout, err := scenario.NewLayout(5, &l, 3)
	if err != nil {
		t.Fatal(err)
	}
	src, err := playground.FromStart(playground.Start{Layout: layout, Seed: 1, Services: []scenario.Service{scenario.Replicated("web", 6)}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := playground.NewCarried(src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// named are the keys Bubble Tea names rather than types.
var named = map[string]rune{
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"enter": tea.KeyEnter, "space": tea.KeySpace, "esc": tea.KeyEscape, "backspace": tea.KeyBackspace,
}

// press sends keys to m: each a name from named, or text typed as it is.
func press(m *Model, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		if code, ok := named[k]; ok {
			_, cmd = m.Update(tea.KeyPressMsg{Code: code})
			continue
		}
		for _, r := range k {
			_, cmd = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	return cmd
}

func TestFrameLook(t *testing.T) {
	m := New(session(t), report.Plain())
	m.Width, m.Height = 100, 40
	press(m, ":kill leader", "enter")
	for range 30 {
		m.Update(Tick{At: time.Unix(0, 0)})
	}
	t.Log("\n" + m.Frame())
	_ = os.Stdout
	_ = filepath.Join
	_ = strings.Join
}
