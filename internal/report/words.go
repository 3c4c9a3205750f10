package report

import (
	"fmt"
	"time"
)

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// counted is n and its noun: "1 manager", "3 managers".
func counted(n int, noun string) string {
	return fmt.Sprintf("%d %s", n, plural(n, noun, noun+"s"))
}

// managersOver is "5 managers over 3 zones", or "1 manager in 1 zone".
func managersOver(managers, zones int) string {
	if zones == 1 {
		return counted(managers, "manager") + " in 1 zone"
	}
	return counted(managers, "manager") + " over " + counted(zones, "zone")
}

func ms(d time.Duration) int64 { return d.Milliseconds() }
