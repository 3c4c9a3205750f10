package agent

import (
	"slices"
	"testing"
)

// Tasks answers as a set of strings would, whatever order IDs come and go
// in, for the store's IDs and any other.
func TestTasksIsASetOfIDs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		add    []string
		remove []string
		want   []string // All's order: the store's IDs by number, then the others sorted
	}{
		{"in the store's order", []string{"t1", "t2", "t3"}, nil, []string{"t1", "t2", "t3"}},
		{"out of order", []string{"t10", "t2", "t9", "t1"}, nil, []string{"t1", "t2", "t9", "t10"}},
		{"twice", []string{"t2", "t2", "t1", "t1"}, nil, []string{"t1", "t2"}},
		{"removed", []string{"t1", "t2", "t3"}, []string{"t2", "t7"}, []string{"t1", "t3"}},
		{"other IDs", []string{"t5~1", "t2", "x", "t05", "t"}, []string{"x"}, []string{"t2", "t", "t05", "t5~1"}},
		{"all removed", []string{"t1", "a"}, []string{"a", "t1"}, nil},
	} {
		var s Tasks
		ref := map[string]bool{}
		for _, id := range tc.add {
			if got, want := s.Add(id), !ref[id]; got != want {
				t.Errorf("%s: Add(%q) = %v, want %v", tc.name, id, got, want)
			}
			ref[id] = true
		}
		for _, id := range tc.remove {
			if got, want := s.Remove(id), ref[id]; got != want {
				t.Errorf("%s: Remove(%q) = %v, want %v", tc.name, id, got, want)
			}
			delete(ref, id)
		}
		if got := slices.Collect(s.All()); !slices.Equal(got, tc.want) {
			t.Errorf("%s: All() = %q, want %q", tc.name, got, tc.want)
		}
		if s.Len() != len(ref) {
			t.Errorf("%s: Len() = %d, want %d", tc.name, s.Len(), len(ref))
		}
		for _, id := range append(tc.add, "t99", "y") {
			if s.Has(id) != ref[id] {
				t.Errorf("%s: Has(%q) = %v, want %v", tc.name, id, s.Has(id), ref[id])
			}
		}
		s.Clear()
		if s.Len() != 0 || slices.Collect(s.All()) != nil {
			t.Errorf("%s: not empty after Clear", tc.name)
		}
	}
}
