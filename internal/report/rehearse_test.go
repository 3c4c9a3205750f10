package report

import (
	"strings"
	"testing"

	"github.com/swarmsim/swarmsim/internal/drillrun"
)

// The Docker CLI's own golden output (docker/cli cli/command/swarm/testdata:
// unlockkeys-unlock-key-rotate.golden, update-auto-lock-unlock-key.golden,
// unlockkeys-unlock-key-quiet.golden), with its key.
func TestDockerOutputIsDockers(t *testing.T) {
	const unlock = "To unlock a swarm manager after it restarts, run the `docker swarm unlock`\n" +
		"command and provide the following key:\n\n    unlock-key\n\n" +
		"Remember to store this key in a password manager, since without it you\n" +
		"will not be able to restart the manager."
	for _, tc := range []struct {
		sh   drillrun.Shown
		want string
	}{
		{drillrun.Shown{Key: "unlock-key", Rotated: true}, "Successfully rotated manager unlock key.\n" + unlock},
		{drillrun.Shown{Key: "unlock-key", Updated: true}, "Swarm updated.\n" + unlock},
		{drillrun.Shown{Updated: true}, "Swarm updated."},
		{drillrun.Shown{Key: "unlock-key", Rotated: true, Quiet: true}, "unlock-key"},
		{drillrun.Shown{Key: "unlock-key"}, unlock},
	} {
		if got := strings.Join(DockerOutput(&tc.sh), "\n"); got != tc.want {
			t.Errorf("%+v:\n%s\nwant:\n%s", tc.sh, got, tc.want)
		}
	}
}
