"""The works the lecture documents cite: a small, deterministic reader of `references.bib`.

Only what the file uses is read: ``@type{key, field = {value} | "value" | number, ...}`` with
nested braces inside values and ``%`` comment lines between entries. No bibtex or biber runs:
the notes print the cited entries themselves (`symderiv.emit.latex_views.bibliography`).

    >>> e = entries()["glorot2010"]
    >>> e.kind, e.fields["year"], short("glorot2010")
    ('inproceedings', '2010', 'Glorot and Bengio (2010)')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from symderiv.errors import SymderivError

BIB = Path(__file__).with_name("references.bib")
HEAD = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,")
FIELD = re.compile(r"\s*(\w+)\s*=\s*")


@dataclass(frozen=True)
class Entry:
    key: str
    kind: str            # article, book, inproceedings, misc, phdthesis, ...
    fields: dict         # field name (lower case) -> value as written (TeX)


def _value(text: str, i: int):
    """(value, index after it) for the field value starting at text[i]: {...}, "..." or a bare word."""
    if text[i] == "{":
        depth, j = 0, i
        while True:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            if depth == 0:
                return text[i + 1:j], j + 1
            j += 1
    if text[i] == '"':
        j = text.index('"', i + 1)
        return text[i + 1:j], j + 1
    m = re.compile(r"[\w.-]+").match(text, i)
    return m.group(0), m.end()


def parse(text: str) -> dict:
    """{key: Entry} for the BibTeX `text`; a malformed entry raises ValueError naming its key."""
    out = {}
    for head in HEAD.finditer(text):
        kind, key, i, fields = head.group(1).lower(), head.group(2), head.end(), {}
        try:
            while (m := FIELD.match(text, i)) is not None:
                value, i = _value(text, m.end())
                fields[m.group(1).lower()] = " ".join(value.split())
                i = re.compile(r"\s*,?\s*").match(text, i).end()
        except (ValueError, IndexError, AttributeError):
            raise ValueError(f"references.bib: entry {key} is malformed") from None
        out[key] = Entry(key, kind, fields)
    return out


@lru_cache(maxsize=None)
def entries(path: Path = BIB) -> dict:
    return parse(path.read_text(encoding="utf-8"))


def entry(key: str, where: str = "") -> Entry:
    """The entry `key`; an unknown key is a one-line SymderivError naming it (and `where` it is cited)."""
    found = entries().get(key)
    if found is None:
        place = f" (cited in document {where})" if where else ""
        raise SymderivError(f"unknown reference key {key!r}{place}: not in symderiv/lecture/references.bib")
    return found


def plain(tex: str) -> str:
    """A field's TeX as plain text: accents of the form {\\"u} and {\\'e} resolved, braces dropped."""
    accents = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303"}
    tex = re.sub(r"\{?\\([\"'`^~])\{?(\w)\}?\}?", lambda m: m.group(2) + accents[m.group(1)], tex)
    return unicodedata.normalize("NFC", tex.replace("{", "").replace("}", "").replace("--", "\u2013"))


def authors(e: Entry) -> list:
    return [a.strip() for a in plain(e.fields.get("author", "")).split(" and ") if a.strip()]


def short(key: str) -> str:
    """Author-year text: 'Glorot and Bengio (2010)', 'He et al. (2015)'."""
    e = entry(key)
    last = [a.split()[-1] for a in authors(e)] or [key]
    who = last[0] if len(last) == 1 else f"{last[0]} and {last[1]}" if len(last) == 2 else f"{last[0]} et al."
    return f"{who} ({e.fields.get('year', 'n.d.')})"
