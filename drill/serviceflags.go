package drill

import (
	"strconv"
	"strings"
	"unicode"
)

// The service flags a teacher brings from Docker that change nothing the
// simulation decides, or that it only records: --detach, --env and the
// limits. They are kept so that a drill reads as the commands typed on a
// real swarm, and Format writes them back.

// detachFlag is --detach/-d. Docker's CLI waits for a service to converge
// unless it is given; the simulation applies a command at once and moves
// time only with wait, so it changes nothing.
func detachFlag(dst *bool) flagDef {
	return flagDef{name: "detach", short: "d", boolean: true, set: func(value) *Error { *dst = true; return nil }}
}

// env reads one --env KEY=VALUE (or KEY, which Docker takes from the
// client's environment).
func (v value) env() (string, *Error) {
	key, _, _ := strings.Cut(v.text, "=")
	if key == "" || strings.ContainsFunc(key, unicode.IsSpace) {
		return "", errAt(v.col, "%s needs KEY=VALUE, like %s LOG_LEVEL=debug", v.what, v.what)
	}
	return v.text, nil
}

func envFlag(name, short string, dst *[]string) flagDef {
	return flagDef{name: name, short: short, example: "LOG_LEVEL=debug", repeat: true, set: func(v value) *Error {
		e, err := v.env()
		if err == nil {
			*dst = append(*dst, e)
		}
		return err
	}}
}

func envKeyFlag(dst *[]string) flagDef {
	return flagDef{name: "env-rm", example: "LOG_LEVEL", repeat: true, set: func(v value) *Error {
		if v.text == "" || strings.ContainsAny(v.text, "= \t") {
			return errAt(v.col, "--env-rm takes a variable's name, like --env-rm LOG_LEVEL")
		}
		*dst = append(*dst, v.text)
		return nil
	}}
}

func portFlag(name, short string, dst *[]Port) flagDef {
	return flagDef{name: name, short: short, example: "published=8080,target=80,mode=host", repeat: true, set: func(v value) *Error {
		p, err := v.port()
		if err == nil {
			*dst = append(*dst, p)
		}
		return err
	}}
}

// publishRmFlag is --publish-rm: Docker removes the ports with that
// target port and protocol, given alone (80, 80/udp) or in a port's form.
func publishRmFlag(dst *[]Port) flagDef {
	return flagDef{name: "publish-rm", example: "80", repeat: true, set: func(v value) *Error {
		if target, proto, _ := strings.Cut(v.text, "/"); portNumber(target) > 0 && !strings.Contains(v.text, ":") {
			p := Port{Target: portNumber(target), Protocol: TCP}
			if proto != "" {
				p.Protocol = Protocol(proto)
				if p.Protocol != TCP && p.Protocol != UDP && p.Protocol != SCTP {
					return errAt(v.col, "--publish-rm %s: the protocol is tcp, udp or sctp, like --publish-rm 53/udp", v.text)
				}
			}
			*dst = append(*dst, p)
			return nil
		}
		p, err := v.port()
		if err == nil {
			// Only the target port and the protocol pick what goes.
			*dst = append(*dst, Port{Target: p.Target, Protocol: p.Protocol})
		}
		return err
	}}
}

// removal writes a --publish-rm value: the target port, and the protocol
// when it is not tcp.
func removal(p Port) string {
	s := strconv.Itoa(p.Target)
	if p.Protocol != "" && p.Protocol != TCP {
		s += "/" + string(p.Protocol)
	}
	return s
}

func (w *words) detach(d bool) {
	if d {
		w.add("--detach")
	}
}
