package drill

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// token is one word of a line.
type token struct {
	text   string // the word with quotes removed and escapes resolved
	col    int    // 1-based rune column of its first character
	end    int    // the column just past its last character
	quoted bool   // written as a quoted string: always a value, never a keyword or a flag
}

// is reports whether t is the keyword word. A quoted word never is, so
// `kill "leader"` names a node instead of meaning the leader.
func (t token) is(word string) bool { return !t.quoted && t.text == word }

// isBlank is the set of characters that separate words. It is ASCII only,
// and Format quotes exactly the values that contain one, so what the lexer
// splits and what the formatter protects always agree.
func isBlank(r rune) bool {
	switch r {
	case ' ', '\t', '\r', '\v', '\f':
		return true
	}
	return false
}

// lex splits one line (without its newline) into words. comment is the byte
// offset of the '#' that starts a comment, or -1.
//
// A word is a run of non-blank characters, or a double-quoted string in
// which \" and \\ are the only escapes. Two joins are allowed because
// runbooks use them: a quoted string right after "=" continues the word
// (--constraint="node.role == manager"), and a ":" right after a closing
// quote is a word of its own (expect error "no leader": docker ...).
func lex(line string) (toks []token, comment int, err *Error) {
	i, col := 0, 1
	for i < len(line) {
		r, size := utf8.DecodeRuneInString(line[i:])
		if isBlank(r) {
			i += size
			col++
			continue
		}
		if r == '#' {
			return toks, i, nil
		}
		start := col
		if r == '"' {
			text, ni, ncol, err := lexQuoted(line, i, col)
			if err != nil {
				return nil, -1, err
			}
			i, col = ni, ncol
			toks = append(toks, token{text: text, col: start, end: col, quoted: true})
			if i < len(line) && line[i] == ':' {
				toks = append(toks, token{text: ":", col: col, end: col + 1})
				i++
				col++
				continue
			}
			if err := mustEndWord(line, i, col); err != nil {
				return nil, -1, err
			}
			continue
		}
		var b strings.Builder
		for i < len(line) {
			r, size := utf8.DecodeRuneInString(line[i:])
			if isBlank(r) || r == '#' {
				break
			}
			if r == '"' {
				if !strings.HasSuffix(b.String(), "=") {
					return nil, -1, errAt(col, `a quoted string must start a word or follow "=", like --constraint="node.role == manager"; put a space before the quote`)
				}
				text, ni, ncol, err := lexQuoted(line, i, col)
				if err != nil {
					return nil, -1, err
				}
				b.WriteString(text)
				i, col = ni, ncol
				if err := mustEndWord(line, i, col); err != nil {
					return nil, -1, err
				}
				break
			}
			// Copy bytes, not the decoded rune, so invalid UTF-8 survives
			// unchanged into messages and back out of Format.
			b.WriteString(line[i : i+size])
			i += size
			col++
		}
		toks = append(toks, token{text: b.String(), col: start, end: col})
	}
	return toks, -1, nil
}

// lexQuoted reads the quoted string whose opening quote is at byte i,
// column col. It returns the text and the position just past the closing
// quote.
func lexQuoted(line string, i, col int) (text string, ni, ncol int, err *Error) {
	open := col
	i++
	col++
	var b strings.Builder
	for i < len(line) {
		r, size := utf8.DecodeRuneInString(line[i:])
		switch r {
		case '"':
			return b.String(), i + 1, col + 1, nil
		case '\\':
			if i+1 >= len(line) {
				return "", 0, 0, errAt(open, `this quoted string has no closing quote; end it with "`)
			}
			next, nsize := utf8.DecodeRuneInString(line[i+1:])
			if next == 'x' {
				// \xHH is a byte: the control characters an imported
				// name may hold, which a line cannot carry raw.
				n, err := strconv.ParseUint(line[i+2:min(i+4, len(line))], 16, 8)
				if err != nil || i+4 > len(line) {
					return "", 0, 0, errAt(col, `\x in a quoted string needs two hex digits, a byte like \x1b`)
				}
				b.WriteByte(byte(n))
				i += 4
				col += 4
				continue
			}
			if next != '"' && next != '\\' {
				return "", 0, 0, errAt(col, `unknown escape \%s in a quoted string; only \", \\ and \xHH are escapes, so write \\ for a backslash`, line[i+1:i+1+nsize])
			}
			b.WriteRune(next)
			i += 1 + nsize
			col += 2
			continue
		}
		b.WriteString(line[i : i+size])
		i += size
		col++
	}
	return "", 0, 0, errAt(open, `this quoted string has no closing quote; end it with "`)
}

// mustEndWord checks that a closing quote is followed by a blank, a comment
// or the end of the line: `"a"b` is more likely a missing space than a word.
func mustEndWord(line string, i, col int) *Error {
	if i >= len(line) {
		return nil
	}
	r, _ := utf8.DecodeRuneInString(line[i:])
	if isBlank(r) || r == '#' {
		return nil
	}
	return errAt(col, "put a space after the closing quote")
}

// runeCol is the 1-based column of byte offset off in line.
func runeCol(line string, off int) int {
	return utf8.RuneCountInString(line[:off]) + 1
}
