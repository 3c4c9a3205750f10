package limits

import (
	"errors"
	"strings"
	"testing"
)

// endless is /dev/zero: it never ends, and counts what was read of it.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.read += int64(len(p))
	return len(p), nil
}

func TestReadStopsAtTheLimit(t *testing.T) {
	var z endless
	_, err := Read(&z, 1<<20, "a drill")
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("an endless input must be refused: %v", err)
	}
	if !strings.Contains(err.Error(), "1 MiB") || !strings.Contains(err.Error(), "a drill") {
		t.Errorf("the error must name the limit and the file's kind: %v", err)
	}
	if z.read > 2<<20 {
		t.Errorf("read %d bytes to refuse a 1 MiB limit", z.read)
	}
	b, err := Read(strings.NewReader("abc"), 3, "x")
	if err != nil || string(b) != "abc" {
		t.Errorf("a file at the limit reads whole: %q %v", b, err)
	}
}

func TestReadFileOfDevZero(t *testing.T) {
	_, err := ReadFile("/dev/zero", DrillFile, "a drill")
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("/dev/zero: %v", err)
	}
}
