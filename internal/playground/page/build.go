package page

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
)

// Toolchain is what building the page needs: a go command and swarmsim's
// source. Nothing is downloaded or committed: the WebAssembly is built from
// the source the user already has, with the Go the README asks for.
type Toolchain struct {
	Go     string // the go command
	GOROOT string // where wasm_exec.js is
	Module string // the directory of swarmsim's go.mod
}

// modulePath is swarmsim's module path, read off this package's import path
// so that a fork with another path still finds itself.
var modulePath = strings.TrimSuffix(reflect.TypeFor[Toolchain]().PkgPath(), "/internal/playground/page")

// entry is the package of the page's simulator, relative to the module.
const entry = "./internal/playground/wasm"

// FindToolchain finds the go command and swarmsim's source. The source is
// the module in the working directory when it is swarmsim, else the one
// this binary was built from when it is still there, else the module cache
// copy of the version this binary is.
func FindToolchain() (Toolchain, error) {
	// runtime.GOROOT is only a guess at the Go in use, good enough for
	// when go is not on PATH.
	return findToolchain(exec.LookPath, runtime.GOROOT(), []func(Toolchain) string{Toolchain.workingModule, builtFrom, Toolchain.moduleCache})
}

// findToolchain is FindToolchain with its surroundings given: how to look
// a command up, the GOROOT this binary was built with, and the places the
// source may be, in order.
func findToolchain(lookPath func(string) (string, error), goroot string, sources []func(Toolchain) string) (Toolchain, error) {
	var tc Toolchain
	goCmd, err := lookPath("go")
	if err != nil {
		// Not on PATH: the Go this binary was built with may still be there.
		goCmd = filepath.Join(goroot, "bin", "go")
		if _, statErr := os.Stat(goCmd); goroot == "" || statErr != nil {
			return tc, errors.New("swarmsim playground builds the simulator for the browser with the Go toolchain, and finds no go command; install Go 1.26 or newer from https://go.dev/dl/ and put it on PATH")
		}
	}
	tc.Go = goCmd
	if tc.GOROOT, err = tc.env("GOROOT"); err != nil {
		return tc, err
	}
	for _, find := range sources {
		if dir := find(tc); dir != "" && isModule(dir) {
			tc.Module = dir
			return tc, nil
		}
	}
	return tc, fmt.Errorf("swarmsim playground builds the simulator for the browser from swarmsim's source, and cannot find it; run it inside a clone of %s, like: go run . playground -o class.html", modulePath)
}

// env is one of go env's values.
func (tc Toolchain) env(key string) (string, error) {
	out, err := exec.Command(tc.Go, "env", key).Output()
	if err != nil {
		return "", fmt.Errorf("%s env %s failed (%w); check that Go is installed properly", tc.Go, key, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// workingModule is the module of the working directory.
func (tc Toolchain) workingModule() string {
	gomod, err := tc.env("GOMOD")
	if err != nil || gomod == "" || gomod == os.DevNull {
		return ""
	}
	return filepath.Dir(gomod)
}

// builtFrom is the module this binary was compiled from, when its source
// files are still where the compiler saw them (not with -trimpath).
func builtFrom(Toolchain) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// moduleCache is where go install put the source of this binary's version.
func (tc Toolchain) moduleCache() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Path != modulePath || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return ""
	}
	cache, err := tc.env("GOMODCACHE")
	if err != nil || cache == "" {
		return ""
	}
	return filepath.Join(cache, escapePath(modulePath)+"@"+info.Main.Version)
}

// escapePath writes a module path as the module cache does: an upper-case
// letter becomes '!' and its lower case.
func escapePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isModule reports whether dir holds swarmsim's go.mod and the page's
// simulator.
func isModule(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 2 && fields[0] == "module" {
			_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(entry), "main.go"))
			return strings.Trim(fields[1], `"`) == modulePath && err == nil
		}
	}
	return false
}

// Build compiles the page's simulator to WebAssembly, stripped of symbols
// and file paths, which keeps the page small.
func (tc Toolchain) Build() ([]byte, error) {
	dir, err := os.MkdirTemp("", "swarmsim-playground-")
	if err != nil {
		return nil, fmt.Errorf("building the playground: %w", err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "playground.wasm")
	if err := tc.compile(entry, out); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

// compile builds the package pkg of swarmsim's module for GOOS=js
// GOARCH=wasm into the file out.
func (tc Toolchain) compile(pkg, out string) error {
	cmd := exec.Command(tc.Go, "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = tc.Module
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build of %s for the browser in %s failed (%w): %s", pkg, tc.Module, err, firstReadableLine(stderr.String()))
	}
	return nil
}

// WasmExec is Go's JavaScript support for WebAssembly, the version that
// matches the go command.
func (tc Toolchain) WasmExec() ([]byte, error) {
	var tried []string
	for _, dir := range []string{"lib", "misc"} { // misc before Go 1.24
		path := filepath.Join(tc.GOROOT, dir, "wasm", "wasm_exec.js")
		data, err := os.ReadFile(path)
		if err == nil {
			return data, nil
		}
		tried = append(tried, path)
	}
	return nil, fmt.Errorf("cannot find Go's wasm_exec.js (tried %s); check that Go is installed completely", strings.Join(tried, " and "))
}

// firstReadableLine is the first line of go build's output that says something:
// blank lines and the "# package" headers it starts with are left out.
func firstReadableLine(s string) string {
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			return l
		}
	}
	return strings.TrimSpace(s)
}
