package drill

import (
	"errors"
	"reflect"
	"testing"
)

// The rehearsal forms join everyForm, so the round-trip tests and
// FuzzParse's seeds cover them too.
func init() {
	everyForm = append(everyForm, rehearsalForms...)
}

var rehearsalForms = []struct {
	name string
	src  string
	want Command
}{
	{"cluster autolock", "cluster managers=3 autolock=true", Cluster{Managers: 3, Autolock: true}},
	{"cluster autolock off", "cluster autolock=false managers=3", Cluster{Managers: 3}},
	{"swarm update autolock", "docker swarm update --autolock=true", SwarmUpdate{Autolock: true}},
	{"swarm update autolock bare", "docker swarm update --autolock", SwarmUpdate{Autolock: true}},
	{"swarm update autolock off", "docker swarm update --autolock=false", SwarmUpdate{}},
	{"unlock-key", "docker swarm unlock-key", SwarmUnlockKey{}},
	{"unlock-key rotate", "docker swarm unlock-key --rotate", SwarmUnlockKey{Rotate: true}},
	{"unlock-key rotate quiet", "docker swarm unlock-key -q --rotate", SwarmUnlockKey{Rotate: true, Quiet: true}},
	{"unlock", "docker swarm unlock m2", SwarmUnlock{Node: "m2"}},
	{"unlock current key", "docker swarm unlock --key current m2", SwarmUnlock{Node: "m2"}},
	{"unlock previous key", "docker swarm unlock --key previous m2", SwarmUnlock{Node: "m2", Key: KeyPrevious}},
	{"unlock key written out", "docker swarm unlock m2 --key=SWMKEY-1-fySn8TY4w5lKcWcJPIpKufejh9hxx5KYwx6XZigx3Q4",
		SwarmUnlock{Node: "m2", Key: "SWMKEY-1-fySn8TY4w5lKcWcJPIpKufejh9hxx5KYwx6XZigx3Q4"}},
	{"backup", "backup m3 as nightly", Backup{Node: "m3", Name: "nightly"}},
	{"restore", "restore nightly on m3", Restore{Name: "nightly", Node: "m3"}},
	{"expect locked", "expect node m2 locked", ExpectNode{Node: "m2", State: NodeLocked}},
	{"expect error unlock", `expect error "not locked": docker swarm unlock m1`, ExpectError{Text: "not locked", Cmd: SwarmUnlock{Node: "m1"}}},
}

func TestRehearsalForms(t *testing.T) {
	for _, f := range rehearsalForms {
		t.Run(f.name, func(t *testing.T) {
			got, err := ParseCommand(f.src)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, f.want) {
				t.Fatalf("ParseCommand(%q) = %#v, want %#v", f.src, got, f.want)
			}
			again, err := ParseCommand(got.String())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("%q formats as %q, which parses to %#v, %v", f.src, got.String(), again, err)
			}
		})
	}
}

func TestRehearsalErrors(t *testing.T) {
	const c3 = "cluster managers=3\n"
	for _, c := range []struct{ name, src, want string }{
		{"autolock not a bool", "cluster managers=3 autolock=yes", `x.drill:1:29: autolock must be true or false, like autolock=true`},
		{"init autolock", c3 + "docker swarm init --autolock", `x.drill:2:19: a drill's swarm is initialized by its cluster line: turn autolock on there, like cluster managers=3 autolock=true, or later with docker swarm update --autolock=true`},
		{"update nothing", c3 + "docker swarm update", `x.drill:2:14: docker swarm update needs --autolock=true or --autolock=false; a drill changes no other swarm setting`},
		{"update other flag", c3 + "docker swarm update --task-history-limit 5", `x.drill:2:21: unknown flag --task-history-limit for docker swarm update; it takes --autolock`},
		{"update autolock value", c3 + "docker swarm update --autolock=on", `x.drill:2:32: --autolock takes no value, or =true or =false, like --autolock`},
		{"update argument", c3 + "docker swarm update --autolock false", `x.drill:2:32: docker swarm update takes only flags, like docker swarm update --autolock=true`},
		{"unlock-key argument", c3 + "docker swarm unlock-key m1", `x.drill:2:25: docker swarm unlock-key takes only flags, like docker swarm unlock-key --rotate`},
		{"unlock-key misspelt flag", c3 + "docker swarm unlock-key --rotat", `x.drill:2:25: unknown flag --rotat for docker swarm unlock-key; did you mean --rotate?`},
		{"unlock without node", c3 + "docker swarm unlock", `x.drill:2:21: docker swarm unlock needs the locked manager, like docker swarm unlock m2; Docker runs it on that node`},
		{"unlock two nodes", c3 + "docker swarm unlock m1 m2", `x.drill:2:24: docker swarm unlock unlocks one manager, and "m2" would be a second; write a line for each`},
		{"unlock key misspelt", c3 + "docker swarm unlock --key previus m2", `x.drill:2:27: --key must be current, previous or an unlock key like SWMKEY-1-…; did you mean previous?`},
		{"unlock key unknown", c3 + "docker swarm unlock --key hunter2 m2", `x.drill:2:27: --key must be current, previous or an unlock key like SWMKEY-1-…, as docker swarm unlock-key shows it`},
		{"unlock key missing", c3 + "docker swarm unlock m2 --key", `x.drill:2:30: --key needs a value, like --key previous`},
		{"unlock misspelt", c3 + "docker swarm unlok m2", `x.drill:2:14: unknown command "docker swarm unlok"; did you mean "docker swarm unlock"?`},
		{"backup nothing", c3 + "backup", `x.drill:2:8: backup needs a manager, "as" and a name for the backup, like backup m3 as nightly`},
		{"backup without as", c3 + "backup m3 nightly", `x.drill:2:11: expected "as" and a name for the backup after backup m3, like backup m3 as nightly`},
		{"backup without name", c3 + "backup m3 as", `x.drill:2:14: backup m3 as needs a name for the backup, like backup m3 as nightly`},
		{"backup bad name", c3 + "backup m3 as 2024-01-01", `x.drill:2:14: "2024-01-01" is not a backup name; write a letter, then letters, digits, "-", "_" or ".", like nightly`},
		{"backup two", c3 + "backup m3 as a b", `x.drill:2:16: backup takes one manager and one name; write a line for each`},
		{"backup leader", c3 + "backup leader as x", `x.drill:2:8: "leader" is a keyword, so it cannot name a node; name nodes like m1 or w3`},
		{"restore without on", c3 + "restore nightly m3", `x.drill:2:17: expected "on" and the manager to restore it on after restore nightly, like restore nightly on m3`},
		{"restore without node", c3 + "restore nightly on", `x.drill:2:20: restore nightly on needs the manager to restore it on, like restore nightly on m3`},
		{"restore misspelt", c3 + "restor nightly on m3", `x.drill:2:1: unknown command "restor"; did you mean "restore"?`},
		{"expect locked misspelt", c3 + "expect node m2 lockd", `x.drill:2:16: the state in expect node must be down, ready, unknown, active, pause, drain or locked; did you mean locked?`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.drill", []byte(c.src))
			var e *Error
			if !errors.As(err, &e) || err.Error() != c.want {
				t.Fatalf("Parse(%q)\n got %v\nwant %s", c.src, err, c.want)
			}
		})
	}
}
