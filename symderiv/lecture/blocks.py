"""The records a derivation document is made of.

A document file builds these from SymPy objects and plain text; the emitter prints every SymPy
object with `to_latex` and escapes every string, so a document file never holds LaTeX.

Text is a tuple of *parts*: a `str` is prose (escaped), anything else is SymPy (inline math).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Para:
    """A paragraph: prose strings and inline SymPy objects, in order."""

    parts: tuple


@dataclass(frozen=True)
class Bullets:
    """An itemized list; each item is a tuple of parts like a `Para`."""

    items: tuple


@dataclass(frozen=True)
class Equations:
    """Displayed mathematics, aligned at `=`: rows of (lhs, rhs) or a single expression;
    a row (None, term) continues the row above with `+ term` (for long sums)."""

    rows: tuple
    note: tuple = ()          # parts printed after the display ("where ...")


@dataclass(frozen=True)
class ClaimBox:
    """A claim made by this document; the notes print its statement and verification result."""

    claim: object             # symderiv.verify.claims.Claim


@dataclass(frozen=True)
class ClaimRef:
    """A claim made elsewhere (catalog, identities), shown with its result from the build;
    `brief` prints it as one line (status and statement) instead of a box."""

    id: str
    brief: bool = False
    label: str = ""           # printed instead of the claim's own statement when given


@dataclass(frozen=True)
class Ref:
    """The number of a figure of the same document, by the figure's name."""

    figure: str


@dataclass(frozen=True)
class Url:
    """A web address inside prose (printed so that it can break at / and .)."""

    address: str


@dataclass(frozen=True)
class Table:
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
class Figure:
    """Plots side by side (`per_row` of them per row) with a caption; `data` maps a table name
    to its rows: a tuple of column names, then tuples of numbers."""

    name: str
    plots: tuple
    caption: tuple
    data: dict = field(hash=False, compare=False, default_factory=dict)
    per_row: int = 1
    inline: bool = False      # placed here (not floating), for small per-entry plots


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple
    level: int = 1            # 1 section, 2 subsection


@dataclass(frozen=True)
class Document:
    title: str
    sections: tuple
    abstract: tuple = ()      # parts
    sources: tuple = ()       # seed files this document draws on (names only)


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
