package report

import (
	"time"

	"github.com/swarmsim/swarmsim/internal/prose"
)

// managersOver is "5 managers over 3 zones", or "1 manager in 1 zone".
func managersOver(managers, zones int) string {
	if zones == 1 {
		return prose.Counted(managers, "manager") + " in 1 zone"
	}
	return prose.Counted(managers, "manager") + " over " + prose.Counted(zones, "zone")
}

func ms(d time.Duration) int64 { return d.Milliseconds() }
