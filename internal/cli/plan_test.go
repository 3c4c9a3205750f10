package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPlanCommand(t *testing.T) {
	out, _, code := runArgs(t, "plan", "--managers", "4", "--zones", "3", "--no-color")
	if code != exitOK || !strings.Contains(out, "★ 2-1-1") || !strings.Contains(out, "4 managers tolerate no more failures than 3") {
		t.Errorf("plan 4 over 3: exit %d\n%s", code, out)
	}
	out, _, _ = runArgs(t, "plan", "--managers", "9", "--zones", "3", "--no-color")
	if !strings.Contains(out, "more than the 7 Docker recommends") {
		t.Errorf("plan 9 lacks Docker's advice on write latency:\n%s", out)
	}
	js, _, code := runArgs(t, "plan", "--az", "2-2-1", "--node-failure", "0.05", "--zone-failure", "0.01", "--samples", "2000", "--output", "json")
	var rep struct {
		Layouts []struct {
			Odds *struct {
				Agree bool `json:"agree"`
			} `json:"odds"`
		} `json:"layouts"`
		Verified map[string][]struct {
			Zone string `json:"zone"`
		} `json:"verified"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil || code != exitOK {
		t.Fatalf("exit %d, %v\n%s", code, err, js)
	}
	if len(rep.Layouts) != 1 || rep.Layouts[0].Odds == nil || !rep.Layouts[0].Odds.Agree || len(rep.Verified["2-2-1"]) != 3 {
		t.Errorf("report %+v", rep)
	}
}

func TestPlanBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no managers", []string{"--managers", "0"}, "--managers 0: it must be at least 1"},
		{"too many to list", []string{"--managers", "40"}, "too many layouts"},
		{"bad layout", []string{"--az", "2-x"}, "--az 2-x:"},
		{"odds alone", []string{"--node-failure", "0.1"}, "give both --node-failure and --zone-failure"},
		{"odds above 1", []string{"--node-failure", "2", "--zone-failure", "0"}, "not between 0 and 1"},
		{"odds not a number", []string{"--node-failure", "x", "--zone-failure", "0"}, "--node-failure x: write a probability"},
		{"layout and managers disagree", []string{"--az", "2-2-1", "--managers", "4"}, "adds up to 5 managers, but --managers is 4"},
		{"layout and zones disagree", []string{"--az", "2-2-1", "--zones", "2"}, "--az 2-2-1 already gives 3 zones, but --zones is 2; leave out --zones"},
		{"too few samples", []string{"--samples", "10"}, "--samples 10: it must be at least 100"},
		{"stray argument", []string{"5"}, `unexpected argument "5"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertBadInput(t, append([]string{"plan"}, tc.args...), tc.want)
		})
	}
}
