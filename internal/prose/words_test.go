package prose

import (
	"slices"
	"testing"
)

func TestLists(t *testing.T) {
	for _, c := range []struct {
		items   []string
		or, and string
	}{
		{nil, "", ""},
		{[]string{"a"}, "a", "a"},
		{[]string{"a", "b"}, "a or b", "a and b"},
		{[]string{"a", "b", "c"}, "a, b or c", "a, b and c"},
	} {
		if got := OrList(c.items); got != c.or {
			t.Errorf("OrList(%q) = %q, want %q", c.items, got, c.or)
		}
		if got := AndList(c.items); got != c.and {
			t.Errorf("AndList(%q) = %q, want %q", c.items, got, c.and)
		}
	}
}

func TestCounted(t *testing.T) {
	for n, want := range map[int]string{0: "0 zones", 1: "1 zone", 2: "2 zones"} {
		if got := Counted(n, "zone"); got != want {
			t.Errorf("Counted(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		words []string
		width int
		want  []string
	}{
		{nil, 10, nil},
		{[]string{"web.1", "web.2", "web.3"}, 11, []string{"web.1 web.2", "web.3"}},
		{[]string{"averyverylongword", "x"}, 5, []string{"averyverylongword", "x"}},
	} {
		if got := Wrap(c.words, c.width); !slices.Equal(got, c.want) {
			t.Errorf("Wrap(%q, %d) = %q, want %q", c.words, c.width, got, c.want)
		}
	}
}

func TestFirstLine(t *testing.T) {
	if got := FirstLine("one\ntwo"); got != "one" {
		t.Errorf("FirstLine = %q", got)
	}
}

func TestSuggest(t *testing.T) {
	options := []string{"cluster", "kill", "restart", "partition", "heal", "wait", "docker", "expect"}
	cases := []struct{ word, want string }{
		{"kil", "kill"},
		{"kll", "kill"},
		{"KILL", "kill"},
		{"partiton", "partition"},
		{"parititon", "partition"},
		{"expcet", "expect"},
		{"dokcer", "docker"},
		{"clust", "cluster"},
		{"restar", "restart"},
		{"x", ""},
		{"kilt", "kill"},
		{"stop", ""},
		{"ha", ""},
		{"ex", ""},
	}
	for _, c := range cases {
		if got := Suggest(c.word, options); got != c.want {
			t.Errorf("Suggest(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kill", "kill", 0},
		{"kil", "kill", 1}, {"sacle", "scale", 1}, {"abc", "cab", 2},
		{"kitten", "sitting", 3}, {"héal", "heal", 1},
	}
	for _, c := range cases {
		if got := EditDistance(c.a, c.b); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := EditDistance(c.b, c.a); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.b, c.a, got, c.want)
		}
	}
}
