package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/swarmsim/swarmsim/internal/needtool"
)

// The HTML reports are checked the way a person would check them: opened
// in a real browser (Debian's headless Chromium), whose DOM after the
// page's script ran must show the new leader and the verdict, with no
// script error, and whose screenshot must show a picture, not a blank.

// viewport is the browser window a screenshot shows.
const viewportW, viewportH = 1100, 1400

// openPage loads page in headless Chromium and returns the DOM once the
// page's script has run, and a screenshot of the window.
func openPage(t *testing.T, chromium, page string, w, h int) (dom string, shot image.Image, pngBytes []byte) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	shotFile := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--window-size="+strconv.Itoa(w)+","+strconv.Itoa(h), "--screenshot="+shotFile, "--dump-dom", "file://"+file)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errOut.String())
	}
	data, err := os.ReadFile(shotFile)
	if err != nil {
		t.Fatalf("chromium took no screenshot: %v\n%s", err, errOut.String())
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	return out.String(), img, data
}

// checkPage checks what every report must show in the browser: its script
// ran without error, and the screenshot is a real picture.
func checkPage(t *testing.T, dom string, shot image.Image, data []byte) {
	t.Helper()
	root := regexp.MustCompile(`<html[^>]*>`).FindString(dom)
	if !strings.Contains(root, `data-script="ok"`) {
		t.Errorf("the page's script did not finish: %s", root)
	}
	if strings.Contains(root, "data-script-error") {
		t.Errorf("the page's script failed: %s", root)
	}
	if b := shot.Bounds(); b.Dx() != viewportW || b.Dy() != viewportH {
		t.Errorf("screenshot is %dx%d, want the %dx%d window", b.Dx(), b.Dy(), viewportW, viewportH)
	}
	if len(data) < 20_000 {
		t.Errorf("the screenshot is only %d bytes: an empty page?", len(data))
	}
	// A blank or one-colour page has nearly every pixel the colour of the
	// corner; a report has text, boxes and a timeline on it.
	b := shot.Bounds()
	bg := color.RGBAModel.Convert(shot.At(b.Min.X, b.Min.Y))
	colours := map[color.Color]bool{}
	differ := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			c := color.RGBAModel.Convert(shot.At(x, y))
			colours[c] = true
			if c != bg {
				differ++
			}
		}
	}
	if total := b.Dx() * b.Dy() / 4; len(colours) < 16 || differ*50 < total {
		t.Errorf("the screenshot looks empty: %d colours, %d of %d sampled pixels differ from the background", len(colours), differ, total)
	}
}

func TestHTMLInChromium(t *testing.T) {
	// Skipped without Chromium on a developer's machine; under CI it fails.
	chromium := needtool.Path(t, "chromium")

	t.Run("headline", func(t *testing.T) {
		t.Parallel()
		args := []string{"--managers", "5", "--az", "2-2-1", "--workers", "3", "--kill", "2", "--raft"}
		var want struct {
			Leader  struct{ After string } `json:"leader"`
			Verdict string                 `json:"verdict"`
		}
		js, _, _ := runArgs(t, append(args, "--output", "json")...)
		if err := json.Unmarshal([]byte(js), &want); err != nil || want.Leader.After == "" {
			t.Fatalf("no new leader in the JSON report (%v): %s", err, js)
		}
		page, _, code := runArgs(t, append(args, "--output", "html")...)
		if code != exitOK {
			t.Fatalf("exit %d", code)
		}
		dom, shot, data := openPage(t, chromium, page, viewportW, viewportH)
		checkPage(t, dom, shot, data)
		for _, seen := range []string{
			`<b class="new-leader">` + want.Leader.After + `</b>`,
			`id="verdict-label">quorum holds</span>`,
			`quorum 3 of 5, 3 alive, tolerates 2`,
		} {
			if !strings.Contains(dom, seen) {
				t.Errorf("the rendered page lacks %q", seen)
			}
		}
		// The read-out is written by the script from the lanes: it names
		// the new leader leading, at the end of the run.
		readout := regexp.MustCompile(`<p class="readout" id="readout">([^<]*)</p>`).FindStringSubmatch(dom)
		if readout == nil || !strings.Contains(readout[1], want.Leader.After+" leader · term ") || !strings.HasPrefix(readout[1], "at +60.000s: ") {
			t.Errorf("the timeline's read-out %q does not show %s leading at the end", readout, want.Leader.After)
		}
		if *update {
			readmeShot(t, chromium, page)
		}
	})

	t.Run("drill", func(t *testing.T) {
		t.Parallel()
		file := filepath.Join(root, "examples", "force-new-cluster.drill")
		text, _, _ := runArgs(t, "run", "--no-color", file)
		elected := regexp.MustCompile(`leader-elected\s+(\S+) elected leader`).FindAllStringSubmatch(text, -1)
		if len(elected) == 0 {
			t.Fatalf("the transcript names no elected leader:\n%s", text)
		}
		leader := elected[len(elected)-1][1]
		page, _, code := runArgs(t, "run", "--output", "html", file)
		if code != exitOK {
			t.Fatalf("exit %d", code)
		}
		dom, shot, data := openPage(t, chromium, page, viewportW, viewportH)
		checkPage(t, dom, shot, data)
		final := dom[strings.Index(dom, `<figure class="final">`):]
		for _, seen := range []string{`id="verdict-label">all held</span>`, leader + " elected leader in term"} {
			if !strings.Contains(dom, seen) {
				t.Errorf("the rendered page lacks %q", seen)
			}
		}
		if !regexp.MustCompile(`data-node="` + leader + `"><span class="name">` + leader + `</span> <span class="role">manager</span> <span class="state leader">`).MatchString(final) {
			t.Errorf("the swarm at the end does not show %s leading", leader)
		}
		if got := strings.Count(dom, `<li class="step `); got != 21 {
			t.Errorf("the page shows %d steps, the drill has 21", got)
		}
	})

	// The error trap itself: a page whose script throws must be caught, or
	// the checks above could pass on a broken page.
	t.Run("script error", func(t *testing.T) {
		t.Parallel()
		page, _, _ := runArgs(t, "plan", "--az", "1-1-1", "--output", "html")
		broken := strings.Replace(page, `document.documentElement.setAttribute("data-script", "ok");`, `noSuchFunction();`, 1)
		if broken == page {
			t.Fatal("the page's script no longer marks the document; update this test")
		}
		dom, _, _ := openPage(t, chromium, broken, 400, 300)
		root := regexp.MustCompile(`<html[^>]*>`).FindString(dom)
		if !strings.Contains(root, `data-script-error="Uncaught ReferenceError: noSuchFunction is not defined"`) || strings.Contains(root, `data-script="ok"`) {
			t.Errorf("a throwing script left no error mark: %s", root)
		}
	})

	t.Run("plan", func(t *testing.T) {
		t.Parallel()
		args := []string{"plan", "--managers", "5", "--zones", "3", "--node-failure", "0.01", "--zone-failure", "0.001", "--samples", "2000"}
		var want struct {
			Layouts []struct {
				Layout      string `json:"layout"`
				Recommended bool   `json:"recommended"`
			} `json:"layouts"`
			Verified map[string][]struct {
				Zone   string `json:"zone"`
				Leader string `json:"leader"`
			} `json:"verified"`
		}
		js, _, _ := runArgs(t, append(args, "--output", "json")...)
		if err := json.Unmarshal([]byte(js), &want); err != nil {
			t.Fatal(err)
		}
		page, _, code := runArgs(t, append(args, "--output", "html")...)
		if code != exitOK {
			t.Fatalf("exit %d", code)
		}
		dom, shot, data := openPage(t, chromium, page, viewportW, viewportH)
		checkPage(t, dom, shot, data)
		for _, l := range want.Layouts {
			if !strings.Contains(dom, `data-layout="`+l.Layout+`"`) {
				t.Errorf("the page lacks layout %s", l.Layout)
			}
			if l.Recommended && !strings.Contains(dom, `id="recommended">`+l.Layout+`</span>`) {
				t.Errorf("the page does not recommend %s", l.Layout)
			}
		}
		if !strings.Contains(dom, `id="verdict-label">Raft agreed with every prediction.</p>`) {
			t.Error("the page lacks the verdict that Raft agreed")
		}
		for _, vs := range want.Verified {
			for _, v := range vs {
				if !regexp.MustCompile(`data-zone="` + v.Zone + `"><td>` + v.Zone + `</td><td>holds</td><td>holds, <b class="leader-name">` + v.Leader + `</b>`).MatchString(dom) {
					t.Errorf("losing zone %s: the page does not show %s leading", v.Zone, v.Leader)
				}
			}
		}
	})
}

// readmeShot writes the README's picture of the headline report: the top
// of the page, in at most 256 colours, so the file stays small.
func readmeShot(t *testing.T, chromium, page string) {
	t.Helper()
	_, shot, _ := openPage(t, chromium, page, 1000, 1180)
	var b bytes.Buffer
	if err := png.Encode(&b, paletted(shot)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "docs", "html-report.png")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// paletted keeps an image's 256 most frequent colours and maps every other
// pixel to the nearest of them: a page of flat colours and text loses
// nothing a reader sees, and the PNG shrinks severalfold.
func paletted(img image.Image) *image.Paletted {
	b := img.Bounds()
	counts := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	var all []color.RGBA
	for c := range counts {
		all = append(all, c)
	}
	slices.SortFunc(all, func(a, c color.RGBA) int {
		if counts[a] != counts[c] {
			return counts[c] - counts[a]
		}
		return int(uint32(a.R)<<16|uint32(a.G)<<8|uint32(a.B)) - int(uint32(c.R)<<16|uint32(c.G)<<8|uint32(c.B))
	})
	var pal color.Palette
	for _, c := range all[:min(256, len(all))] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(b, pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.SetColorIndex(x, y, uint8(pal.Index(img.At(x, y))))
		}
	}
	return out
}
