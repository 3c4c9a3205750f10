package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README is a door: it links each command's page under docs/, every
// page is listed in docs/README.md, and every relative link of every page
// leads to a file that exists.
func TestManualPagesAreLinked(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil || len(pages) < 10 {
		t.Fatalf("found %d pages under docs/ (%v)", len(pages), err)
	}
	readme, _ := os.ReadFile(filepath.Join(root, "README.md"))
	index, _ := os.ReadFile(filepath.Join(root, "docs", "README.md"))
	for _, p := range pages {
		name := filepath.Base(p)
		if name == "README.md" {
			continue
		}
		if !strings.Contains(string(index), "]("+name+")") {
			t.Errorf("docs/README.md does not list %s", name)
		}
		if !strings.Contains(string(readme), "](docs/"+name+")") {
			t.Errorf("the README's tour does not link docs/%s", name)
		}
	}
	link := regexp.MustCompile(`\]\(([^)#:]+)(#[^)]*)?\)`)
	for _, p := range append(pages, filepath.Join(root, "README.md")) {
		text, _ := os.ReadFile(p)
		for _, m := range link.FindAllStringSubmatch(string(text), -1) {
			target := filepath.Join(filepath.Dir(p), m[1])
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s links %s, which does not exist", filepath.Base(p), m[1])
			}
		}
	}
	if n := strings.Count(string(readme), "\n"); n > 200 {
		t.Errorf("the README has %d lines; the manual belongs under docs/", n)
	}
}
