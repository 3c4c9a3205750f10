package playground

import (
	"github.com/swarmsim/swarmsim/cluster"
	"github.com/swarmsim/swarmsim/internal/scenario"
	"github.com/swarmsim/swarmsim/internal/verdict"
)

// State is everything the page draws, as JSON. Field names are the page's;
// only the page reads them.
type State struct {
	AtMS      int64     `json:"at_ms"`
	Time      string    `json:"time"`   // as the timeline writes it: 41.431s
	Leader    string    `json:"leader"` // "" when no manager leads
	Term      uint64    `json:"term"`
	LocalCopy string    `json:"local_copy"` // without a leader: whose local copy the picture shows
	Quorum    Quorum    `json:"quorum"`
	Verdict   Verdict   `json:"verdict"`
	Zones     []Zone    `json:"zones"`
	Cut       []string  `json:"cut"` // each cut link, as "a|b"
	Services  []Service `json:"services"`
	Lanes     []Lane    `json:"lanes"`
	Steps     []Step    `json:"steps"`
	// Events are the timeline from the index the page asked for;
	// EventCount is the length of the whole timeline.
	Events     []Event `json:"events"`
	EventCount int     `json:"event_count"`
	Drill      string  `json:"drill"`
	Broken     string  `json:"broken,omitempty"` // an invariant broke: the session stopped
}

// Quorum is the quorum's numbers, as the verdict names them.
type Quorum struct {
	Members   int  `json:"members"`
	Needed    int  `json:"needed"`
	Alive     int  `json:"alive"`
	Reachable int  `json:"reachable"`
	Tolerance int  `json:"tolerance"`
	More      int  `json:"more_failures_tolerated"`
	Holds     bool `json:"holds"`
}

// Verdict is the headline verdict of the swarm as it is now.
type Verdict struct {
	Word    string   `json:"word"`    // holds, quorum-lost or degraded
	Summary string   `json:"summary"` // the sentence with the numbers
	Notes   []string `json:"notes"`   // what else it means
}

// Zone is a zone's column of node cards.
type Zone struct {
	Name  string `json:"name"`
	Nodes []Node `json:"nodes"`
}

// Node is one card.
type Node struct {
	Name          string   `json:"name"`
	Role          string   `json:"role"`
	Alive         bool     `json:"alive"`
	Leader        bool     `json:"leader"`
	Raft          string   `json:"raft"`   // the manager's Raft role; "" for workers and dead managers
	Status        string   `json:"status"` // ready, unknown or down; "" once removed
	Availability  string   `json:"availability"`
	ManagerStatus string   `json:"manager_status"`
	Tasks         []string `json:"tasks"`
}

// Service is one service's line.
type Service struct {
	Name    string         `json:"name"`
	Mode    string         `json:"mode"`
	Image   string         `json:"image"`
	Update  string         `json:"update"`
	Desired int            `json:"desired"`
	Running int            `json:"running"`
	Pending int            `json:"pending"`
	Zones   map[string]int `json:"zones"`
	Reasons []string       `json:"reasons"`
}

// Event is one line of the timeline.
type Event struct {
	AtMS   int64  `json:"at_ms"`
	Time   string `json:"time"`
	Kind   string `json:"kind"`
	Node   string `json:"node"`
	Detail string `json:"detail"`
}

// State is what the page draws now, with the timeline from event index
// from on (0 for all of it).
func (s *Session) State(from int) State {
	snap, _ := s.r.Snapshot()
	st := State{
		AtMS: snap.At.Milliseconds(), Time: cluster.FormatTime(snap.At),
		Leader: snap.Leader, Term: snap.Term, LocalCopy: snap.LocalCopy,
		Quorum:   Quorum{snap.Quorum.Members, snap.Quorum.Needed, snap.Quorum.Alive, snap.Quorum.Reachable, snap.Quorum.Tolerance, snap.Quorum.MoreFailuresTolerated, snap.Quorum.Holds},
		Verdict:  verdictOf(snap, s.r.UnlockKey()),
		Cut:      []string{},
		Services: []Service{},
		Lanes:    s.lanes.all,
		Steps:    s.steps,
		Events:   []Event{},
		Drill:    s.Drill(),
	}
	if s.broken != nil {
		st.Broken = s.broken.Error()
	}
	nodes := map[string]cluster.NodeView{}
	for _, n := range snap.Nodes {
		nodes[n.Name] = n
	}
	for _, z := range snap.Zones {
		zone := Zone{Name: z.Name, Nodes: []Node{}}
		for _, name := range z.Nodes {
			n := nodes[name]
			zone.Nodes = append(zone.Nodes, Node{Name: n.Name, Role: n.Role, Alive: n.Alive, Leader: n.Leader, Raft: n.Raft,
				Status: n.Status, Availability: n.Availability, ManagerStatus: n.ManagerStatus, Tasks: append([]string{}, n.Tasks.Names()...)})
		}
		st.Zones = append(st.Zones, zone)
	}
	for _, c := range snap.Cut {
		st.Cut = append(st.Cut, c[0]+"|"+c[1])
	}
	for _, sv := range snap.Services {
		zones := map[string]int{}
		for _, z := range snap.Zones {
			zones[z.Name] = sv.PerZone[z.Name]
		}
		st.Services = append(st.Services, Service{Name: sv.Name, Mode: sv.Mode, Image: sv.Image, Update: sv.Update, Desired: sv.Desired,
			Running: sv.Running, Pending: sv.Pending, Zones: zones, Reasons: append([]string{}, sv.Reasons...)})
	}
	st.EventCount = len(s.events)
	for _, e := range s.events[min(max(from, 0), len(s.events)):] {
		st.Events = append(st.Events, Event{AtMS: e.At.Milliseconds(), Time: cluster.FormatTime(e.At), Kind: e.Kind, Node: e.Node, Detail: e.Detail})
	}
	return st
}

// verdictOf is the headline report's verdict, word for word: package
// verdict writes it once for every page that shows one.
func verdictOf(snap cluster.Snapshot, unlockKey string) Verdict {
	word := scenario.VerdictOf(snap)
	text := verdict.Words(snap, word, unlockKey)
	v := Verdict{Word: string(word), Summary: text.Head + ": " + text.Summary, Notes: []string{}}
	for _, n := range text.Notes {
		v.Notes = append(v.Notes, n.Text())
	}
	return v
}
