"""generated/latex/errata.tex: per seed document, every audited statement: what holds, what does not
(with counterexample and correction), and anything not as expected, each with the seed's own words.

Rendered from the build's results (claims with a `source`) by `symderiv.emit.latex_doc.render_tex`
(the emitters' one Jinja environment) from the template `templates/errata.tex.jinja`. Corrected
formulas come from SymPy (`symderiv.verify.seeds.correct_formulas`) printed by `to_latex`; quotes
are text, escaped by `latex_escape`, in their original language (XeLaTeX, CJK in a CJK font).
"""

from __future__ import annotations

import math

from symderiv.emit.escape import latex_escape as escape
from symderiv.emit.latex import to_latex
from symderiv.emit.latex_doc import render_tex
from symderiv.verify.seeds import SEEDS, TITLES, correct_formulas

PATH = "latex/errata.tex"
BREAK_AFTER = "=+*/,;(}"   # a long formula quoted in typewriter type may break after these


def quote_tex(text: str) -> str:
    """A verbatim quote as TeX text: escaped (CJK kept, in its font), line breaks allowed after the
    characters of BREAK_AFTER."""
    out = escape(text)
    for ch in BREAK_AFTER:
        out = out.replace(escape(ch), escape(ch) + r"\allowbreak{}")
    return out


def breakable_id(claim_id: str) -> str:
    """A claim id as TeX text that may break after "." and "_"."""
    return escape(claim_id).replace(".", r".\allowbreak{}").replace(r"\_", r"\_\allowbreak{}")


def _short(v) -> str:
    """A value of the evidence as short text (floats with 4 significant digits)."""
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, float):
        return f"{v:.4g}" if math.isfinite(v) else repr(v)
    if isinstance(v, dict):
        return "; ".join(f"{k} = {_short(i)}" for k, i in sorted(v.items(), key=lambda kv: str(kv[0])))
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_short(i) for i in v) + "]"
    try:
        f = float(v)
        return _short(f) if not f.is_integer() or abs(f) > 1e15 else str(v)
    except (TypeError, ValueError):
        return str(v)


def claim_entry(result, formulas) -> dict:
    c, ev = result.claim, result.evidence
    return {
        "id": breakable_id(c.id), "statement": escape(c.statement), "method": escape(c.method),
        "status": escape(result.status), "quote": quote_tex(c.quote or ""),
        "counterexample": escape(_short(ev["counterexample"])) if "counterexample" in ev else "",
        "correction": escape(c.correction or ""), "error": escape(str(ev.get("error", ""))[:300]),
        "formula": to_latex(formulas[c.id]) if c.id in formulas else "",
        "reading": escape(c.reading or ""),
    }


def seed_view(file, results, formulas) -> dict:
    mine = [r for r in results if r.claim.source == file]
    counts = {"claims": len(mine), "verified": sum(r.status == "verified" for r in mine),
              "refuted": sum(r.status == "refuted" for r in mine),
              "qualified": sum(r.status in ("conditional", "ambiguous") for r in mine),
              "not_as_expected": sum(not r.passed for r in mine)}
    return {
        "file": escape(file), "title": escape(TITLES.get(file, "")), "counts": counts,
        "refuted": [claim_entry(r, formulas) for r in mine if r.passed and r.status == "refuted"],
        "verified": [claim_entry(r, formulas) for r in mine if r.passed and r.status == "verified"],
        "qualified": [claim_entry(r, formulas) for r in mine if r.passed and r.status in ("conditional", "ambiguous")],
        "bad": [claim_entry(r, formulas) for r in mine if not r.passed],
    }


def errata_files(catalog, results, provenance: str) -> dict:
    """The build emitter: latex/errata.tex."""
    formulas = correct_formulas(catalog)
    seeds = [seed_view(f, results, formulas) for f in SEEDS.values()]
    total = {k: sum(s["counts"][k] for s in seeds) for k in ("claims", "verified", "refuted", "qualified", "not_as_expected")}
    tex = render_tex("errata.tex.jinja", provenance=provenance, seeds=seeds, total=total, plots=False)
    return {PATH: tex}
