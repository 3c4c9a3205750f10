package cluster

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/cluster/state"
)

// The timeline in chunks answers as one slice would, across chunk edges.
func TestTimelineSinceAcrossChunks(t *testing.T) {
	var tl timeline
	var flat []Event
	for i := range 3*timelineChunk + 17 {
		e := Event{At: time.Duration(i/3) * time.Millisecond, Kind: EventTaskPlaced, Detail: fmt.Sprint(i)}
		tl.add(e)
		flat = append(flat, e)
	}
	want := func(at time.Duration) []Event {
		for i, e := range flat {
			if e.At >= at {
				return flat[i:]
			}
		}
		return nil
	}
	for _, tc := range []struct {
		name string
		at   time.Duration
	}{
		{"all", 0},
		{"inside the first chunk", 5 * time.Millisecond},
		{"the first event of a chunk", timelineChunk / 3 * time.Millisecond},
		{"the last chunk", 3 * timelineChunk / 3 * time.Millisecond},
		{"the last event", time.Duration(len(flat)-1) / 3 * time.Millisecond},
		{"after the end", time.Hour},
	} {
		if got := tl.since(tc.at); !slices.Equal(got, want(tc.at)) {
			t.Errorf("%s: since(%v) gives %d events, want %d", tc.name, tc.at, len(got), len(want(tc.at)))
		}
	}
	if len(tl.full) != 3 {
		t.Errorf("%d full chunks, want 3", len(tl.full))
	}
}

// A placed task's line is written when read, and reads as the line written
// at once would: web.3 by its slot, agent.w2 by its node for a global
// service's task.
func TestPlacedLineReadsAsWritten(t *testing.T) {
	for _, tc := range []struct {
		name string
		task state.Task
		want string
	}{
		{"replicated", state.Task{Service: "web", Slot: 3, Node: "w1"}, "web.3 placed on w1"},
		{"global", state.Task{Service: "agent", Node: "w2"}, "agent.w2 placed on w2"},
	} {
		var tl timeline
		tl.addPlaced(7*time.Second, &tc.task)
		want := []Event{{At: 7 * time.Second, Kind: EventTaskPlaced, Node: tc.task.Node, Detail: tc.want}}
		if got := tl.since(0); !slices.Equal(got, want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, want)
		}
	}
}
