"""Section scores as a standalone SVG bar chart, for the report page and the PDF.

A pure module (standard library only). Labels come from users, so every piece
of text is escaped and stripped of characters XML cannot carry; the output has
no script and is the same for the same input.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

FONT_FAMILY = "'Noto Sans CJK JP', sans-serif"
GRID = (0, 25, 50, 75, 100)
# (lowest score, colour) per rating band, best first; below the last: red.
BAND_COLOURS = ((85, "#2e7d32"), (70, "#00897b"), (55, "#f9a825"), (40, "#ef6c00"))
LOW_COLOUR = "#c62828"
NO_SCORE = "—"
# A label wraps onto at most this many lines; what is still left is cut with "…".
MAX_LABEL_LINES = 3
LINE_HEIGHT = 14
FONT_SIZE = 12

ROW_HEIGHT = 28
BAR_HEIGHT = 18
TITLE_HEIGHT = 32
AXIS_HEIGHT = 24
VALUE_WIDTH = 52
PAD = 8

# Control characters (other than tab and newline) are not allowed in XML 1.0.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def bar_colour(score: float) -> str:
    for cut, colour in BAND_COLOURS:
        if score >= cut:
            return colour
    return LOW_COLOUR


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _width(text: str) -> float:
    """Estimated width in pixels at FONT_SIZE: full-width (CJK) characters are square,
    Latin ones a little over half as wide."""
    return sum(
        FONT_SIZE if unicodedata.east_asian_width(ch) in "WF" else FONT_SIZE * 0.58 for ch in text
    )


def _tokens(label: str) -> list[str]:
    """Pieces a line may break between: words of Latin text (with the space before them),
    single characters of Japanese text."""
    out = []
    for index, word in enumerate(label.split()):
        space = " " if index else ""
        if any(unicodedata.east_asian_width(ch) in "WF" for ch in word):
            out.append(space + word[0])
            out.extend(word[1:])
        else:
            out.append(space + word)
    return out


def wrap_label(label: str, width: float, max_lines: int = MAX_LABEL_LINES) -> list[str]:
    """The label in lines no wider than ``width``, at most ``max_lines`` of them."""
    lines: list[str] = []
    line = ""
    for token in _tokens(label):
        if line and _width(line + token) > width:
            lines.append(line)
            line = token.lstrip()
        else:
            line += token if line else token.lstrip()
        while _width(line) > width and len(line) > 1:  # one word longer than the line
            cut = len(line)
            while cut > 1 and _width(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and _width(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines or [""]


def section_chart_svg(
    rows: Sequence[tuple[str, float | None]], *, title: str = "", width: int = 640
) -> str:
    """A horizontal bar per (label, score 0-100); None draws no bar and prints "—"."""
    label_width = max(96, width * 3 // 10)
    plot_left = label_width + PAD
    plot_width = max(100, width - plot_left - VALUE_WIDTH)
    top = TITLE_HEIGHT if title else PAD
    labels = [wrap_label(" ".join(label.split()), label_width - PAD) for label, _raw in rows]
    heights = [max(ROW_HEIGHT, LINE_HEIGHT * len(lines) + 10) for lines in labels]
    plot_bottom = top + sum(heights)
    height = plot_bottom + AXIS_HEIGHT

    def x(score: float) -> str:
        return _num(plot_left + plot_width * score / 100)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label={_attr(title)} '
        f'font-family={_attr(FONT_FAMILY)} font-size="{FONT_SIZE}">',
        f"<title>{_text(title)}</title>",
    ]
    if title:
        out.append(
            f'<text x="{PAD}" y="20" font-size="14" font-weight="bold">{_text(title)}</text>'
        )
    for tick in GRID:
        out.append(
            f'<line class="grid" x1="{x(tick)}" y1="{top}" x2="{x(tick)}" y2="{plot_bottom}" '
            'stroke="#d0d0d0" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{x(tick)}" y="{plot_bottom + 16}" text-anchor="middle" '
            f'fill="#555555">{tick}</text>'
        )
    row_top = top
    for (label, raw), lines, row_height in zip(rows, labels, heights, strict=True):
        score = None if raw is None or not math.isfinite(raw) else min(100.0, max(0.0, raw))
        bar_top = row_top + (row_height - BAR_HEIGHT) // 2
        baseline = row_top + row_height // 2 + 4
        first_line = baseline - (len(lines) - 1) * LINE_HEIGHT / 2
        shown = NO_SCORE if score is None else f"{score:.1f}"
        bar_width = 0 if score is None else plot_width * score / 100
        colour = "none" if score is None else bar_colour(score)
        spans = "".join(
            f'<tspan x="{label_width}" y="{_num(first_line + i * LINE_HEIGHT)}">{_text(line)}'
            "</tspan>"
            for i, line in enumerate(lines)
        )
        out += [
            "<g>",
            f"<title>{_text(label)}: {shown}</title>",
            f'<text class="label" text-anchor="end">{spans}</text>',
            f'<rect class="bar" x="{plot_left}" y="{bar_top}" width="{_num(bar_width)}" '
            f'height="{BAR_HEIGHT}" fill="{colour}"/>',
            f'<text x="{_num(plot_left + bar_width + 4)}" y="{baseline}">{shown}</text>',
            "</g>",
        ]
        row_top += row_height
    out.append("</svg>")
    return "\n".join(out)
