package fault

import "testing"

func TestEveryFaultHasAUniqueName(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Catalogue() {
		name := f.String()
		if name == "" || seen[name] {
			t.Errorf("fault %d is named %q", int(f), name)
		}
		seen[name] = true
		if g, err := Parse(name); err != nil || g != f {
			t.Errorf("Parse(%q) = %v, %v", name, g, err)
		}
	}
	if len(seen) < 12 {
		t.Errorf("the catalogue has %d faults, want at least 12", len(seen))
	}
	if _, err := Parse("no-such-fault"); err == nil {
		t.Error("an unknown name was accepted")
	}
}

func TestSetAndIs(t *testing.T) {
	defer Set(None)
	if Is(ApplyTwice) {
		t.Fatal("a fault is on before any was set")
	}
	Set(ApplyTwice)
	if !Is(ApplyTwice) || Is(DeadVoterAlive) {
		t.Error("Set(ApplyTwice) did not inject exactly that fault")
	}
}
