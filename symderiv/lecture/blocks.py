"""The records a derivation document is made of.

A document file builds these from SymPy objects and plain text; the emitter prints every SymPy
object with `to_latex` and escapes every string, so a document file never holds LaTeX.

A document teaches in its main text and keeps the audit in an appendix: a `ClaimBox` or `ClaimRef`
in the main text prints its `shown` parts (typeset math) with a one-line verdict; its id, method,
evidence, source quote and counterexample go to the document's verification appendix. A document
also carries a `summary` (key points), `exercises` (each with its solution, printed in an appendix
that can be left out), citations (`Cite("key")` in prose, keys of `symderiv/lecture/references.bib`)
and computation graphs (`Graph`, drawn with TikZ).

Text is a tuple of *parts*: a `str` is prose (escaped), anything else is SymPy (inline math).
The same document gives the notes and the slides; `notes_only(block)` / `slides_only(block)` mark
a block (or a section) for one of them. In a notebook a `Document` or `Section` displays itself
(`_repr_markdown_`: prose and math; `_repr_latex_`: its equations), printed by `sympy.latex`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import sympy as sp

from symderiv.lecture import bibliography

TARGETS = ("notes", "slides")


@dataclass(frozen=True)
class Block:
    """What every block and section has: `only`, the one target ("notes" or "slides") that shows it."""

    only: str = field(default="", kw_only=True)

    def shown_in(self, target: str) -> bool:
        return self.only in ("", target)


@dataclass(frozen=True)
class Para(Block):
    """A paragraph: prose strings and inline SymPy objects, in order."""

    parts: tuple


@dataclass(frozen=True)
class Bullets(Block):
    """An itemized list; each item is a tuple of parts like a `Para`."""

    items: tuple


@dataclass(frozen=True)
class Equations(Block):
    """Displayed mathematics, aligned at `=`: rows of (lhs, rhs) or a single expression;
    a row (None, term) continues the row above with `+ term` (for long sums)."""

    rows: tuple
    note: tuple = ()          # parts printed after the display ("where ...")


@dataclass(frozen=True)
class ClaimBox(Block):
    """A claim made by this document. The main text prints `shown` (parts: the result as typeset
    math and prose; the claim's statement when empty) and a verdict line; the appendix prints the
    audit (id, method, evidence, quote, counterexample)."""

    claim: object             # symderiv.verify.claims.Claim
    shown: tuple = ()


@dataclass(frozen=True)
class ClaimRef(Block):
    """A claim made elsewhere (catalog, identities), shown with its result from the build;
    `brief` prints it as one line (status and statement) instead of a box."""

    id: str
    brief: bool = False
    label: str = ""           # printed instead of the claim's own statement when given
    shown: tuple = ()         # parts for the main text, as in ClaimBox


@dataclass(frozen=True)
class Cite:
    """A citation inside prose: `key` of an entry in symderiv/lecture/references.bib."""

    key: str


@dataclass(frozen=True)
class Exercise(Block):
    """An exercise: `question` (parts) and `solution` (a tuple of blocks, or parts for one paragraph),
    printed in the exercises section and the solutions appendix."""

    question: tuple
    solution: tuple


@dataclass(frozen=True)
class Graph(Block):
    """A computation graph drawn with TikZ: `nodes` are (id, label parts, (x, y)) with coordinates in
    centimetres, `edges` are (from id, to id, label parts); labels carry tensor shapes where they help."""

    name: str
    nodes: tuple
    edges: tuple
    caption: tuple


@dataclass(frozen=True)
class Ref:
    """The number of a figure of the same document, by the figure's name."""

    figure: str


@dataclass(frozen=True)
class Url:
    """A web address inside prose (printed so that it can break at / and .)."""

    address: str


@dataclass(frozen=True)
class Table(Block):
    """A table: `header` and `rows` are tuples of cells (a cell is a str or a SymPy object or a
    tuple of parts); `align` is one letter per column (l, c, r) or p{width} given as 'p:0.3'."""

    header: tuple
    rows: tuple
    align: str = ""
    caption: str = ""


@dataclass(frozen=True)
class Series:
    """One curve: columns `x`, `y` of the figure's data file `table`."""

    table: str
    y: str
    legend: str
    x: str = "x"
    style: str = ""           # a key of STYLES in symderiv.emit.latex_doc (e.g. "dashed", "marks")


@dataclass(frozen=True)
class Plot:
    """One pgfplots axis."""

    series: tuple
    xlabel: tuple = ()
    ylabel: tuple = ()
    title: tuple = ()
    ymode: str = "normal"     # or "log"
    xmode: str = "normal"
    ymin: float | None = None
    ymax: float | None = None
    legend: str = "north west"
    width: float = 0.9        # fraction of the line width


@dataclass(frozen=True)
class Figure(Block):
    """Plots side by side (`per_row` of them per row) with a caption; `data` maps a table name
    to its rows: a tuple of column names, then tuples of numbers."""

    name: str
    plots: tuple
    caption: tuple
    data: dict = field(hash=False, compare=False, default_factory=dict)
    per_row: int = 1
    inline: bool = False      # placed here (not floating), for small per-entry plots


@dataclass(frozen=True)
class Section(Block):
    """A section; `title` is a string or parts (prose and SymPy, for math in a heading)."""

    title: str | tuple
    items: tuple
    level: int = 1            # 1 section, 2 subsection

    def _repr_markdown_(self) -> str:
        return markdown((self,))

    def _repr_latex_(self) -> str:
        return math_display((self,))


@dataclass(frozen=True)
class Document:
    title: str
    sections: tuple
    abstract: tuple = ()      # parts
    sources: tuple = ()       # seed files this document draws on (names only)
    summary: tuple = ()       # key points: each a tuple of parts (printed as a list)
    exercises: tuple = ()     # Exercise blocks
    appendix: tuple = ()      # sections printed after the verification appendix (audit material)

    def _repr_markdown_(self) -> str:
        abstract = f"{_md_parts(self.abstract)}\n\n" if self.abstract else ""
        summary = "".join(f"- {_md_parts(p)}\n" for p in self.summary)
        summary = f"\n## Summary\n\n{summary}" if summary else ""
        exercises = "".join(f"{i}. {_md_parts(e.question)}\n" for i, e in enumerate(self.exercises, 1))
        exercises = f"\n## Exercises\n\n{exercises}" if exercises else ""
        return f"# {self.title}\n\n{abstract}{markdown(self.sections)}{summary}{exercises}"

    def _repr_latex_(self) -> str:
        return math_display(self.sections, self.title)


def P(*parts) -> Para:
    """A paragraph from prose and SymPy parts."""
    return Para(tuple(parts))


def B(*items) -> Bullets:
    """A list; each item a tuple of parts or a single string."""
    return Bullets(tuple(i if isinstance(i, tuple) else (i,) for i in items))


def E(*rows, note=()) -> Equations:
    """Displayed equations; each row an (lhs, rhs) pair or one expression."""
    return Equations(tuple(rows), tuple(note) if isinstance(note, tuple) else (note,))


def S(title, *items, level=1) -> Section:
    return Section(title, tuple(items), level)


def X(question, solution) -> Exercise:
    """An exercise from its question (parts or one string) and solution (blocks, parts or a string)."""
    q = question if isinstance(question, tuple) else (question,)
    sol = solution if isinstance(solution, tuple) else (solution,)
    return Exercise(q, sol)


def cites(doc) -> list:
    """The citation keys of `doc` in the order a reader meets them (abstract, sections, summary,
    exercises with their solutions, appendix), each once."""
    keys = []
    for part in _walk((doc.abstract, doc.sections, doc.summary, doc.exercises, doc.appendix)):
        if isinstance(part, Cite) and part.key not in keys:
            keys.append(part.key)
    return keys


def _walk(obj):
    """Every object inside tuples and blocks (a claim's internals and figure data skipped)."""
    yield obj
    if isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _walk(item)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type) and not hasattr(obj, "check"):
        for f in dataclasses.fields(obj):
            if f.name not in ("claim", "data"):
                yield from _walk(getattr(obj, f.name))


def notes_only(block):
    """`block` (or a section) shown in the notes, not on the slides."""
    return dataclasses.replace(block, only="notes")


def slides_only(block):
    """`block` (or a section) shown on the slides, not in the notes."""
    return dataclasses.replace(block, only="slides")


# --- display in a notebook (Markdown with math, printed by sympy.latex) ---

def _md_parts(parts) -> str:
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(p)
        elif isinstance(p, Ref):
            out.append(f"figure '{p.figure}'")
        elif isinstance(p, Url):
            out.append(f"<{p.address}>")
        elif isinstance(p, Cite):
            out.append(f"({bibliography.short(p.key)})")
        else:
            out.append(f"${sp.latex(p)}$")
    return "".join(out)


def _aligned_rows(eq) -> list:
    """Rows of an `aligned` environment: `lhs &= rhs`, `&\\quad + term` for a continued sum."""
    rows = []
    for r in eq.rows:
        if not isinstance(r, tuple):
            rows.append(f"&{sp.latex(r)}")
        elif r[0] is None:
            rows.append(rf"&\quad + {sp.latex(r[1])}")
        else:
            rows.append(f"{sp.latex(r[0])} &= {sp.latex(r[1])}")
    return rows


def _md_block(b) -> str:
    if isinstance(b, Para):
        return _md_parts(b.parts)
    if isinstance(b, Bullets):
        return "\n".join(f"- {_md_parts(i)}" for i in b.items)
    if isinstance(b, Equations):
        return "$$\\begin{aligned}" + r" \\ ".join(_aligned_rows(b)) + "\\end{aligned}$$" + (
            f"\n\n{_md_parts(b.note)}" if b.note else "")
    if isinstance(b, ClaimBox):
        return f"**Result:** {_md_parts(b.shown) if b.shown else b.claim.statement} *({b.claim.method})*"
    if isinstance(b, ClaimRef):
        return f"**Result:** {_md_parts(b.shown) if b.shown else b.label or b.id}"
    if isinstance(b, Exercise):
        return f"**Exercise.** {_md_parts(b.question)}"
    if isinstance(b, Graph):
        edges = ", ".join(f"{a} → {c}" for a, c, _ in b.edges)
        return f"*Graph '{b.name}':* {_md_parts(b.caption)} ({edges})"
    if isinstance(b, Table):
        cells = [[_md_parts(c if isinstance(c, tuple) else (c,)) for c in row] for row in (b.header, *b.rows)]
        lines = ["| " + " | ".join(r) + " |" for r in cells]
        return "\n".join([lines[0], "|" + " --- |" * len(b.header), *lines[1:]])
    return f"*Figure '{b.name}':* {_md_parts(b.caption)}"


def markdown(sections) -> str:
    """Sections as Markdown: headings, prose with `$...$` math, `aligned` displays, tables."""
    out = []
    for s in sections:
        out.append(f"{'#' * (s.level + 1)} {_md_parts(s.title) if isinstance(s.title, tuple) else s.title}")
        out += [_md_block(b) for b in s.items]
    return "\n\n".join(out) + "\n"


def _plain(title) -> str:
    """A title safe inside MathJax's \\text{...}: characters special to TeX dropped."""
    if isinstance(title, tuple):
        title = "".join(p if isinstance(p, str) else sp.sstr(p) for p in title)
    return "".join(" " if c in "\\{}$&#^_%~" else c for c in title)


def math_display(sections, title: str = "") -> str:
    """The displayed equations of `sections` under their titles, as one `aligned` display."""
    rows = [rf"&\textbf{{{_plain(title)}}}"] if title else []
    for s in sections:
        eqs = [b for b in s.items if isinstance(b, Equations)]
        rows.append(rf"&\text{{{_plain(s.title)}}}")
        rows += [row for eq in eqs for row in _aligned_rows(eq)]
    return "$\\displaystyle\\begin{aligned}" + r" \\ ".join(rows) + "\\end{aligned}$"
