package page

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/swarmsim/swarmsim/internal/playground"
)

// Building WebAssembly takes seconds, so each build runs once per test
// binary, into a directory TestMain removes.
var (
	builds  string
	buildMu sync.Mutex
	built   = map[string]error{}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "swarmsim-page-test-")
	if err != nil {
		panic(err)
	}
	builds = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func toolchain(t *testing.T) Toolchain {
	t.Helper()
	tc, err := FindToolchain()
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

// wasm builds a package of the module for the browser once, and returns
// the file.
func wasm(t *testing.T, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	out := filepath.Join(builds, strings.NewReplacer("/", "_", ".", "_").Replace(pkg)+".wasm")
	err, done := built[pkg]
	if !done {
		err = toolchain(t).compile(pkg, out)
		built[pkg] = err
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteCarriesEverythingInOneFile(t *testing.T) {
	bin := bytes.Repeat([]byte("\x00asm the simulator "), 1000)
	src := playground.Source{Name: "x.drill", Text: "cluster managers=3\n# </script><script>alert(1)</script>\n", Files: map[string]string{"nodes.json": "[]"}}
	var page bytes.Buffer
	if err := Write(&page, Page{Source: src, Wasm: bin, WasmExec: []byte("globalThis.Go = class {};")}); err != nil {
		t.Fatal(err)
	}
	html := page.String()

	m := regexp.MustCompile(`<script type="application/octet-stream" id="wasm">([^<]*)</script>`).FindStringSubmatch(html)
	if m == nil {
		t.Fatal("no WebAssembly in the page")
	}
	packed, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		t.Fatal(err)
	}
	unpacked, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unpacked, bin) {
		t.Errorf("the page's WebAssembly does not unpack to what was built (%v)", err)
	}

	m = regexp.MustCompile(`<script type="application/json" id="start">([^<]*)</script>`).FindStringSubmatch(html)
	if m == nil {
		t.Fatal("the drill's script element is missing or was ended early by the drill's text")
	}
	var got start
	if err := json.Unmarshal([]byte(m[1]), &got); err != nil {
		t.Fatal(err)
	}
	if got.Text != src.Text || got.Files["nodes.json"] != "[]" || got.Download != "x-class.drill" {
		t.Errorf("the page starts from %+v", got)
	}
	if strings.Count(html, "<script") != 5 {
		t.Errorf("the page has %d script elements, want 5", strings.Count(html, "<script"))
	}
	// Nothing is loaded from elsewhere, and the policy forbids trying.
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).FindString(html); m != "" {
		t.Errorf("the page refers to the network: %s", m)
	}
	if !strings.Contains(html, `content="default-src 'none';`) {
		t.Error("the page has no Content-Security-Policy forbidding requests")
	}
}

func TestWriteRefusesScriptsThatEndEarly(t *testing.T) {
	err := Write(io.Discard, Page{WasmExec: []byte("x = '</script>';")})
	if err == nil || !strings.Contains(err.Error(), "wasm_exec.js") {
		t.Errorf("got %v, want a refusal naming wasm_exec.js", err)
	}
}

func TestDownloadName(t *testing.T) {
	for name, want := range map[string]string{"": "class.drill", "playground.drill": "class.drill", "zone-loss-5.drill": "zone-loss-5-class.drill", "demo": "demo-class.drill"} {
		if got := DownloadName(name); got != want {
			t.Errorf("DownloadName(%q) = %q, want %q", name, got, want)
		}
	}
}

// The page's simulator imports the simulation and the drill runner, and
// nothing that styles a terminal: that is what keeps the page small.
func TestWasmLeavesTerminalStylingOut(t *testing.T) {
	tc := toolchain(t)
	cmd := exec.Command(tc.Go, "list", "-deps", entry)
	cmd.Dir = tc.Module
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	deps := "\n" + string(out)
	for _, banned := range []string{"lipgloss", "termenv", "/internal/report\n", "/internal/cli\n", "golang.org/x/term"} {
		if strings.Contains(deps, banned) {
			t.Errorf("the page's simulator depends on %s", strings.TrimSpace(banned))
		}
	}
	for _, needed := range []string{"/cluster\n", "/drill\n", "/internal/drillrun\n", "/internal/scenario\n", "go.etcd.io/raft/v3\n"} {
		if !strings.Contains(deps, needed) {
			t.Errorf("the page's simulator does not run %s", strings.TrimSpace(needed))
		}
	}
}

// A page made the way swarmsim playground makes it stays under 8 MB.
func TestPageIsSmall(t *testing.T) {
	bin, err := os.ReadFile(wasm(t, entry))
	if err != nil {
		t.Fatal(err)
	}
	js, err := toolchain(t).WasmExec()
	if err != nil {
		t.Fatal(err)
	}
	src, err := playground.ReadDrill("../../../examples/zone-loss-5.drill")
	if err != nil {
		t.Fatal(err)
	}
	var page countingWriter
	if err := Write(&page, Page{Source: src, Wasm: bin, WasmExec: js}); err != nil {
		t.Fatal(err)
	}
	t.Logf("simulator %.1f MB, page %.1f MB", float64(len(bin))/1e6, float64(page)/1e6)
	if page > 8<<20 {
		t.Errorf("the page is %.1f MB; keep it under 8 MB", float64(page)/(1<<20))
	}
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// Without Go, or without swarmsim's source, the command says what to do in
// one line.
func TestFindToolchainSaysWhatIsMissing(t *testing.T) {
	noGo := func(string) (string, error) { return "", exec.ErrNotFound }
	if _, err := findToolchain(noGo, "", nil); err == nil || !strings.Contains(err.Error(), "finds no go command; install Go 1.26 or newer") {
		t.Errorf("without go: %v", err)
	}
	if _, err := findToolchain(noGo, t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "finds no go command") {
		t.Errorf("without go in GOROOT: %v", err)
	}
	nowhere := func(Toolchain) string { return t.TempDir() }
	_, err := findToolchain(exec.LookPath, "", []func(Toolchain) string{nowhere})
	if err == nil || !strings.Contains(err.Error(), "cannot find it; run it inside a clone of github.com/swarmsim/swarmsim") || strings.Contains(err.Error(), "\n") {
		t.Errorf("without the source: %v", err)
	}
	tc, err := FindToolchain()
	if err != nil || !isModule(tc.Module) || tc.GOROOT == "" {
		t.Errorf("in the repository: %+v, %v", tc, err)
	}
}

func TestIsModule(t *testing.T) {
	if !isModule("../../..") {
		t.Error("the repository is not recognized as swarmsim's module")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/other\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if isModule(dir) || isModule(t.TempDir()) {
		t.Error("another module, or none, is taken for swarmsim's")
	}
	if got := escapePath("github.com/SwarmSim/x"); got != "github.com/!swarm!sim/x" {
		t.Errorf("escapePath = %s", got)
	}
}
