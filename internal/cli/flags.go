package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/swarmsim/swarmsim/internal/scenario"
)

// helpText is what a parser returns when --help was asked for: the help to
// print on stdout.
type helpText string

func (h helpText) Error() string { return "help requested" }

// parsed ends a command after its flags were read: with the help on stdout
// (exit 0), or a one-line error on stderr (exit 1). It reports whether the
// command is done.
func parsed(err error, stdout, stderr io.Writer) (code int, done bool) {
	var h helpText
	switch {
	case errors.As(err, &h):
		fmt.Fprint(stdout, string(h))
		return exitOK, true
	case err != nil:
		return fail(stderr, err), true
	}
	return exitOK, false
}

// flagSet is a command's flags. Errors come back to the command, which
// prints them in one line; nothing is printed by pflag itself.
type flagSet struct {
	*pflag.FlagSet
	cmd   string // the command as typed: "swarmsim", "swarmsim plan"
	usage string // what --help prints before the flags
	help  *bool
}

func newFlags(cmd, usage string) *flagSet {
	fs := pflag.NewFlagSet(cmd, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	f := &flagSet{FlagSet: fs, cmd: cmd, usage: usage}
	f.help = fs.BoolP("help", "h", false, "show this help")
	return f
}

// text is a flag read as text and checked by the command, so that a typo
// gets a sentence instead of strconv's diagnostics. The usage names its
// placeholder in backquotes, like "`N` managers".
func (f *flagSet) text(name, def, usage string) *string {
	v := textValue(def)
	f.Var(&v, name, usage)
	return (*string)(&v)
}

// textValue prints its default without quotes in the help.
type textValue string

func (v *textValue) Set(s string) error { *v = textValue(s); return nil }
func (v *textValue) String() string     { return string(*v) }
func (v *textValue) Type() string       { return "text" }

// parse reads args. It returns a helpText after --help, and an error naming
// the command's help for a flag pflag cannot read.
func (f *flagSet) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		msg := err.Error()
		if strings.HasPrefix(msg, "flag needs an argument") {
			return fmt.Errorf("%s; give it a value (see %s --help)", msg, f.cmd)
		}
		return fmt.Errorf("%s; run %s --help to see the flags", msg, f.cmd)
	}
	if *f.help {
		return helpText(f.Help())
	}
	return nil
}

// noArgs refuses stray arguments, for commands that take only flags.
func (f *flagSet) noArgs(what string) error {
	if f.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q; %s (see %s --help)", f.Arg(0), what, f.cmd)
	}
	return nil
}

// Help is the usage and the flags, as --help prints it: each flag with its
// placeholder (the word in backquotes in its usage), then what it does and
// its default; --help last. Hidden flags are left out: a command that
// shares another's flags hides those it refuses.
func (f *flagSet) Help() string {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	add := func(fl *pflag.Flag) {
		placeholder, usage := pflag.UnquoteUsage(fl)
		left := "    --" + fl.Name
		if fl.Shorthand != "" {
			left = "-" + fl.Shorthand + ", --" + fl.Name
		}
		if fl.Value.Type() != "bool" && placeholder != "" {
			left += " " + placeholder
		}
		if d := fl.DefValue; d != "" && d != "false" && d != "[]" && !strings.Contains(usage, "(default") {
			usage += " (default " + d + ")"
		}
		rows = append(rows, row{left, usage})
		width = max(width, len(left))
	}
	f.VisitAll(func(fl *pflag.Flag) {
		if fl.Name != "help" && !fl.Hidden {
			add(fl)
		}
	})
	add(f.Lookup("help"))
	var b strings.Builder
	b.WriteString(f.usage)
	for _, r := range rows {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, r.left, r.usage)
	}
	return b.String()
}

// count reads a whole number from lo to hi given to flag, like "--managers"
// or "--service web=" (written right before the value). example shows how
// to write one.
func count(flag, v string, lo, hi int, example string) (int, error) {
	as := flag + " " + v
	if strings.HasSuffix(flag, "=") {
		as = flag + v
	}
	if v == "" {
		return 0, fmt.Errorf("%s needs a whole number, like %s", strings.TrimSpace(as), example)
	}
	n, err := strconv.Atoi(v)
	var numErr *strconv.NumError
	switch {
	case errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange) && v[0] != '-':
		return 0, fmt.Errorf("%s is more than swarmsim simulates; use at most %d", as, hi)
	case errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange):
		n = math.MinInt
	case err != nil:
		return 0, fmt.Errorf("%s: write a whole number, like %s", as, example)
	}
	if n < lo {
		what := "0 or more"
		if lo > 0 {
			what = fmt.Sprintf("at least %d", lo)
		}
		return 0, fmt.Errorf("%s: it must be %s, like %s", as, what, example)
	}
	if n > hi {
		return 0, fmt.Errorf("%s is more than swarmsim simulates; use at most %d", as, hi)
	}
	return n, nil
}

// parseSeed reads a seed: any whole number that fits in 64 bits.
func parseSeed(flag, v string) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, 64)
	var numErr *strconv.NumError
	switch {
	case errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange):
		return 0, fmt.Errorf("%s %s is too large; write a whole number from 0 to %d", flag, v, uint64(math.MaxUint64))
	case err != nil:
		return 0, fmt.Errorf("%s %s: write a whole number from 0 up, like %s 7", flag, v, flag)
	}
	return n, nil
}

// parseFor reads a simulated duration.
func parseFor(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < scenario.MinFor || d > scenario.MaxFor {
		return 0, fmt.Errorf("--for %s: write a simulated duration between %s and %s, like --for 60s or --for 5m", v, scenario.MinFor, "24h")
	}
	return d, nil
}

// format is a report's --output.
type format string

const (
	textOutput format = "text"
	jsonOutput format = "json"
	htmlOutput format = "html" // one self-contained page
)

// parseOutput reads --output.
func parseOutput(v string) (format, error) {
	switch f := format(v); f {
	case textOutput, jsonOutput, htmlOutput:
		return f, nil
	}
	return "", fmt.Errorf("--output %s: choose text, json or html", v)
}

// seconds writes a whole number of seconds as a user would: 60s.
func seconds(d time.Duration) string { return strconv.Itoa(int(d.Seconds())) + "s" }
