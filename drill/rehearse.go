package drill

import (
	"strings"

	"github.com/swarmsim/swarmsim/internal/prose"
)

// The commands of disaster rehearsals: autolock (docker swarm update
// --autolock, docker swarm unlock-key, docker swarm unlock) and the backup
// and restore of a manager's swarm directory, which Docker's admin guide
// does with files and systemctl, so a drill has commands of its own for
// them.

// SwarmUpdate is `docker swarm update --autolock=true` (or =false).
type SwarmUpdate struct {
	Autolock bool
}

// SwarmUnlockKey is `docker swarm unlock-key [--rotate] [--quiet]`: show
// the unlock key, after rotating it with Rotate.
type SwarmUnlockKey struct {
	Rotate bool
	Quiet  bool // -q: the key alone
}

// Unlock keys a drill names instead of writing one out.
const (
	KeyPrevious = "previous" // the key before the last rotation
)

// SwarmUnlock is `docker swarm unlock [--key previous] m2`: Docker runs it
// on the locked manager and reads the key from the keyboard, so a drill
// names the node, and which key is typed.
type SwarmUnlock struct {
	Node string
	// Key is "" for the current unlock key (--key current, or no --key),
	// KeyPrevious for the one before the last rotation, or a key written
	// out, which starts with SWMKEY- (the daemon judges the rest).
	Key string
}

// Backup is `backup m3 as nightly`: Docker stops on the manager, its swarm
// directory is copied under the name, and Docker starts again.
type Backup struct {
	Node string
	Name string
}

// Restore is `restore nightly on m3`: Docker stops on the manager, its
// swarm directory is replaced by the backup, and Docker starts again.
type Restore struct {
	Name string
	Node string
}

func (SwarmUpdate) command()    {}
func (SwarmUnlockKey) command() {}
func (SwarmUnlock) command()    {}
func (Backup) command()         {}
func (Restore) command()        {}

func (s SwarmUpdate) String() string {
	if s.Autolock {
		return "docker swarm update --autolock=true"
	}
	return "docker swarm update --autolock=false"
}

func (s SwarmUnlockKey) String() string {
	w := words{"docker", "swarm", "unlock-key"}
	if s.Rotate {
		w.add("--rotate")
	}
	if s.Quiet {
		w.add("--quiet")
	}
	return w.String()
}

func (s SwarmUnlock) String() string {
	w := words{"docker", "swarm", "unlock"}
	if s.Key != "" {
		w.flag("key", s.Key)
	}
	w.add(name(s.Node))
	return w.String()
}

func (b Backup) String() string { return "backup " + name(b.Node) + " as " + quote(b.Name) }

func (r Restore) String() string { return "restore " + quote(r.Name) + " on " + name(r.Node) }

const (
	backupLike  = "backup m3 as nightly"
	restoreLike = "restore nightly on m3"
)

// parseBackup reads `backup NODE as NAME`.
func parseBackup(verb token, args []token) (Command, *Error) {
	node, name, err := pair(verb, args, "as", "a manager", "a name for the backup", backupLike, value.nodeName, value.backupName)
	if err != nil {
		return nil, err
	}
	return Backup{Node: node, Name: name}, nil
}

// parseRestore reads `restore NAME on NODE`.
func parseRestore(verb token, args []token) (Command, *Error) {
	name, node, err := pair(verb, args, "on", "a backup", "the manager to restore it on", restoreLike, value.backupName, value.nodeName)
	if err != nil {
		return nil, err
	}
	return Restore{Name: name, Node: node}, nil
}

// pair reads the shape both commands share, VERB FIRST KEYWORD SECOND,
// each word with its reader.
func pair(verb token, args []token, kw, first, second, like string, readFirst, readSecond func(value) (string, *Error)) (string, string, *Error) {
	switch {
	case len(args) == 0:
		return "", "", errAt(after(verb), "%s needs %s, %q and %s, like %s", verb.text, first, kw, second, like)
	case len(args) == 1 || !args[1].is(kw):
		col := after(args[0])
		if len(args) > 1 {
			col = args[1].col
		}
		return "", "", errAt(col, "expected %q and %s after %s %s, like %s", kw, second, verb.text, args[0].text, like)
	case len(args) == 2:
		return "", "", errAt(after(args[1]), "%s %s %s needs %s, like %s", verb.text, args[0].text, kw, second, like)
	case len(args) > 3:
		return "", "", errAt(args[3].col, "%s takes one %s and one name; write a line for each", verb.text, strings.TrimPrefix(first, "a "))
	}
	a, err := readFirst(valueOf(args[0], "", ""))
	if err != nil {
		return "", "", err
	}
	b, err := readSecond(valueOf(args[2], "", ""))
	if err != nil {
		return "", "", err
	}
	return a, b, nil
}

// backupName is the shape of node names, which backups are named like.
func (v value) backupName() (string, *Error) {
	if !isName(v.text) {
		return "", errAt(v.col, `%q is not a backup name; write a letter, then letters, digits, "-", "_" or ".", like nightly`, v.text)
	}
	return v.text, nil
}

// key reads --key: current, previous, or a key written out.
func (v value) key() (string, *Error) {
	switch {
	case v.text == "current":
		return "", nil
	case v.text == KeyPrevious || strings.HasPrefix(v.text, "SWMKEY-"):
		return v.text, nil
	}
	if s := prose.Suggest(v.text, []string{"current", KeyPrevious}); s != "" {
		return "", errAt(v.col, "--key must be current, previous or an unlock key like SWMKEY-1-…; did you mean %s?", s)
	}
	return "", errAt(v.col, "--key must be current, previous or an unlock key like SWMKEY-1-…, as docker swarm unlock-key shows it")
}

const (
	updateLike = "docker swarm update --autolock=true"
	unlockLike = "docker swarm unlock m2"
)

func parseSwarmUpdate(sub token, args []token) (Command, *Error) {
	const cmd = "docker swarm update"
	var u SwarmUpdate
	defs := []flagDef{{name: "autolock", boolean: true, explicit: true, set: func(v value) *Error {
		u.Autolock = v.text == "true"
		return nil
	}}}
	words, seen, err := parseFlags(cmd, args, defs, false)
	switch {
	case err != nil:
		return nil, err
	case len(words) > 0:
		return nil, errAt(words[0].col, "docker swarm update takes only flags, like %s", updateLike)
	}
	if _, ok := seen["autolock"]; !ok {
		return nil, errAt(sub.col, "docker swarm update needs --autolock=true or --autolock=false; a drill changes no other swarm setting")
	}
	return u, nil
}

func parseUnlockKey(args []token) (Command, *Error) {
	const cmd = "docker swarm unlock-key"
	var k SwarmUnlockKey
	defs := []flagDef{
		{name: "rotate", boolean: true, set: func(value) *Error { k.Rotate = true; return nil }},
		{name: "quiet", short: "q", boolean: true, set: func(value) *Error { k.Quiet = true; return nil }},
	}
	words, _, err := parseFlags(cmd, args, defs, false)
	switch {
	case err != nil:
		return nil, err
	case len(words) > 0:
		return nil, errAt(words[0].col, "docker swarm unlock-key takes only flags, like docker swarm unlock-key --rotate")
	}
	return k, nil
}

func parseUnlock(sub token, args []token) (Command, *Error) {
	const cmd = "docker swarm unlock"
	var u SwarmUnlock
	defs := []flagDef{{name: "key", example: "previous", set: func(v value) (err *Error) {
		u.Key, err = v.key()
		return err
	}}}
	words, _, err := parseFlags(cmd, args, defs, false)
	switch {
	case err != nil:
		return nil, err
	case len(words) == 0:
		return nil, errAt(after(last(sub, args)), "docker swarm unlock needs the locked manager, like %s; Docker runs it on that node", unlockLike)
	case len(words) > 1:
		return nil, errAt(words[1].col, "docker swarm unlock unlocks one manager, and %q would be a second; write a line for each", words[1].text)
	}
	if u.Node, err = valueOf(words[0], "", "").nodeName(); err != nil {
		return nil, err
	}
	return u, nil
}
