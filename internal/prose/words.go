// Package prose holds the few helpers every text swarmsim writes leans on:
// a count with its noun, a list joined as a sentence joins it, a typo's
// nearest word. They live once here so that every command says "1 zone",
// "a, b or c" and "did you mean" the same way.
package prose

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Plural picks the word for n.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Counted is n and its noun: "1 manager", "3 managers".
func Counted(n int, noun string) string {
	return fmt.Sprintf("%d %s", n, Plural(n, noun, noun+"s"))
}

// OrList writes "a", "a or b", "a, b or c", each item as given.
func OrList(items []string) string {
	return joinList(items, "or")
}

// AndList writes "a, b and c".
func AndList(items []string) string {
	return joinList(items, "and")
}

func joinList(items []string, word string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + word + " " + items[len(items)-1]
}

// FirstLine is s up to its first newline.
func FirstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Wrap joins words into rows of at most width bytes; a word longer than
// width has a row of its own. No words make no rows.
func Wrap(words []string, width int) []string {
	var rows []string
	row := ""
	for _, w := range words {
		if row != "" && len(row)+1+len(w) > width {
			rows = append(rows, row)
			row = ""
		}
		if row != "" {
			row += " "
		}
		row += w
	}
	if row != "" {
		rows = append(rows, row)
	}
	return rows
}

// Suggest returns the option nearest to word when it is close enough to be
// a likely typo, or "". Close enough: at most one edit for short words and
// two for longer ones (a transposition counts as one edit), or word being
// the start of exactly one option. Case is ignored, so "Kill" finds "kill".
func Suggest(word string, options []string) string {
	w := strings.ToLower(word)
	best, bestD := "", -1
	for _, o := range options {
		d := EditDistance(w, o)
		if bestD < 0 || d < bestD {
			best, bestD = o, d
		}
	}
	limit := 1
	if utf8.RuneCountInString(w) > 4 {
		limit = 2
	}
	if bestD >= 0 && bestD <= limit && bestD < utf8.RuneCountInString(best) {
		return best
	}
	if utf8.RuneCountInString(w) >= 3 {
		match := ""
		for _, o := range options {
			if strings.HasPrefix(o, w) {
				if match != "" {
					return ""
				}
				match = o
			}
		}
		return match
	}
	return ""
}

// EditDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of two neighbours each cost one. Swaps
// matter because "sacle" for "scale" is the typo fingers make.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rolling rows: the swap looks two rows back.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
