package report

import (
	"github.com/swarmsim/swarmsim/internal/drillrun"
)

// DockerOutput is what a Docker command printed, in the Docker CLI's words
// (docker/cli cli/command/swarm: unlock_key.go, update.go).
func DockerOutput(sh *drillrun.Shown) []string {
	if sh.Quiet {
		return []string{sh.Key}
	}
	var out []string
	if sh.Updated {
		out = append(out, "Swarm updated.")
	}
	if sh.Rotated {
		out = append(out, "Successfully rotated manager unlock key.")
	}
	if sh.Key == "" {
		return out
	}
	return append(out,
		"To unlock a swarm manager after it restarts, run the `docker swarm unlock`",
		"command and provide the following key:",
		"",
		"    "+sh.Key,
		"",
		"Remember to store this key in a password manager, since without it you",
		"will not be able to restart the manager.")
}
