package golden

import "testing"

func TestDiff(t *testing.T) {
	want := "a\nb\nc\nd\ne\nf\ng\n"
	got := "a\nb\nc\nD\ne\nf\ng\nh\n"
	const diff = "  b\n  c\n- d\n+ D\n  e\n  f\n  g\n+ h\n  \n"
	if d := Diff(want, got); d != diff {
		t.Errorf("Diff =\n%s\nwant\n%s", d, diff)
	}
	if d := Diff("same\n", "same\n"); d != "" {
		t.Errorf("Diff of equal texts = %q", d)
	}
}
