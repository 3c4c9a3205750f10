package drill

import "strings"

// Opening is the script's opening comment, the comment lines before its
// first step, joined into one paragraph without the '#': what the drill
// teaches, by the convention of the examples.
func (s *Script) Opening() string {
	first := 0
	if len(s.Steps) > 0 {
		first = s.Steps[0].Pos.Line
	}
	var lines []string
	for _, c := range s.Comments {
		if first > 0 && c.Pos.Line >= first {
			break
		}
		lines = append(lines, strings.TrimSpace(strings.TrimPrefix(c.Text, "#")))
	}
	return strings.Join(lines, " ")
}
