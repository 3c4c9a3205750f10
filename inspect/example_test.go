package inspect_test

import (
	"fmt"
	"os"

	"github.com/swarmsim/swarmsim/inspect"
)

// Reading what docker node inspect printed, and counting managers per zone.
func ExampleNodes() {
	f, err := os.Open("testdata/nodes.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	nodes, err := inspect.Nodes(f)
	if err != nil {
		fmt.Printf("nodes.json: %v\n", err)
		return
	}
	for _, n := range nodes {
		leader := ""
		if n.Leader {
			leader = " (leader)"
		}
		fmt.Printf("%s %s%s in %s from %s: %s, %s\n", n.Hostname, n.Role, leader, n.Zone, n.ZoneLabel, n.State, n.Availability)
	}
	// Output:
	// m1 manager (leader) in eu-west-1a from node.labels.zone: ready, active
	// m2 manager in eu-west-1a from node.labels.zone: ready, active
	// m3 manager in eu-west-1b from node.labels.zone: ready, active
	// m4 manager in eu-west-1b from node.labels.zone: ready, active
	// m5 manager in eu-west-1c from node.labels.zone: ready, active
	// w1 worker in eu-west-1a from node.labels.zone: ready, active
	// w2 worker in eu-west-1b from node.labels.zone: ready, active
	// w3 worker in eu-west-1c from node.labels.zone: ready, drain
	// w4 worker in eu-west-1c from engine.labels.zone: down, active
}

func ExampleServices() {
	f, err := os.Open("testdata/services.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	services, err := inspect.Services(f)
	if err != nil {
		fmt.Printf("services.json: %v\n", err)
		return
	}
	for _, s := range services {
		fmt.Printf("%s: %s ×%d, spread %v, constraints %v, host ports %v\n", s.Name, s.Mode, s.Replicas, s.Preferences, s.Constraints, s.HostPorts)
	}
	// Output:
	// web: replicated ×6, spread [node.labels.zone], constraints [node.platform.os==linux node.labels.disk!=hdd], host ports []
	// node-exporter: global ×0, spread [], constraints [], host ports []
	// edge: replicated ×3, spread [], constraints [node.labels.edge==true node.role==worker], host ports [80 443]
}
