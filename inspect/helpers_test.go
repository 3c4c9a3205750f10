package inspect_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// load reads a fixture from testdata.
func load(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// edit decodes a fixture, lets change alter its elements, and encodes it
// again the way docker prints it.
func edit(t testing.TB, name string, change func(elems []any) []any) []byte {
	t.Helper()
	var elems []any
	if err := json.Unmarshal(load(t, name), &elems); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(change(elems), "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// at walks from v through object keys to the object at the end of path,
// creating objects that are missing.
func at(v any, path ...string) map[string]any {
	m := v.(map[string]any)
	for _, k := range path {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	return m
}

// set sets the value at a dotted path ("Spec.Role") in v.
func set(v any, path string, value any) {
	keys := strings.Split(path, ".")
	at(v, keys[:len(keys)-1]...)[keys[len(keys)-1]] = value
}

// del deletes the value at a dotted path in v.
func del(v any, path string) {
	keys := strings.Split(path, ".")
	delete(at(v, keys[:len(keys)-1]...), keys[len(keys)-1])
}

// checkLine holds errors to the house style: one line, one sentence that
// the caller can prefix with the file name.
func checkLine(t *testing.T, msg string) {
	t.Helper()
	if msg == "" || strings.ContainsAny(msg, "\n\r") || strings.HasSuffix(msg, ".") {
		t.Errorf("error %q is not one line with one sentence", msg)
	}
	if first := msg[0]; first >= 'A' && first <= 'Z' {
		t.Errorf("error %q starts with a capital, but callers prefix it", msg)
	}
}
