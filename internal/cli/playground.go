package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/swarmsim/swarmsim/internal/playground"
	"github.com/swarmsim/swarmsim/internal/playground/page"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

const playgroundUsage = `swarmsim playground writes one HTML file that runs the simulator in a browser,
for a class: zones and nodes as cards (click one to kill or restart it),
partitions, scaling, play, pause and step, and one lane per manager showing
Raft elect its leaders. Everything the page does is a drill line; the page
downloads the drill, and swarmsim run replays it with the same events and
verdict. The file needs no network and no server: it opens from a USB stick.
Writing it builds the simulator with the Go toolchain, from a clone of
swarmsim's source.

Usage:
  swarmsim playground -o FILE.html [flags]
  swarmsim playground -o FILE.html FILE.drill
  swarmsim playground -o - [flags] > FILE.html
      swarmsim playground -o class.html --managers 5 --az 2-2-1 --workers 6
      swarmsim playground -o class.html examples/zone-loss-5.drill

Flags:
`

// playgroundArgs are the playground's flags, read.
type playgroundArgs struct {
	out   string
	drill string // a drill file to start from; "" starts from the flags
	start playground.Start
}

func parsePlayground(args []string) (*playgroundArgs, error) {
	fs := newFlags("swarmsim playground", playgroundUsage)
	out := fs.StringP("out", "o", "", "the HTML `FILE` to write, like class.html; - writes it to stdout")
	swarm := swarmFlags(fs)
	services := fs.StringArray("service", nil, "a replicated service `NAME=REPLICAS`, spread over zones (repeatable)")
	globals := fs.StringArray("global", nil, "a global service `NAME`, one task per node (repeatable)")
	seed := fs.text("seed", strconv.Itoa(scenario.DefaultSeed), "`SEED` of every random choice; the same seed gives the same class")
	from := fs.text("from", "", "build the swarm from `FILE`, the output of docker node inspect $(docker node ls -q)")
	servicesFile := fs.text("services", "", "create the services of `FILE`, the output of docker service inspect $(docker service ls -q)")
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	a := &playgroundArgs{out: *out}
	if a.out == "" {
		return nil, errors.New("name the page to write, like: swarmsim playground -o class.html --managers 5 --az 2-2-1")
	}
	switch fs.NArg() {
	case 0:
	case 1:
		a.drill = fs.Arg(0)
		for _, f := range []string{"managers", "az", "workers", "service", "global", "seed", "from", "services"} {
			if fs.Changed(f) {
				return nil, fmt.Errorf("the drill %s builds its own swarm; leave out --%s, or leave out the drill", a.drill, f)
			}
		}
		return a, nil
	default:
		return nil, fmt.Errorf("unexpected argument %q; a page starts from one drill file (see swarmsim playground --help)", fs.Arg(1))
	}
	sw, err := swarm.parse(fs)
	if err != nil {
		return nil, err
	}
	a.start.From, a.start.ServicesFile = *from, *servicesFile
	if a.start.From != "" {
		for _, f := range []string{"managers", "az", "workers"} {
			if fs.Changed(f) {
				return nil, fmt.Errorf("--from %s already gives the nodes; leave out --%s", a.start.From, f)
			}
		}
	} else if a.start.Layout, err = sw.layout(); err != nil {
		return nil, err
	}
	if a.start.Services, err = serviceFlags(*services, *globals); err != nil {
		return nil, err
	}
	if a.start.Seed, err = parseSeed("--seed", *seed); err != nil {
		return nil, err
	}
	return a, nil
}

func runPlayground(args []string, stdout, stderr io.Writer) int {
	a, err := parsePlayground(args)
	if code, done := parsed(err, stdout, stderr); done {
		return code
	}
	// The drill runs here first, so a mistake is reported now and not by
	// a page in front of a class.
	var src playground.Source
	if a.drill != "" {
		if src, err = playground.ReadDrill(a.drill); err == nil {
			_, err = playground.New(src, filepath.Dir(a.drill))
		}
	} else if src, err = playground.FromStart(a.start); err == nil {
		_, err = playground.NewCarried(src)
	}
	if caret(stderr, err) {
		return exitBadInput
	}
	if err != nil {
		return fail(stderr, err)
	}
	tc, err := page.FindToolchain()
	if err != nil {
		return fail(stderr, err)
	}
	wasm, err := tc.Build()
	if err != nil {
		return fail(stderr, err)
	}
	wasmExec, err := tc.WasmExec()
	if err != nil {
		return fail(stderr, err)
	}
	pg := page.Page{Source: src, Wasm: wasm, WasmExec: wasmExec}
	if a.out == "-" {
		// The page alone on stdout, for a pipe or a web server's upload.
		if err := page.Write(stdout, pg); err != nil {
			return fail(stderr, fmt.Errorf("writing the page to stdout: %w", err))
		}
		return exitOK
	}
	f, err := os.Create(a.out)
	if err != nil {
		return fail(stderr, fmt.Errorf("cannot write the page: %w", err))
	}
	err = page.Write(f, pg)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(stderr, fmt.Errorf("writing %s: %w", a.out, err))
	}
	info, err := os.Stat(a.out)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "wrote %s (%.1f MB): open it in a browser, no network needed; its drill downloads as %s\n",
		a.out, float64(info.Size())/1e6, page.DownloadName(src.Name))
	return exitOK
}
