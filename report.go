package main

import (
	"encoding/json"
	"io"
)

// report is the JSON output. Field names are stable and documented in the
// README; add fields, never rename them.
type report struct {
	Seed       uint64                `json:"seed"`
	Managers   int                   `json:"managers"`
	Workers    int                   `json:"workers"`
	Layout     string                `json:"layout"`
	Zones      map[string]zoneReport `json:"zones"`
	Quorum     quorumReport          `json:"quorum"`
	Tolerance  int                   `json:"tolerance"`
	MoreFail   int                   `json:"more_failures_tolerated"`
	Leader     leaderReport          `json:"leader"`
	InjectedAt int64                 `json:"injected_at_ms"`
	Killed     []string              `json:"killed"`
	Services   []serviceReport       `json:"services"`
	Events     []eventReport         `json:"events"`
	Verdict    string                `json:"verdict"`
}

type zoneReport struct {
	Managers int `json:"managers"`
	Workers  int `json:"workers"`
}

type quorumReport struct {
	Size   int  `json:"size"`
	Needed int  `json:"needed"`
	Alive  int  `json:"alive"`
	Holds  bool `json:"holds"`
}

type leaderReport struct {
	Before         string `json:"before"`
	After          string `json:"after"`
	ElectedAfterMS *int64 `json:"elected_after_ms"`
}

type serviceReport struct {
	Name    string         `json:"name"`
	Mode    string         `json:"mode"`
	Desired int            `json:"desired"`
	Running int            `json:"running"`
	Pending int            `json:"pending"`
	Zones   map[string]int `json:"zones"`
	Reasons []string       `json:"pending_reasons"`
}

type eventReport struct {
	AtMS   int64  `json:"at_ms"`
	Kind   string `json:"kind"`
	Node   string `json:"node"`
	Detail string `json:"detail"`
}

func renderJSON(w io.Writer, o *outcome) error {
	q := o.after.Quorum
	r := report{
		Seed:       o.opts.seed,
		Managers:   o.opts.managers,
		Workers:    o.opts.workers,
		Layout:     o.opts.layout.String(),
		Zones:      map[string]zoneReport{},
		Quorum:     quorumReport{Size: q.Members, Needed: q.Needed, Alive: q.Alive, Holds: q.Holds},
		Tolerance:  q.Tolerance,
		MoreFail:   max(q.Alive-q.Needed, 0),
		Leader:     leaderReport{Before: o.before.Leader, After: o.after.Leader},
		InjectedAt: ms(o.injectedAt),
		Killed:     append([]string{}, o.killed...),
		Services:   []serviceReport{},
		Events:     []eventReport{},
		Verdict:    o.verdict,
	}
	if !q.Holds {
		r.MoreFail = 0
	}
	for _, z := range o.opts.layout.Zones {
		r.Zones[z.Name] = zoneReport{Managers: z.Managers, Workers: z.Workers}
	}
	if o.electedIn != nil {
		v := ms(*o.electedIn)
		r.Leader.ElectedAfterMS = &v
	}
	for _, sv := range o.after.Services {
		zones := map[string]int{}
		for _, z := range o.after.Zones {
			zones[z.Name] = sv.PerZone[z.Name]
		}
		r.Services = append(r.Services, serviceReport{
			Name: sv.Name, Mode: sv.Mode, Desired: sv.Desired, Running: sv.Running, Pending: sv.Pending,
			Zones: zones, Reasons: append([]string{}, sv.Reasons...),
		})
	}
	for _, e := range o.events {
		r.Events = append(r.Events, eventReport{AtMS: ms(e.At - o.injectedAt), Kind: e.Kind, Node: e.Node, Detail: e.Detail})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
