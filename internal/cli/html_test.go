package cli

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// The HTML reports' goldens hold their structure, not their bytes: every
// element that has an id or a class, nested as in the page, with the
// attributes that name what it shows (a node, a zone, a service, a
// layout, a drill) and the words of its headings. Coordinates, colours
// and styles are left out, so a change of look does not touch them while
// a lost lane, event, step or card does.
func outline(page string) string {
	tag := regexp.MustCompile(`(?s)<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*?)(/?)>`)
	attr := regexp.MustCompile(`([a-z-]+)="([^"]*)"`)
	void := map[string]bool{"meta": true, "link": true, "br": true, "img": true, "input": true, "hr": true}
	// Cells, inline marks and SVG text are looks, not structure.
	skip := map[string]bool{"text": true, "title": true, "circle": true, "td": true, "th": true, "i": true}
	heading := map[string]bool{"h1": true, "h2": true, "h3": true, "figcaption": true}
	named := []string{"data-node", "data-zone", "data-service", "data-layout", "data-file", "data-line"}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(page); {
		m := tag.FindStringSubmatchIndex(page[i:])
		if m == nil {
			break
		}
		closing, name, attrs, selfClosing := page[i+m[2]:i+m[3]], strings.ToLower(page[i+m[4]:i+m[5]]), page[i+m[6]:i+m[7]], page[i+m[8]:i+m[9]] == "/"
		end := i + m[1]
		if closing == "/" {
			depth--
			i = end
			continue
		}
		if name == "style" || name == "script" {
			// Their text is code, not page; skip to the closing tag.
			close := strings.Index(page[end:], "</"+name+">")
			i = end + close + len("</"+name+">")
			continue
		}
		values := map[string]string{}
		for _, a := range attr.FindAllStringSubmatch(attrs, -1) {
			values[a[1]] = a[2]
		}
		class := values["class"]
		// Of the inline spans, only a node's state is structure.
		shown := values["id"] != "" || heading[name] || (class != "" && (name != "span" || strings.HasPrefix(class, "state ")))
		for _, a := range named {
			_, ok := values[a]
			shown = shown || ok
		}
		if shown && !skip[name] && !strings.Contains(" "+class+" ", " grid ") {
			line := strings.Repeat("  ", depth) + name
			if id := values["id"]; id != "" {
				line += "#" + id
			}
			for _, c := range strings.Fields(class) {
				line += "." + c
			}
			for _, a := range named {
				if v, ok := values[a]; ok {
					line += fmt.Sprintf(" [%s=%s]", a, v)
				}
			}
			switch name {
			case "h1", "h2", "h3", "figcaption", "b":
				close := strings.Index(page[end:], "</"+name+">")
				line += ": " + regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page[end:end+close], "")
			}
			b.WriteString(line + "\n")
		}
		if !void[name] && !selfClosing {
			depth++
		}
		i = end
	}
	return b.String()
}

func TestHTMLStructureGolden(t *testing.T) {
	t.Chdir(root)
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"headline-kill-2", []string{"--managers", "5", "--az", "2-2-1", "--kill", "2", "--raft"}, exitOK},
		{"headline-partition", []string{"--managers", "5", "--az", "2-2-1", "--workers", "3", "--partition", "a|b,c", "--seed", "4"}, exitOK},
		{"headline-kill-3", []string{"--managers", "3", "--kill", "2", "--for", "30s"}, exitFailed},
		{"drill", []string{"run", "examples/force-new-cluster.drill"}, exitOK},
		{"plan", []string{"plan", "--managers", "5", "--zones", "3", "--node-failure", "0.01", "--zone-failure", "0.001", "--samples", "2000"}, exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := runArgs(t, append(tc.args, "--output", "html")...)
			if code != tc.code || stderr != "" {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, stderr)
			}
			if !strings.HasPrefix(out, "<!DOCTYPE html>\n") || !strings.HasSuffix(out, "</html>\n") {
				t.Error("not one whole HTML document")
			}
			// Self-contained: nothing is fetched when the page opens.
			for _, ref := range []string{"src=", "href=", "@import", "http:", "https:", "url(\"", "url('"} {
				if i := strings.Index(out, ref); i >= 0 {
					t.Errorf("the page refers to something outside it: …%s…", out[max(0, i-30):min(len(out), i+40)])
				}
			}
			golden(t, "html/"+tc.name+".outline", outline(out))
		})
	}
}

func TestHTMLIsDeterministic(t *testing.T) {
	for _, args := range [][]string{
		{"--managers", "5", "--az", "2-2-1", "--workers", "4", "--kill", "2", "--raft", "--output", "html"},
		{"run", "--output", "html", root + "/examples/zone-loss-3.drill", root + "/examples/rollback.drill"},
		{"plan", "--managers", "5", "--node-failure", "0.01", "--zone-failure", "0.001", "--samples", "500", "--output", "html"},
	} {
		first, _, _ := runArgs(t, args...)
		for range 2 {
			if again, _, _ := runArgs(t, args...); again != first {
				t.Fatalf("%v wrote a different page the second time", args)
			}
		}
	}
	a, _, _ := runArgs(t, "--managers", "5", "--kill", "2", "--output", "html")
	b, _, _ := runArgs(t, "--managers", "5", "--kill", "2", "--output", "html", "--seed", "2")
	if a == b {
		t.Error("seeds 1 and 2 wrote the same page")
	}
}

func TestHTMLRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--views", "--output", "html"}, "leave it out with --output html"},
		{[]string{"run", "--pace", "100ms", "--output", "html", root + "/examples/zone-loss-3.drill"}, "--pace narrates a run on the terminal; leave it out with --output html"},
	} {
		_, stderr, code := runArgs(t, tc.args...)
		if code != exitBadInput || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want one line with %q", tc.args, code, stderr, tc.want)
		}
	}
	for _, args := range [][]string{
		{"--kill", "1", "--output", "html"},
		{"plan", "--output", "html"},
		{"run", "--output", "html", root + "/examples/zone-loss-3.drill"},
	} {
		var stderr strings.Builder
		code := run(args, strings.NewReader(""), brokenPipe{}, &stderr, noEnv)
		if code != exitBadInput || !strings.Contains(stderr.String(), "writing HTML: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}
