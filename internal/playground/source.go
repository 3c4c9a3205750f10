package playground

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/swarmsim/swarmsim/az"
	"github.com/swarmsim/swarmsim/drill"
	"github.com/swarmsim/swarmsim/internal/limits"
	"github.com/swarmsim/swarmsim/internal/scenario"
)

// Source is the drill a playground starts from, with the files its cluster
// line names: the page has no file system, so it carries them.
type Source struct {
	Name  string            // the drill's file name, which the page's download keeps
	Text  string            // the drill
	Files map[string]string // the contents of the files named by from= and services=, by the name the drill uses
}

// Start is a swarm as the command line's flags describe it.
type Start struct {
	Layout       az.Layout          // managers and workers per zone; ignored with From
	Seed         uint64             //
	Services     []scenario.Service // nil runs scenario.DefaultWorkload, unless ServicesFile gives some
	From         string             // docker node inspect output to build the swarm from
	ServicesFile string             // docker service inspect output whose services are created
	Autolock     bool               // docker swarm init --autolock: restarted managers stay locked
}

// SettleFor is how long a playground built from flags runs before the class
// takes over: the first election takes milliseconds and the tasks start
// within a second and a half, so the first picture shows a settled swarm.
const SettleFor = "10s"

// startHeader opens a drill made from flags, so that whoever reads the
// downloaded drill knows where the class took over.
const startHeader = "# The swarm the playground started from; the lines after the wait are what the class did.\n"

// FromStart writes the drill that builds the swarm of st and lets it
// settle. The files it names are carried as NodesFile and ServicesFile.
func FromStart(st Start) (Source, error) {
	src := Source{Name: "playground.drill", Files: map[string]string{}}
	var b strings.Builder
	b.WriteString(startHeader)
	zones := len(st.Layout.Zones)
	if st.From != "" {
		swarm, err := scenario.ImportNodes(st.From, scenario.DefaultZoneLabel)
		if err != nil {
			return src, fmt.Errorf("--from %s: %w", st.From, err)
		}
		zones = len(swarm.Layout.Zones)
		if err := src.carry(NodesFile, st.From); err != nil {
			return src, fmt.Errorf("--from %s: %w", st.From, err)
		}
		fmt.Fprintf(&b, "cluster from=%s", NodesFile)
	} else {
		l := st.Layout
		fmt.Fprintf(&b, "cluster managers=%d az=%s workers=%d", l.Managers(), l, l.Workers())
	}
	if st.ServicesFile != "" {
		if _, err := scenario.ImportServices(st.ServicesFile); err != nil {
			return src, fmt.Errorf("--services %s: %w", st.ServicesFile, err)
		}
		if err := src.carry(ServicesFile, st.ServicesFile); err != nil {
			return src, fmt.Errorf("--services %s: %w", st.ServicesFile, err)
		}
		fmt.Fprintf(&b, " services=%s", ServicesFile)
	}
	if st.Autolock {
		b.WriteString(" autolock=true")
	}
	fmt.Fprintf(&b, " seed=%d\n", st.Seed)
	services := st.Services
	if services == nil && st.ServicesFile == "" {
		services = scenario.DefaultWorkload(zones)
	}
	for _, s := range services {
		line, err := serviceLine(s)
		if err != nil {
			return src, err
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("wait " + SettleFor + "\n")
	src.Text = b.String()
	return src, nil
}

// ReadDrill reads a drill file and the files its cluster line names,
// relative to the drill as swarmsim run reads them. A syntax error is a
// *drill.Error.
func ReadDrill(path string) (Source, error) {
	text, err := limits.ReadFile(path, limits.DrillFile, "a drill")
	if err != nil {
		return Source{}, fmt.Errorf("cannot read drill %s: %w", path, err)
	}
	script, err := drill.Parse(path, text)
	if err != nil {
		return Source{}, err
	}
	src := Source{Name: filepath.Base(path), Text: string(text), Files: map[string]string{}}
	x := script.Steps[0].Cmd.(drill.Cluster) // Parse guarantees the cluster line comes first
	for _, name := range []string{x.From, x.Services} {
		if name == "" {
			continue
		}
		file := name
		if !filepath.IsAbs(file) {
			file = filepath.Join(filepath.Dir(path), name)
		}
		data, err := limits.ReadFile(file, limits.InspectFile, "docker inspect output")
		if err != nil {
			return src, fmt.Errorf("%s: the cluster line names %s: %w", path, name, err)
		}
		src.Files[name] = string(data)
	}
	return src, nil
}

// The names a drill made from flags gives the files it carries, whatever
// they were called: the page offers them for download under these names,
// to keep beside the drill.
const (
	NodesFile    = "nodes.json"
	ServicesFile = "services.json"
)

// carry adds the file at path to the page, as name.
func (s *Source) carry(name, path string) error {
	data, err := limits.ReadFile(path, limits.InspectFile, "docker inspect output")
	if err != nil {
		return err
	}
	s.Files[name] = string(data)
	return nil
}

// serviceLine writes a service made from flags as the drill command that
// creates the same service. Flags make only what scenario.Replicated and
// scenario.Global make; anything more is refused rather than dropped.
func serviceLine(s scenario.Service) (string, error) {
	if s.MaxPerNode != 0 || s.NanoCPUs != 0 || s.MemoryBytes != 0 || len(s.HostPorts) > 0 || s.ForceUpdate != 0 || s.Update != nil || s.Restart != nil {
		return "", fmt.Errorf("service %s has settings the playground cannot write as a drill line; create it in a drill file instead", s.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "docker service create --name %s", word(s.Name))
	if s.Global {
		b.WriteString(" --mode global")
	} else {
		fmt.Fprintf(&b, " --replicas %d", s.Replicas)
	}
	for _, c := range s.Constraints {
		fmt.Fprintf(&b, " --constraint %s", word(c))
	}
	for _, p := range s.Spread {
		fmt.Fprintf(&b, " --placement-pref spread=%s", p)
	}
	fmt.Fprintf(&b, " %s", word(s.Image))
	cmd, err := drill.ParseCommand(b.String())
	if err != nil {
		return "", fmt.Errorf("service %s: %w", s.Name, err)
	}
	return cmd.String(), nil
}

// word quotes a value for a drill line when it needs quoting.
func word(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"#\\=") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
