//go:build !js

package live

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/playground"
	"github.com/swarmsim/swarmsim/internal/report"
)

// Speeds are the simulated seconds that run per second on the wall clock,
// slowest first; + and - move between them.
var Speeds = []int{1, 10, 60}

// TickEvery is how often the clock ticks on the wall clock. Each tick while
// playing runs speed × TickEvery of simulated time, however late it came:
// the wall clock sets only when time runs, never how much, so what a
// session does depends only on its keys and its ticks.
const TickEvery = 100 * time.Millisecond

// keptEvents is how much of the timeline the model keeps to draw.
const keptEvents = 200

// Tick is the clock's message. At is the wall clock, which nothing in the
// simulation reads.
type Tick struct{ At time.Time }

// Model is the live view: a playground session, the keys' state, and what
// was last drawn. Update is the whole of its behaviour and can be driven
// without a terminal, as the tests do.
type Model struct {
	s  *playground.Session
	st report.Styles

	Width, Height int  // the terminal's size
	Speed         int  // index into Speeds
	Paused        bool //
	Selected      string
	Help          bool   // the keys are shown
	Typing        bool   // the : line is open
	Line          string // the : line as typed so far
	LineErr       *drill.Error
	Message       string // what the last action did, or why it could not
	Failed        bool   // Message says an action was refused or wrong

	state  playground.State
	events []playground.Event // the last keptEvents events
	start  int                // index of the first event the class caused
	quit   bool
}

// New makes the view of a session, playing at the slowest speed. The
// timeline starts with what the start drill did.
func New(s *playground.Session, st report.Styles) *Model {
	m := &Model{s: s, st: st, Width: 100, Height: 40}
	m.refresh()
	m.start = m.state.EventCount
	if zones := m.state.Zones; len(zones) > 0 && len(zones[0].Nodes) > 0 {
		m.Selected = zones[0].Nodes[0].Name
	}
	return m
}

// Session is the session the view drives.
func (m *Model) Session() *playground.Session { return m.s }

// State is what was drawn last.
func (m *Model) State() playground.State { return m.state }

// Quitting reports whether q was pressed.
func (m *Model) Quitting() bool { return m.quit }

// Init starts the clock.
func (m *Model) Init() tea.Cmd { return tick() }

func tick() tea.Cmd {
	return tea.Tick(TickEvery, func(at time.Time) tea.Msg { return Tick{At: at} })
}

// Update handles a key, a tick or the terminal's size.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.Width, m.Height = msg.Width, msg.Height
	case Tick:
		if !m.Paused && m.state.Broken == "" {
			m.advance(time.Duration(Speeds[m.Speed]) * TickEvery)
		}
		return m, tick()
	case tea.KeyPressMsg:
		return m, m.key(msg.String())
	case tea.PasteMsg:
		// A drill line pasted from the speaker's notes: its first line,
		// into the : line (opened if need be).
		line, _, _ := strings.Cut(msg.Content, "\n")
		m.Typing, m.Line, m.LineErr = true, m.Line+strings.TrimRight(line, "\r"), nil
	}
	return m, nil
}

// key handles one key, named as Bubble Tea names it ("q", "space", "up",
// "ctrl+c").
func (m *Model) key(k string) tea.Cmd {
	if k == "ctrl+c" {
		m.quit = true
		return tea.Quit
	}
	if m.Typing {
		m.typing(k)
		return nil
	}
	m.Help = m.Help && k == "?"
	switch k {
	case "q":
		m.quit = true
		return tea.Quit
	case "?":
		m.Help = !m.Help
	case "+", "=":
		m.Speed = min(m.Speed+1, len(Speeds)-1)
		m.Paused = false
	case "-", "_":
		m.Speed = max(m.Speed-1, 0)
	case "space":
		m.Paused = !m.Paused
	case ".":
		m.Paused = true
		m.advance(time.Second)
	case "up", "down", "left", "right":
		m.move(k)
	case "k":
		m.toggleNode()
	case "z":
		m.toggleZone()
	case ":":
		m.Typing, m.Line, m.LineErr = true, "", nil
	}
	return nil
}

// typing edits the : line.
func (m *Model) typing(k string) {
	switch k {
	case "enter", "ctrl+j", "ctrl+m":
		line := m.Line
		if strings.TrimSpace(line) == "" {
			m.Typing = false
			return
		}
		var perr *drill.Error
		if err := m.do(line); errors.As(err, &perr) {
			m.LineErr = perr // the line stays, to be mended
			return
		}
		m.Typing, m.Line, m.LineErr = false, "", nil
	case "esc":
		m.Typing, m.Line, m.LineErr = false, "", nil
	case "backspace", "ctrl+h":
		if r := []rune(m.Line); len(r) > 0 {
			m.Line = string(r[:len(r)-1])
		}
		m.LineErr = nil
	case "space":
		m.Line += " "
		m.LineErr = nil
	default:
		if r := []rune(k); len(r) == 1 && r[0] >= ' ' {
			m.Line += k
			m.LineErr = nil
		}
	}
}

// do runs a drill line, as typed or as a key made it. A line that does not
// parse comes back as its *drill.Error, and changes nothing.
func (m *Model) do(line string) error {
	st, err := m.s.Do(line)
	defer m.refresh()
	var perr *drill.Error
	switch {
	case errors.As(err, &perr):
		return err
	case err != nil:
		m.Message, m.Failed = err.Error(), true
		return err
	case st.Kind == "refused":
		m.Message, m.Failed = fmt.Sprintf("%s · Docker refused: %s", st.Line, st.Detail), true
	case st.Kind == "failed":
		m.Message, m.Failed = fmt.Sprintf("%s · did not hold: %s", st.Line, st.Detail), true
	case st.Detail != "":
		m.Message, m.Failed = fmt.Sprintf("%s · %s", st.Line, st.Detail), false
	default:
		m.Message, m.Failed = st.Line, false
	}
	return nil
}

// advance runs simulated time.
func (m *Model) advance(d time.Duration) {
	if err := m.s.Advance(d); err != nil {
		m.Message, m.Failed = err.Error(), true
	}
	m.refresh()
}

// refresh reads what to draw, with the timeline since it was last read.
func (m *Model) refresh() {
	st := m.s.State(m.state.EventCount)
	m.events = append(m.events, st.Events...)
	if over := len(m.events) - keptEvents; over > 0 {
		m.events = slices.Delete(m.events, 0, over)
	}
	m.state = st
}

// node finds a node of the picture: its zone and its place there.
func (m *Model) node(name string) (zone, i int, ok bool) {
	for z, zn := range m.state.Zones {
		for i, n := range zn.Nodes {
			if n.Name == name {
				return z, i, true
			}
		}
	}
	return 0, 0, false
}

// move selects the node above, below, or in the next zone at the same
// height.
func (m *Model) move(k string) {
	zones := m.state.Zones
	z, i, ok := m.node(m.Selected)
	if !ok {
		z, i = 0, 0
	}
	switch k {
	case "up":
		i--
	case "down":
		i++
	case "left", "right":
		step := 1
		if k == "left" {
			step = -1
		}
		for next := z + step; next >= 0 && next < len(zones); next += step {
			if len(zones[next].Nodes) > 0 {
				z = next
				break
			}
		}
	}
	if z >= len(zones) || len(zones[z].Nodes) == 0 {
		return
	}
	i = min(max(i, 0), len(zones[z].Nodes)-1)
	m.Selected = zones[z].Nodes[i].Name
}

// toggleNode kills the selected node, or restarts it when dead.
func (m *Model) toggleNode() {
	z, i, ok := m.node(m.Selected)
	if !ok {
		return
	}
	n := m.state.Zones[z].Nodes[i]
	var cmd drill.Command = drill.Kill{Nodes: []string{n.Name}}
	if !n.Alive {
		cmd = drill.Restart{Nodes: []string{n.Name}}
	}
	m.act(cmd)
}

// act runs the drill line a key made. A name the drill language cannot
// write (an imported hostname with control bytes) makes a line that does
// not parse; the parser's message says so on the bottom line.
func (m *Model) act(cmd drill.Command) {
	var perr *drill.Error
	if err := m.do(cmd.String()); errors.As(err, &perr) {
		m.Message, m.Failed = fmt.Sprintf("%s: %s", cmd, perr.Msg), true
	}
}

// toggleZone kills the selected node's zone, or restarts it when every
// node there is dead.
func (m *Model) toggleZone() {
	z, _, ok := m.node(m.Selected)
	if !ok {
		return
	}
	zone := m.state.Zones[z]
	var cmd drill.Command = drill.RestartZone{Zone: zone.Name}
	for _, n := range zone.Nodes {
		if n.Alive {
			cmd = drill.KillZone{Zone: zone.Name}
		}
	}
	m.act(cmd)
}
