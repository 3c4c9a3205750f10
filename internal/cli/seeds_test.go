package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/internal/chaos"
	"github.com/swarmsim/swarmsim/internal/report"
)

// A 64-bit seed survives jq and JavaScript only as a string: as a JSON
// number, 8106338771863799845 reads back as 8106338771863800000.
const bigSeed = "8106338771863799845"

// seedsOf walks decoded JSON and returns every value of a key ending in
// "seed", wherever it sits.
func seedsOf(v any, path string, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if strings.HasSuffix(k, "seed") {
				out[path+"."+k] = e
			}
			seedsOf(e, path+"."+k, out)
		}
	case []any:
		for _, e := range x {
			seedsOf(e, path+"[]", out)
		}
	}
}

func TestJSONSeedsAreStrings(t *testing.T) {
	for _, args := range [][]string{
		{"--seed", bigSeed, "--output", "json", "--for", "5s"},
		{"plan", "--managers", "3", "--seed", bigSeed, "--output", "json"},
		{"chaos", "--runs", "3", "--jobs", "1", "--for", "5s", "--seed", bigSeed, "--output", "json"},
	} {
		out, stderr, code := runArgs(t, args...)
		if code == exitBadInput {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		seeds := map[string]any{}
		seedsOf(v, "", seeds)
		if seeds[".seed"] != bigSeed {
			t.Errorf("%v: seed is %#v, want the string %q", args, seeds[".seed"], bigSeed)
		}
		for k, s := range seeds {
			if _, ok := s.(string); !ok {
				t.Errorf("%v: %s is %#v, not a string", args, k, s)
			}
		}
	}
}

// Every list of a chaos summary that names a run seed writes it as a
// string, and chaos merge reads the summary back.
func TestChaosRunSeedsAreStringsAndMerge(t *testing.T) {
	const runSeed = 1<<63 + 1
	sum := chaos.Summary{Runs: 1, Seed: 1, Managers: 3, Layout: "1-1-1", Shard: &chaos.ShardOf{Index: 1, Of: 1, CampaignRuns: 1},
		LostWrites: chaos.LostWriteRuns{Count: 1, Runs: []chaos.LostRun{{RunSeed: runSeed, Writes: []string{"w"}}}},
		Violations: []chaos.Violation{{RunSeed: runSeed, Invariant: "x"}},
		Errors:     []chaos.RunError{{RunSeed: runSeed, Error: "e"}},
	}
	var b bytes.Buffer
	if err := report.ChaosJSON(&b, &sum); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	seeds := map[string]any{}
	seedsOf(v, "", seeds)
	if len(seeds) != 4 {
		t.Errorf("found seeds %v; want the campaign's and three run seeds", seeds)
	}
	for k, s := range seeds {
		if _, ok := s.(string); !ok {
			t.Errorf("%s is %#v, not a string", k, s)
		}
	}
	file := filepath.Join(t.TempDir(), "1.json")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runArgs(t, "chaos", "merge", "--output", "json", file)
	if code == exitBadInput || !strings.Contains(out, `"run_seed": "9223372036854775809"`) {
		t.Errorf("chaos merge of its own output: exit %d, stderr %q\n%s", code, stderr, out)
	}
}
