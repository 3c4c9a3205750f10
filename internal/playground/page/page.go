// Package page writes the classroom playground: one HTML file that holds
// the simulator compiled to WebAssembly, the drill to start from and the
// page that draws it. The file needs no network and no server; it opens
// from a USB stick.
//
//	tc, err := page.FindToolchain() // the go command and swarmsim's source
//	wasm, err := tc.Build()          // GOOS=js GOARCH=wasm go build, stripped
//	js, err := tc.WasmExec()         // Go's glue for WebAssembly
//	err = page.Write(f, page.Page{Source: src, Wasm: wasm, WasmExec: js})
//
// The WebAssembly is gzipped and base64-encoded into the file; the page
// unpacks it with the browser's DecompressionStream. A Content-Security-
// Policy forbids every request, so the page provably works offline.
package page

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"text/template"

	"github.com/swarmsim/swarmsim/internal/playground"
)

// Page is what one playground file holds.
type Page struct {
	Source   playground.Source // the drill the page starts from
	Wasm     []byte            // the simulator, as Toolchain.Build gives it
	WasmExec []byte            // Go's wasm_exec.js, as Toolchain.WasmExec gives it
}

var (
	//go:embed assets/page.html
	pageHTML string
	//go:embed assets/page.css
	pageCSS string
	//go:embed assets/page.js
	pageJS string
	//go:embed assets/memfs.js
	memfsJS string

	pageTemplate = template.Must(template.New("page").Parse(pageHTML))
)

// start is the drill as the page hands it to the simulator.
type start struct {
	Name     string            `json:"name"`
	Download string            `json:"download"` // the file name the drill downloads as
	Text     string            `json:"text"`
	Files    map[string]string `json:"files"`
}

// Write writes the page.
func Write(w io.Writer, p Page) error {
	// gzip's default level: the best saves under 1% more and takes three
	// times as long.
	var z bytes.Buffer
	gz := gzip.NewWriter(&z)
	if _, err := gz.Write(p.Wasm); err != nil {
		return fmt.Errorf("compressing the simulator: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("compressing the simulator: %w", err)
	}
	files := p.Source.Files
	if files == nil {
		files = map[string]string{}
	}
	// encoding/json escapes <, > and &, so the drill cannot end the script
	// element that holds it.
	startJSON, err := json.Marshal(start{Name: p.Source.Name, Download: DownloadName(p.Source.Name), Text: p.Source.Text, Files: files})
	if err != nil {
		return err
	}
	scripts := map[string]string{"wasm_exec.js": string(p.WasmExec), "page.js": pageJS, "memfs.js": memfsJS, "page.css": pageCSS}
	for _, name := range []string{"memfs.js", "page.css", "page.js", "wasm_exec.js"} {
		if strings.Contains(strings.ToLower(scripts[name]), "</script") || strings.Contains(strings.ToLower(scripts[name]), "</style") {
			return fmt.Errorf("%s contains a closing tag and cannot be inlined", name)
		}
	}
	return pageTemplate.Execute(w, map[string]string{
		"Title":    "swarmsim playground · " + p.Source.Name,
		"CSS":      pageCSS,
		"Start":    string(startJSON),
		"Wasm":     base64.StdEncoding.EncodeToString(z.Bytes()),
		"MemFS":    memfsJS,
		"WasmExec": string(p.WasmExec),
		"JS":       pageJS,
	})
}

// DownloadName is what the class's drill downloads as: class.drill for a
// swarm made from flags, NAME-class.drill for a drill file NAME.drill.
func DownloadName(name string) string {
	if name == "" || name == "playground.drill" {
		return "class.drill"
	}
	return strings.TrimSuffix(path.Base(name), ".drill") + "-class.drill"
}
