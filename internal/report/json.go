package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes v as indented JSON followed by a newline, and reports
// any error encoding or writing it.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
