package needtool

import "testing"

// fakeT records how Path ends a test, without ending this one; whatever
// else Path asks of it goes to the real test.
type fakeT struct {
	testing.TB
	skipped, failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Skipf(string, ...any)  { f.skipped = true }
func (f *fakeT) Fatalf(string, ...any) { f.failed = true }

func TestMissingProgramSkipsOnlyOutsideCI(t *testing.T) {
	const missing = "swarmsim-no-such-program"
	for _, tc := range []struct {
		ci            string
		skip, failure bool
	}{
		{"", true, false},
		{"false", true, false},
		{"true", false, true},
		{"1", false, true},
	} {
		t.Setenv("CI", tc.ci)
		f := &fakeT{TB: t}
		Path(f, missing)
		if f.skipped != tc.skip || f.failed != tc.failure {
			t.Errorf("CI=%q: skipped %v, failed %v; want skipped %v, failed %v", tc.ci, f.skipped, f.failed, tc.skip, tc.failure)
		}
	}
	if p := Path(t, "sh"); p == "" {
		t.Error("sh was not found")
	}
}
