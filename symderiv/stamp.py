"""Content hashes in generated files, so a file edited by hand is detected before it is overwritten.

`stamp(path, text)` inserts one line right after the first line of `text`, holding the SHA-256 of
`text` (the file without that line); the comment syntax follows the file's extension, so emitters
never need to know:

    .py .sh .toml .yaml .yml .csv .txt  ->  # content-sha256: <hex>
    .tex .dat .sty .bib                 ->  % content-sha256: <hex>
    .json (text starting with "{\\n")   ->   "content_sha256": "<hex>",
    .md .html                           ->  <!-- content-sha256: <hex> -->

Other extensions, and texts without a newline, are left unstamped (not checked).
`edited(path, text)` says whether a file's text no longer matches its stored hash.

>>> s = stamp("a.py", "# generated\\nx = 1\\n")
>>> s.splitlines()[1].startswith("# content-sha256: "), edited("a.py", s), edited("a.py", s + "y = 2\\n")
(True, False, True)
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePath

HEX = "[0-9a-f]{64}"
FORMATS = {
    **{ext: "# content-sha256: {}" for ext in (".py", ".sh", ".toml", ".yaml", ".yml", ".csv", ".txt")},
    **{ext: "% content-sha256: {}" for ext in (".tex", ".dat", ".sty", ".bib")},
    ".json": ' "content_sha256": "{}",',
    **{ext: "<!-- content-sha256: {} -->" for ext in (".md", ".html")},
}


def _format(path, text):
    """The hash line's format for this file, or None when it is not stamped."""
    fmt = FORMATS.get(PurePath(path).suffix.lower())
    if fmt is None or "\n" not in text:
        return None
    if fmt.startswith(' "'):   # JSON: only an object with at least one member on its own lines
        head, rest = text.split("\n", 1)
        if head != "{" or rest.lstrip().startswith("}"):
            return None
    return fmt


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamp(path, text: str) -> str:
    """`text` with its hash line inserted after the first line (unchanged if not stampable)."""
    fmt = _format(path, text)
    if fmt is None:
        return text
    head, rest = text.split("\n", 1)
    return f"{head}\n{fmt.format(digest(text))}\n{rest}"


def unstamp(path, text: str):
    """(original text, stored hash) of a stamped text, or (text, None) when there is no hash line."""
    fmt = FORMATS.get(PurePath(path).suffix.lower())
    parts = text.split("\n", 2)
    if fmt is None or len(parts) < 3:
        return text, None
    pattern = re.escape(fmt).replace(re.escape("{}"), f"({HEX})")
    m = re.fullmatch(pattern, parts[1])
    if not m:
        return text, None
    return f"{parts[0]}\n{parts[2]}", m.group(1)


def edited(path, text: str) -> bool:
    """True when a file of a stamped kind has no hash line or its content does not match it."""
    if FORMATS.get(PurePath(path).suffix.lower()) is None:
        return False
    original, stored = unstamp(path, text)
    if stored is None:   # no hash line: edited, unless this text would not have been stamped at all
        return _format(path, text) is not None
    return digest(original) != stored
