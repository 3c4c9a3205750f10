package cluster

import (
	"fmt"
	"slices"
	"testing"
	"time"
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
