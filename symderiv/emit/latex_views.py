"""A document's blocks as printed strings for the TeX templates (notes and slides alike).

Templates receive strings that are already printed: SymPy objects through `to_latex`, prose
through `escape`; they hold layout only. `item_view(item, ..., target)` turns one block into a
dict with a `kind`; a block marked for the other target (`NotesOnly`, `SlidesOnly`) gives None.

    >>> from symderiv.lecture.blocks import P
    >>> import sympy as sp
    >>> item_view(P("x & ", sp.Symbol("y")), "demo", {}, {})["text"]
    'x \\\\& $y$'
"""

from __future__ import annotations

import math as _math
import re

import sympy as sp
from sympy.printing.latex import LatexPrinter

from symderiv.emit import claim_views, figure_views
from symderiv.emit.escape import latex_escape as escape
from symderiv.emit.latex import textbook_form, to_latex
from symderiv.errors import SymderivError
from symderiv.lecture import blocks

STATUS_TEXT = {"verified": "verified", "refuted": "refuted", "failed": "check failed", None: "not run",
               "conditional": "holds under a condition", "ambiguous": "holds under the reading taken"}
HIDDEN_EVIDENCE = ("tolerance", "fd_skipped_inputs", "error")
FIRST_EVIDENCE = ("max_rel_error_mpmath", "max_rel_error_fd", "max_abs_error", "max_rel_error", "left_limit",
                  "right_limit", "n_points")
MAX_EVIDENCE_CHARS = 240        # longer evidence values are left to verification.json
CHARS_PER_LINE = 90             # characters of \small text in the notes' line width, for table widths
COLUMN_GAP = 0.03               # fraction of the line width each column loses to its separation


CITE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_:-]*\Z")


def tex_math(expr) -> str:
    """A SymPy object (or number) as LaTeX, printed by the policy of `emit.latex.textbook_form`."""
    return to_latex(textbook_form(sp.sympify(expr)))


def text(parts) -> str:
    """Prose parts escaped, web addresses breakable, SymPy parts as inline math."""
    if not isinstance(parts, tuple):
        parts = (parts,)
    return "".join(_part(p) for p in parts)


def _part(p) -> str:
    if isinstance(p, str):
        return escape(p)
    if isinstance(p, blocks.Ref):
        return r"\ref{fig:%s}" % escape(p.figure)
    if isinstance(p, blocks.Url):
        return r"{\small\ttfamily " + breakable(p.address, "/.-_") + "}"
    if isinstance(p, blocks.Cite):
        if not CITE_KEY.match(p.key):
            raise SymderivError(f"citation key {p.key!r} is not a plain key (letters, digits, _ : -)")
        return r"\cite{%s}" % p.key
    return f"${tex_math(p)}$"


def breakable(raw: str, after: str) -> str:
    """`raw` escaped, with a permitted line break after each character in `after` (for long code and URLs)."""
    out = escape(raw)
    for c in after:
        out = out.replace(escape(c), escape(c) + r"\allowbreak{}")
    return out


def number(v) -> str:
    """A float as short text: 4 significant digits, exponent in TeX."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return escape(str(v))
    if isinstance(v, float):
        if _math.isfinite(v):
            s = f"{v:.4g}"
            if "e" in s:
                m, e = s.split("e")
                return f"${m} \\cdot 10^{{{int(e)}}}$"
            return s
        return escape(repr(v))
    return text(v) if isinstance(v, sp.Basic) else escape(str(v))


def evidence_items(evidence: dict, limit=12) -> list:
    """(key, printed value) for the evidence worth printing (scalars, short lists, dicts)."""
    out = []
    for key in sorted(evidence, key=lambda k: (FIRST_EVIDENCE.index(k) if k in FIRST_EVIDENCE else 99, k)):
        if key in HIDDEN_EVIDENCE or key == "counterexample" or len(str(evidence[key])) > MAX_EVIDENCE_CHARS:
            continue   # long evidence stays in verification.json
        out.append((escape(key.replace("_", " ")), _value(evidence[key])))
    return out[:limit]


def _value(v, depth=0) -> str:
    if isinstance(v, dict):
        return "; ".join(f"{escape(str(k))} = {_value(i, depth + 1)}" for k, i in sorted(v.items(), key=lambda kv: str(kv[0])))
    if isinstance(v, (list, tuple)):
        shown = ", ".join(_value(i, depth + 1) for i in v[:6])
        more = r", \dots" if len(v) > 6 else ""
        return f"[{shown}{more}]"
    if isinstance(v, sp.Basic):
        s = tex_math(v)
        return f"${s}$" if len(s) < 120 else escape(str(v)[:100] + " ...")
    if isinstance(v, str):
        return escape(v if len(v) < 160 else v[:157] + "...")
    return number(v)


def claim_view(claim, result) -> dict:
    """A claim and its result, printed."""
    status = result.status if result else None
    claim = result.claim if result else claim      # the statement as formatted from the evidence
    passed = bool(result and result.passed)
    tone = "ok" if passed and claim.expected else "source" if passed else "bad"
    evidence = claim_views.evidence_for_appendix(result)
    return {
        "label": claim_views.label(claim.id), "verdict": escape(claim_views.verdict(result)),
        "id": breakable(claim.id, "._"), "statement": escape(claim.statement + (f" (reading taken: {claim.reading})" if claim.reading else "")),
        "method": escape(claim.method),
        "status": STATUS_TEXT[status], "tone": tone, "expected": claim.expected,
        "quote": breakable(claim.quote, "=,)/") if claim.quote else "",
        "source": escape(claim.source) if claim.source else "",
        "correction": escape(claim.correction) if claim.correction else "",
        "evidence": evidence_items(evidence),
        "counterexample": _value(evidence["counterexample"]) if "counterexample" in evidence else "",
        "error": escape(str(evidence.get("error", "")))[:300],
    }


def _cell(c) -> str:
    return text(c) if isinstance(c, (str, tuple)) else f"${tex_math(c)}$"


def _chars(c) -> int:
    """The printed length of a table cell, roughly: its prose, or SymPy's string of its math."""
    parts = c if isinstance(c, tuple) else (c,)
    return sum(len(p) if isinstance(p, str) else len(sp.sstr(p)) for p in parts)


def align(table) -> str:
    """The column spec: one letter per column (l, c, r), 'p:0.3' a ragged paragraph 0.3 line widths wide.
    When the columns (letters at the width of their longest cell) do not fit the line, every column
    wider than a common cap becomes a paragraph of that width, the cap chosen so that they fit."""
    cols = table.align.split() if table.align else ["l"] * len(table.header)
    widths = [float(c[2:]) if c.startswith("p:") else max(_chars(r[i]) for r in (table.header, *table.rows)) / CHARS_PER_LINE
              for i, c in enumerate(cols)]
    room = 1 - COLUMN_GAP * len(cols)
    if sum(widths) > room:
        cap, kept = room / len(cols), 0.0
        for n, w in enumerate(sorted(widths)):   # the widest cap that the narrower columns leave room for
            if w > (room - kept) / (len(cols) - n):
                cap = (room - kept) / (len(cols) - n)
                break
            kept += w
        cols = [f"p:{cap:.3f}" if w > cap else c for c, w in zip(cols, widths)]
    return "".join(f">{{\\raggedright\\arraybackslash}}p{{{c[2:]}\\linewidth}}" if c.startswith("p:") else c
                   for c in cols)


def data_text(rows, provenance: str) -> str:
    """A pgfplots table: a comment line, a header of column names, then numbers in a fixed
    format (nan for gaps)."""
    head, *body = rows
    lines = [f"% {provenance}", " ".join(head)]
    for row in body:
        lines.append(" ".join("nan" if not _math.isfinite(float(v)) else f"{float(v):.6g}" for v in row))
    return "\n".join(lines) + "\n"


def item_view(item, doc_name: str, results: dict, files: dict, provenance: str = "", target: str = "notes"):
    """One block of a document, printed (None when it is marked for the other target); figure data
    are added to `files`."""
    if not item.shown_in(target):
        return None
    if isinstance(item, blocks.Para):
        return {"kind": "para", "text": text(item.parts)}
    if isinstance(item, blocks.Bullets):
        return {"kind": "bullets", "items": [text(i) for i in item.items]}
    if isinstance(item, blocks.Equations):
        rows = [_row(r, doc_name) for row in item.rows for r in split_long(row)]
        return {"kind": "equations", "rows": rows, "aligned": all(isinstance(r, tuple) for r in item.rows),
                "note": text(item.note) if item.note else ""}
    if isinstance(item, blocks.ClaimBox):
        result = results.get(item.claim.id)
        statement = (result.claim if result else item.claim).statement
        return claim_views.main_view(item.claim.id, result, text(item.shown) if item.shown else "", statement, False)
    if isinstance(item, blocks.ClaimRef):
        return _claim_ref(item, results)
    if isinstance(item, blocks.Table):
        return {"kind": "table", "align": align(item), "header": [_cell(c) for c in item.header],
                "rows": [[_cell(c) for c in r] for r in item.rows], "caption": escape(item.caption)}
    if isinstance(item, blocks.Figure):
        return figure_views.figure_view(item, doc_name, files, provenance, text, data_text)
    if isinstance(item, blocks.Graph):
        return figure_views.graph_view(item, doc_name, text)
    if isinstance(item, blocks.Exercise):
        raise SymderivError(f"document {doc_name}: an exercise belongs in Document.exercises, not in a section")
    raise TypeError(f"unknown block {type(item).__name__} in document {doc_name}")


def _claim_ref(item, results) -> dict:
    result = results.get(item.id)
    if result is None:   # printed in red and caught by the notes tests, rather than failing the build
        return {"kind": "missing", "id": escape(item.id)}
    shown = text(item.shown) if item.shown else ""
    return claim_views.main_view(item.id, result, shown, item.label or result.claim.statement, item.brief)


MAX_ROW_CHARS = 60     # visible characters of a displayed row (commands, braces not counted) before it is cut
COMMANDS = re.compile(r"\\[A-Za-z]+|[{}&^_ ]")


def visible(tex: str) -> int:
    """The characters a printed formula shows, roughly (fractions count numerator and denominator)."""
    return len(COMMANDS.sub("", tex))


def split_long(row) -> list:
    """A row (lhs, a + b + ...) too long for the line as rows (lhs, a + ...), (None, ... + b), each
    at most MAX_ROW_CHARS wide where the terms allow; other rows as they are."""
    if not isinstance(row, tuple) or row[0] is None:
        return [row]
    rhs = sp.sympify(row[1])
    lhs_width = visible(tex_math(row[0]))
    if not isinstance(rhs, sp.Add) or lhs_width + visible(tex_math(rhs)) <= MAX_ROW_CHARS:
        return [row]
    groups, width = [[]], lhs_width
    for term in LatexPrinter()._as_ordered_terms(textbook_form(rhs)):
        w = visible(tex_math(term))
        if groups[-1] and width + w > MAX_ROW_CHARS:
            groups.append([])
            width = 0
        groups[-1].append(term)
        width += w
    parts = [sp.Add(*g, evaluate=False) if len(g) > 1 else g[0] for g in groups]
    return [(row[0], parts[0])] + [(None, p) for p in parts[1:]]


def _row(r, doc_name: str = "") -> str:
    """An aligned row `lhs &= rhs`; (None, term) continues the previous row with `+ term`. A row whose two
    sides print the same (f = f) is refused: it says nothing."""
    if not isinstance(r, tuple):
        return tex_math(r)
    rhs = tex_math(r[1])
    if r[0] is None:
        return rf"&\quad {'' if rhs.startswith('-') else '+ '}{rhs}"
    lhs = tex_math(r[0])
    if lhs == rhs:
        raise SymderivError(f"document {doc_name}: the equation {lhs} = {rhs} prints the same on both sides")
    return f"{lhs} &= {rhs}"


def section_views(doc, name: str, results: dict, files: dict, provenance: str, target: str) -> list:
    """The sections of `doc` meant for `target` ("notes" or "slides"), each with its printed items."""
    out = []
    for s in (s for s in doc.sections if s.shown_in(target)):
        views = [item_view(i, name, results, files, provenance, target) for i in s.items]
        out.append({"title": title(s.title), "level": s.level, "items": [v for v in views if v is not None]})
    return out


def title(t) -> str:
    """A heading: a string (escaped), or parts with math, given a plain-text form for the PDF outline."""
    if isinstance(t, str):
        return escape(t)
    plain = "".join(p if isinstance(p, str) else sp.sstr(p) for p in t)
    return r"\texorpdfstring{%s}{%s}" % (text(t), escape(plain))
