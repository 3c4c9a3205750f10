// Command swarmsim simulates a Docker Swarm cluster on real etcd Raft, so
// you can see before it happens what losing managers, a zone or a network
// link does to quorum and to your services.
//
//	swarmsim --managers 5 --az 2-2-1 --kill 2
//	swarmsim help
//
// The commands live in internal/cli; see README.md for every flag, the JSON
// fields and the exit codes.
package main

import (
	"os"

	"github.com/swarmsim/swarmsim/internal/cli"
)

func main() { os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
