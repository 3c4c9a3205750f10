package drill_test

import (
	"errors"
	"fmt"

	"github.com/swarmsim/swarmsim/drill"
)

func ExampleParse() {
	src := []byte(`cluster managers=5 az=2-2-1 workers=6
docker service create --name web --replicas 6 --placement-pref spread=node.labels.zone nginx
kill az a      # two of five managers
wait until leader within 1m
expect service web running 6 spread a=0 b=3 c=3
`)
	s, err := drill.Parse("az-loss.drill", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range s.Steps {
		switch c := st.Cmd.(type) {
		case drill.Cluster:
			fmt.Printf("%v: %d managers as %s\n", st.Pos, c.Managers, c.AZ)
		case drill.ServiceCreate:
			fmt.Printf("%v: %s wants %d tasks spread over %s\n", st.Pos, c.Name, c.Replicas, c.PlacementPrefs[0].Spread)
		case drill.KillZone:
			fmt.Printf("%v: zone %s dies\n", st.Pos, c.Zone)
		case drill.WaitUntil:
			fmt.Printf("%v: wait for a %s, at most %v\n", st.Pos, c.What, c.Within)
		case drill.ExpectService:
			fmt.Printf("%v: %s must run %d, %v\n", st.Pos, c.Name, c.Running, c.Spread)
		}
	}
	// Output:
	// 1:1: 5 managers as 2-2-1
	// 2:1: web wants 6 tasks spread over node.labels.zone
	// 3:1: zone a dies
	// 4:1: wait for a leader, at most 1m0s
	// 5:1: web must run 6, [a=0 b=3 c=3]
}

func ExampleError_Caret() {
	_, err := drill.Parse("x.drill", []byte("cluster managers=3\ndocker service create --name web --replica 3 nginx\n"))
	var e *drill.Error
	if errors.As(err, &e) {
		fmt.Println(e.Caret())
	}
	// Output:
	// x.drill:2:34: unknown flag --replica for docker service create; did you mean --replicas?
	// docker service create --name web --replica 3 nginx
	//                                  ^
}

func ExampleFormat() {
	s, _ := drill.Parse("x.drill", []byte(`cluster az=1-1-1 managers=3
docker service create --replicas=1 --name=web -p 8080:80 --reserve-memory 0.5g nginx


partition a,b|c   # cut c off
wait 120s # for the election
`))
	fmt.Print(string(drill.Format(s)))
	// Output:
	// cluster managers=3 az=1-1-1
	// docker service create --name web --reserve-memory 512M --publish published=8080,target=80 nginx
	//
	// partition a b | c  # cut c off
	// wait 2m            # for the election
}

func ExampleParseCommand() {
	cmd, err := drill.ParseCommand(`expect error "does not have a leader": docker service scale web=10`)
	if err != nil {
		fmt.Println(err)
		return
	}
	e := cmd.(drill.ExpectError)
	fmt.Printf("%q must fail with %q\n", e.Cmd, e.Text)
	// Output:
	// "docker service scale web=10" must fail with "does not have a leader"
}
