"""Figures and computation graphs of a document, printed for the templates.

The rules a figure must meet (a clear one-line error naming the document and figure otherwise):
every axis has an x label and a y label; in an axis with several curves every curve has a legend
entry, and curves are told apart by dash pattern or marker: a series without a style takes the
next style of `STYLE_CYCLE` not used in its axis. A log axis gets ticks at round powers of ten (at
most `MAX_LOG_TICKS`, every 1, 2, 5, 10, 20, ... decades), or at 1, 2, 5 x 10^k with fixed-point
labels when the data span at most two decades.

A `Graph` is a TikZ picture: a node per (id, label, (x, y)) in centimetres, an arrow per edge
with its label on the arrow; its label is fig:NAME like a figure's, so `Ref(name)` works for both.
"""

from __future__ import annotations

import math
import re

from symderiv.errors import SymderivError

STYLES = {"": "thick, no markers", "dashed": "thick, dashed, no markers",
          "dotted": "thick, densely dotted, no markers", "dashdotted": "thick, dashdotted, no markers",
          "densely dashed": "thick, densely dashed, no markers",
          "marks": "only marks, mark=*, mark size=1.6pt", "lines+marks": "thick, mark=*, mark size=1.2pt",
          "lines+squares": "thick, mark=square*, mark size=1.2pt",
          "lines+triangles": "thick, mark=triangle*, mark size=1.4pt"}
STYLE_CYCLE = ("", "dashed", "dotted", "dashdotted", "lines+marks", "lines+squares", "lines+triangles",
               "densely dashed")
MAX_LOG_TICKS = 6
DECADE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)
NODE_ID = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")


def _fail(doc_name: str, what: str, message: str):
    raise SymderivError(f"document {doc_name}: {what}: {message}")


def series_styles(plot, where: str, doc_name: str) -> list:
    """The pgfplots style of each series: its own, or the next unused one of STYLE_CYCLE."""
    used = {s.style for s in plot.series if s.style}
    unknown = sorted(used - set(STYLES))
    if unknown:
        _fail(doc_name, where, f"unknown series style {unknown[0]!r} (known: {', '.join(sorted(STYLES))})")
    free = iter([st for st in STYLE_CYCLE if st not in used] + list(STYLE_CYCLE) * len(plot.series))
    return [STYLES[s.style if s.style else next(free)] for s in plot.series]


def log_ticks(lo: float, hi: float) -> str:
    """pgfplots tick options for a log axis whose data lie in [lo, hi] (both > 0)."""
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if b - a <= 2:
        for mantissas in ((1, 2, 5), range(1, 10), [i / 10 for i in range(10, 100, 2)]):
            ticks = sorted({round(m * 10.0**k, 12) for k in range(a, b + 1) for m in mantissas
                            if lo * 0.999 <= m * 10.0**k <= hi * 1.001})
            if len(ticks) >= 3:
                break
        ticks = ticks[::max(1, len(ticks) // MAX_LOG_TICKS)]
        return "{axis}tick={" + ",".join(f"{t:g}" for t in ticks) + "}, {axis}ticklabels={" + ",".join(
            f"{t:.10f}".rstrip("0").rstrip(".") for t in ticks) + "}"
    step = next((s for s in DECADE_STEPS if (b - a) / s <= MAX_LOG_TICKS - 1), DECADE_STEPS[-1])
    first = math.ceil(a / step) * step
    return "{axis}tickten={" + ",".join(str(k) for k in range(first, b + 1, step)) + "}"


def _column(fig, s, name):
    rows = fig.data.get(s.table)
    if not rows or name not in rows[0]:
        return []
    i = rows[0].index(name)
    return [float(r[i]) for r in rows[1:]]


def _log_options(fig, plot) -> str:
    """Tick options of the plot's log axes, from the range of the positive data on them."""
    out = ""
    for axis, mode in (("x", plot.xmode), ("y", plot.ymode)):
        if mode != "log":
            continue
        values = [v for s in plot.series for v in _column(fig, s, s.x if axis == "x" else s.y)
                  if math.isfinite(v) and v > 0]
        if axis == "y":
            values += [v for v in (plot.ymin, plot.ymax) if v]
        if values:
            out += ", " + log_ticks(min(values), max(values)).replace("{axis}", axis)
    return out


def check_plot(plot, where: str, doc_name: str) -> None:
    """Both axis labels present; a legend entry for every curve of an axis with several."""
    for label in ("xlabel", "ylabel"):
        if not getattr(plot, label):
            _fail(doc_name, where, f"an axis has no {label} (every axis names both its quantities)")
    if len(plot.series) > 1 and any(not s.legend for s in plot.series):
        _fail(doc_name, where, "a curve of an axis with several curves has no legend entry")


def figure_view(fig, doc_name: str, files: dict, provenance: str, text, data_text) -> dict:
    """A `Figure` printed; its data tables are added to `files` (data/DOC-FIG-TABLE.dat)."""
    paths = {}
    for table, rows in sorted(fig.data.items()):
        paths[table] = f"data/{doc_name}-{fig.name}-{table}.dat"
        files[paths[table]] = data_text(rows, provenance)
    plots = []
    for p in fig.plots:
        where = f"figure {fig.name}"
        check_plot(p, where, doc_name)
        styles = series_styles(p, where, doc_name)
        plots.append({
            "width": f"{p.width / fig.per_row:.3f}", "xlabel": text(p.xlabel), "ylabel": text(p.ylabel),
            "title": text(p.title), "ymode": p.ymode, "xmode": p.xmode, "legend": p.legend,
            "limits": "".join(f", {k}={v:g}" for k, v in (("ymin", p.ymin), ("ymax", p.ymax)) if v is not None)
            + _log_options(fig, p),
            "series": [{"file": paths[s.table], "x": s.x, "y": s.y, "legend": text(s.legend), "style": st}
                       for s, st in zip(p.series, styles)]})
    return {"kind": "figure", "label": f"fig:{fig.name}", "plots": plots, "per_row": fig.per_row,
            "caption": text(fig.caption), "inline": fig.inline}


def graph_view(graph, doc_name: str, text) -> dict:
    """A `Graph` printed: nodes at (x, y) cm with their labels, labelled arrows."""
    where = f"graph {graph.name}"
    ids = [n[0] for n in graph.nodes]
    for i in ids:
        if not NODE_ID.match(str(i)):
            _fail(doc_name, where, f"node id {i!r} is not a plain name (letters and digits)")
    for a, b, _ in graph.edges:
        if a not in ids or b not in ids:
            _fail(doc_name, where, f"edge {a!r} -> {b!r} names a node the graph lacks")
    return {"kind": "graph", "label": f"fig:{graph.name}", "caption": text(graph.caption),
            "nodes": [{"id": i, "label": text(lab), "x": f"{x:g}", "y": f"{y:g}"} for i, lab, (x, y) in graph.nodes],
            "edges": [{"src": a, "dst": b, "label": text(lab)} for a, b, lab in graph.edges]}
