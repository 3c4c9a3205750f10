#!/usr/bin/env python3
"""Renders a golden frame of swarmsim live as docs/live.png, for the README.

    python3 docs/live-png.py internal/live/testdata/election.golden docs/live.png

The frame is plain text (the golden files are drawn without colour); this
colours it as a terminal would, with the Tango palette swarmsim's styles use
(internal/report/style.go), in DejaVu Sans Mono. Needs python3-pil.
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

BG, FG = "#2e3436", "#eeeeec"
COLOURS = [  # pattern, colour: the same looks as report.NewStyles
    (r"★ leader|█+", "#fce94f"),
    (r"✗ dead|✗+|Docker refused.*", "#ef2929"),
    (r"[▲△]+|\b(leader-elected|leader-lost|kill|task-placed|service-created|node-down|task-rescheduled|zone-down)\b", "#ad7fa8"),
    (r"zone [a-z]\b", "#729fcf"),
    (r"web\.\d+", "#06989a"),
    (r"Verdict: quorum holds|\d+/\d+ running", "#8ae234"),
    (r"Verdict: degraded|unknown|locked|▒+", "#fce94f"),
    (r"Verdict: quorum lost", "#ef2929"),
    (r"─+|[╭╮╰╯│]|─", "#888a85"),
]

def main(src, out):
    lines = open(src, encoding="utf-8").read().split("\n")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 15)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf", 15)
    cw = round(font.getlength("m"))
    lh, pad = 19, 14
    width = max(len(l) for l in lines)
    img = Image.new("RGB", (width * cw + 2 * pad, len(lines) * lh + 2 * pad), BG)
    d = ImageDraw.Draw(img)
    for y, line in enumerate(lines):
        colour = [FG] * len(line)
        for pat, c in COLOURS:
            for m in re.finditer(pat, line):
                for i in range(m.start(), m.end()):
                    colour[i] = c
        weight = bold if y == 0 or line.startswith(("Services", "Raft", "Timeline", "Verdict")) else font
        for x, ch in enumerate(line):
            d.text((pad + x * cw, pad + y * lh), ch, font=weight, fill=colour[x])
    img.save(out, optimize=True)

if __name__ == "__main__":
    main(*sys.argv[1:3])
