"""The frames of a Beamer deck from a document's printed sections (`latex_views.section_views`).

Each section starts a frame; its blocks fill frames up to a budget of lines (estimated from the
printed text), after which the section continues on a new frame. A figure gets a frame of its
own, a long table or display is cut into pieces of `TABLE_ROWS` (half as many where cells wrap) or
`DISPLAY_ROWS` rows, and scaled down in the template where it is still too wide or tall. Claims are
shown as their result with a verdict line; exercises, solutions and the appendices stay in the notes
(a deck is for the room; the notes are handed out), the summary gets a frame of its own. Frames also allow breaks, so a misestimate still fits the page.

    >>> para = {"kind": "para", "text": "x " * 400}
    >>> fs = frames([{"title": "A", "level": 1, "items": [para, para]}])
    >>> [f["title"] for f in fs]
    ['A', 'A (cont.)']
"""

from __future__ import annotations

import math
import re

BUDGET = 14.0          # lines of text a 16:9 frame holds at the deck's font size
CHARS_PER_LINE = 95
TABLE_ROWS = 8
DISPLAY_ROWS = 6
COMMAND = re.compile(r"\\[A-Za-z]+|[{}$]")


def _lines(tex: str, per_line=CHARS_PER_LINE) -> float:
    """Lines that printed TeX text takes on a frame, roughly (commands and braces not counted)."""
    return math.ceil(len(COMMAND.sub("", tex)) / per_line) or 1


def _pieces(item) -> list:
    """A block cut into pieces that fit a frame: tables by rows, displays by rows, the rest whole."""
    rows = TABLE_ROWS // 2 if item["kind"] == "table" and "p{" in item["align"] else TABLE_ROWS   # wrapping cells
    if item["kind"] == "table" and len(item["rows"]) > rows:
        return [{**item, "rows": item["rows"][i:i + rows]} for i in range(0, len(item["rows"]), rows)]
    if item["kind"] == "equations" and len(item["rows"]) > DISPLAY_ROWS:
        n = len(item["rows"])
        return [{**item, "rows": item["rows"][i:i + DISPLAY_ROWS], "note": item["note"] if i + DISPLAY_ROWS >= n else ""}
                for i in range(0, n, DISPLAY_ROWS)]
    if item["kind"] == "claim":
        return [{**item, "kind": "claimline"}]
    return [item]


def weight(item) -> float:
    """Estimated lines of one piece on a frame (a figure fills a frame)."""
    kind = item["kind"]
    if kind in ("figure", "graph"):
        return BUDGET
    if kind == "para":
        return _lines(item["text"]) + 0.4
    if kind == "bullets":
        return sum(_lines(i, CHARS_PER_LINE - 5) + 0.2 for i in item["items"])
    if kind == "equations":
        return 1.4 * len(item["rows"]) + 0.6 + (_lines(item["note"]) if item["note"] else 0)
    if kind == "table":
        return 1.0 * (len(item["rows"]) + 2) + (1 if item["caption"] else 0)
    if kind == "claimline":
        return _lines(item["shown"]) + 0.8 * _lines(item["verdict"], 110) + 0.2
    return 1.0


def frames(sections) -> list:
    """[{title, section, items}]: `section` is the section title on its first frame (for the outline)."""
    out = []
    for s in sections:
        current, used = None, 0.0
        for piece in (p for item in s["items"] for p in _pieces(item)):
            w = weight(piece)
            alone = piece["kind"] in ("figure", "graph")
            if current is None or used + w > BUDGET or alone or current["figure"]:
                current = {"title": s["title"] + (" (cont.)" if current else ""), "items": [],
                           "section": "" if current else s["title"], "level": s["level"], "figure": False}
                out.append(current)
                used = 0.0
            current["items"].append(piece)
            current["figure"] = alone
            used += w
        if current is None:   # a section with no block for the slides still names itself
            out.append({"title": s["title"], "items": [], "section": s["title"], "level": s["level"], "figure": False})
    return out
