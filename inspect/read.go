package inspect

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/swarmsim/swarmsim/internal/limits"
)

// MaxInput is the most bytes Nodes and Services read. docker node inspect
// prints a few kilobytes per node, so this holds tens of thousands of
// nodes; it exists so that a wrong file (a disk image, /dev/zero) fails
// with a sentence instead of exhausting memory.
const MaxInput = limits.InspectFile

// maxInput is MaxInput, lowered by tests that cannot afford to read it.
var maxInput int64 = MaxInput

// MaxCount bounds every count read from a service: replicas, max replicas
// per node, update parallelism, restart attempts. Docker accepts any
// 64-bit count; a simulation of more than a million tasks is a typo, and
// the bound keeps every count a safe int.
const MaxCount = 1_000_000

// elements reads what docker prints: one JSON array of objects. A single
// object (what the Engine API returns for one node or service) is read as
// a list of one. It returns each element's raw JSON in order.
//
// kind names an element in errors ("node"), and command is what the user
// should run to get the input. An input that holds nothing but white space
// gives no elements and no error; the caller decides whether that is
// acceptable.
func elements(r io.Reader, kind, command string) ([]json.RawMessage, error) {
	// The start of the input tells a wrong file (a binary, /dev/zero) at
	// once, before the rest is read.
	br := bufio.NewReaderSize(r, headSize)
	head, _ := br.Peek(headSize)
	if _, err := startOf(head, command); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(br, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("reading the %ss: %w", kind, err)
	}
	if int64(len(data)) > maxInput {
		return nil, fmt.Errorf("the input is larger than %d bytes, far more than %s prints; check that this is the right file", maxInput, command)
	}
	body := bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")) // a UTF-8 byte order mark, as some editors save
	skipped := len(data) - len(body)
	start, err := startOf(data, command)
	if err != nil || start < 0 {
		return nil, err
	}
	var top json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, syntaxError(data, skipped, err, kind, command)
	}
	if top[0] == '{' {
		return []json.RawMessage{top}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(top, &list); err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err) // not reached: top is a valid array
	}
	return list, nil
}

// headSize is how much of the input startOf looks at before the rest is
// read: the white space before docker's output is a few bytes.
const headSize = 4096

// startOf is where the JSON starts in data, after a byte order mark and
// white space: -1 when data holds nothing else, an error when it starts
// with something docker does not print.
func startOf(data []byte, command string) (int, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return 0, errors.New("the input is UTF-16 text, as PowerShell's > writes it, but it must be UTF-8; " +
			"save it with | Out-File -Encoding utf8, or run the command from another shell")
	}
	body := bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	start := bytes.IndexFunc(body, func(r rune) bool { return !isJSONSpace(r) })
	if start < 0 {
		return -1, nil
	}
	if c := body[start]; c != '[' && c != '{' {
		return 0, fmt.Errorf("the input starts with %q, which is not the JSON list %s prints; run it without --pretty or --format", firstWords(body[start:]), command)
	}
	return start, nil
}

// isJSONSpace is JSON's white space: space, tab, line feed, carriage return.
func isJSONSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r'
}

// firstWords is the start of text, cut at the end of the line or after 24
// bytes, for quoting in an error.
func firstWords(text []byte) string {
	if i := bytes.IndexAny(text, "\r\n"); i >= 0 {
		text = text[:i]
	}
	if len(text) > 24 {
		text = text[:24]
		for len(text) > 0 && !utf8.Valid(text) {
			text = text[:len(text)-1] // do not cut a character in half
		}
		return string(text) + "…"
	}
	return string(text)
}

// syntaxError places a JSON syntax error by line, column and byte, all
// counted from 1 in data, the whole input (skipped bytes of byte order
// mark come before what the decoder saw). Two outputs appended together,
// and a paste cut short where another begins, are named as such: the
// decoder's words alone do not say what went wrong.
func syntaxError(data []byte, skipped int, err error, kind, command string) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("malformed JSON: %w", err)
	}
	// Offset counts the bytes read up to and including the bad one, so it
	// is also the bad byte's position counted from 1.
	pos := min(max(int(se.Offset), 1)+skipped, len(data))
	line, col := position(data, pos)
	if strings.HasPrefix(se.Error(), "unexpected end") {
		return fmt.Errorf("malformed JSON: the input ends at line %d, column %d (byte %d) in the middle of a value; the file may be cut short: %w", line, col, pos, err)
	}
	bad := data[pos-1]
	if strings.HasSuffix(se.Error(), "after top-level value") && (bad == '[' || bad == '{') {
		return fmt.Errorf("the input holds two JSON values, one after the other, as when two outputs are appended to one file or pasted twice: the second starts at line %d, column %d (byte %d); keep one, or inspect every %s with one command: %s", line, col, pos, kind, command)
	}
	if (bad == '[' || bad == '{') && len(bytes.TrimLeft(data[pos-col:pos-1], " \t")) == 0 {
		return fmt.Errorf("malformed JSON at line %d, column %d (byte %d): %w; the value before it looks cut short (a truncated paste?) where another one begins: paste the whole output once", line, col, pos, err)
	}
	return fmt.Errorf("malformed JSON at line %d, column %d (byte %d): %w", line, col, pos, err)
}

// position is the line and column, both from 1, of the pos-th byte of data
// (pos counts from 1). Columns count bytes, as the byte offset does.
func position(data []byte, pos int) (line, col int) {
	before := data[:pos-1]
	line = bytes.Count(before, []byte("\n")) + 1
	col = pos - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// decodeElement unmarshals one element into v and turns a type mismatch
// into a sentence that names the field: what is is there, and what must be.
// what names the element, as in `node 2 (id "x1y2")`; it is a function
// because the best name (the ID) is known only once v has been decoded.
func decodeElement(raw json.RawMessage, v any, kind string, what func() string) error {
	if bytes.Equal(raw, []byte("null")) {
		return fmt.Errorf("%s is null, but each %s must be a JSON object", what(), kind)
	}
	err := json.Unmarshal(raw, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("%s: %w", what(), err) // not reached: raw is valid JSON
	}
	if te.Field == "" {
		return fmt.Errorf("%s is %s, but each %s must be a JSON object", what(), jsonValue(te.Value), kind)
	}
	// Docker's types embed Annotations and Meta, which the JSON does not
	// spell: Spec.Annotations.Labels is Spec.Labels in the input.
	te.Field = strings.NewReplacer("Annotations.", "", "Meta.", "").Replace(te.Field)
	if strings.HasSuffix(te.Field, "Labels") && te.Type.Kind() == reflect.String {
		// A map value: Field names the map, not the key.
		return fmt.Errorf("%s: %s has %s as a value, but label values must be strings", what(), te.Field, jsonValue(te.Value))
	}
	if limit, ok := tooLarge(te.Value, te.Type); ok {
		return fmt.Errorf("%s: %s is %s, which is too large; it must be %s up to %d", what(), te.Field, jsonValue(te.Value), goType(te.Type), limit)
	}
	return fmt.Errorf("%s: %s is %s, but it must be %s", what(), te.Field, jsonValue(te.Value), goType(te.Type))
}

// jsonValue describes what UnmarshalTypeError.Value says was in the input:
// a kind ("string", "number") or a number that did not fit ("number -1").
func jsonValue(v string) string {
	if n, ok := strings.CutPrefix(v, "number "); ok {
		return n
	}
	switch v {
	case "string", "number", "object":
		return article(v) + " " + v
	case "array":
		return "a list"
	case "bool":
		return "true or false"
	}
	return v
}

// tooLarge reports the largest value of t, an integer type, when v (an
// UnmarshalTypeError.Value) is a positive whole number that did not fit.
func tooLarge(v string, t reflect.Type) (uint64, bool) {
	n, ok := strings.CutPrefix(v, "number ")
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil || f <= 0 || f != math.Trunc(f) {
		return 0, false
	}
	switch t.Kind() {
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		return uint64(1)<<(t.Bits()-1) - 1, true
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
		return math.MaxUint64 >> (64 - t.Bits()), true
	}
	return 0, false
}

func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// goType says in words what a field of type t accepts.
func goType(t reflect.Type) string {
	if t == reflect.TypeFor[time.Duration]() {
		return "a whole number of nanoseconds"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
		return "a whole number of 0 or more"
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return goType(t.Elem())
	}
	return t.String()
}

// oneOf writes allowed values for an error: `"a" or "b"`, `"a", "b" or "c"`.
func oneOf(values ...string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// labels returns m, or nil when it is empty, so that "no labels" has one
// representation whether docker printed {} or nothing.
func labels(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
