package report

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/swarmsim/swarmsim/cluster"
)

// RaftTable writes every manager's Raft as etcd reports it: state, term,
// vote and log indexes, then the leader's view of each follower. It is the
// headline's --raft section and the shell's raft command.
func RaftTable(w io.Writer, views []cluster.RaftView, st Styles) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NODE\tZONE\tSTATE\tTERM\tVOTE\tLEADER\tCOMMIT\tAPPLIED\tLAST INDEX")
	dead := false
	for _, v := range views {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%s\t%s\t%d\t%s\t%d\n", v.Node, v.Zone, v.State, v.Term, dash(v.Vote), dash(v.Lead), v.Commit, applied(v), v.LastIndex)
		dead = dead || !v.Running
	}
	tw.Flush()
	for _, v := range views {
		if len(v.Followers) == 0 {
			continue
		}
		fmt.Fprintf(w, "  %s, leading term %d, sees its followers:\n", v.Node, v.Term)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, f := range v.Followers {
			active := "recently active"
			if !f.RecentActive {
				active = st.Bad.Render("not heard from")
			}
			fmt.Fprintf(tw, "    %s\tmatch %d\tnext %d\t%s\t%s\n", f.Node, f.Match, f.Next, f.State, active)
		}
		tw.Flush()
	}
	if dead {
		fmt.Fprintf(w, "  %s\n", st.Dim.Render("a dead manager's applied index is —: its state machine was in memory; its commit and last index are what its disk holds"))
	}
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func applied(v cluster.RaftView) string {
	if !v.Running {
		return "—"
	}
	return strconv.FormatUint(v.Applied, 10)
}

// raftJSON is one manager in the JSON "raft" list.
type raftJSON struct {
	Node      string         `json:"node"`
	Zone      string         `json:"zone"`
	RaftID    uint64         `json:"raft_id"`
	State     string         `json:"state"`
	Term      uint64         `json:"term"`
	Vote      string         `json:"vote"`
	Lead      string         `json:"lead"`
	Commit    uint64         `json:"commit"`
	Applied   *uint64        `json:"applied"` // null on a dead manager
	LastIndex uint64         `json:"last_index"`
	Followers []followerJSON `json:"followers"`
}

type followerJSON struct {
	Node         string `json:"node"`
	Match        uint64 `json:"match"`
	Next         uint64 `json:"next"`
	RecentActive bool   `json:"recent_active"`
	State        string `json:"state"`
}

func raftList(views []cluster.RaftView) []raftJSON {
	out := []raftJSON{}
	for _, v := range views {
		r := raftJSON{Node: v.Node, Zone: v.Zone, RaftID: v.RaftID, State: v.State, Term: v.Term, Vote: v.Vote, Lead: v.Lead,
			Commit: v.Commit, LastIndex: v.LastIndex, Followers: []followerJSON{}}
		if v.Running {
			r.Applied = &v.Applied
		}
		for _, f := range v.Followers {
			r.Followers = append(r.Followers, followerJSON{Node: f.Node, Match: f.Match, Next: f.Next, RecentActive: f.RecentActive, State: f.State})
		}
		out = append(out, r)
	}
	return out
}
