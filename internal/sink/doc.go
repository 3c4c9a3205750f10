// Package sink makes untrusted text safe for the place it is written to.
//
// Names reach swarmsim from files other people wrote: hostnames, labels
// and images in `docker node inspect` output, services in a stack file,
// quoted strings and file names in a drill. Each output has its own danger,
// and each has one function here that every renderer uses:
//
//   - the terminal: [Text] shows every control byte as a visible Go escape
//     (\x1b, \r, \n), so a name cannot move the cursor, retitle the window
//     or forge a line; [Terminal] guards a whole stream, passing only line
//     feeds and the colour codes swarmsim writes itself.
//   - bash: [Word] makes one quoted shell word of any value and [Comment]
//     one comment line, so a runbook runs no command a name smuggles in.
//   - HTML: html/template escapes by context already; nothing here.
package sink
