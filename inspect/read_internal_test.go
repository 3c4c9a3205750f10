package inspect

import (
	"strings"
	"testing"
)

func TestMaxInput(t *testing.T) {
	defer func(was int64) { maxInput = was }(maxInput)
	maxInput = 64
	in := `[{"ID":"a","Spec":{"Role":"worker"},"Description":{"Hostname":"h"}}]` // 67 bytes
	_, err := Nodes(strings.NewReader(in))
	want := "the input is larger than 64 bytes, far more than docker node inspect $(docker node ls -q) prints; check that this is the right file"
	if err == nil || err.Error() != want {
		t.Errorf("Nodes of %d bytes with a limit of 64:\n got %v\nwant %s", len(in), err, want)
	}
	maxInput = int64(len(in))
	if _, err := Nodes(strings.NewReader(in)); err != nil {
		t.Errorf("Nodes of exactly the limit: %v", err)
	}
	if MaxInput != 256<<20 {
		t.Errorf("MaxInput = %d", MaxInput)
	}
}
