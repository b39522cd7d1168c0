"""Claims printed twice: in the main text as the result and a one-line verdict, in the verification
appendix as the audit (id, statement, method, status, evidence, the source's words, counterexample,
correction).

The verdict is derived from the claim's outcome and method, never typed by a document:

    >>> from symderiv.verify.claims import Claim, Result
    >>> c = Claim("d.x", "x = x", "mpmath (40 digits) at 12 points", lambda: {})
    >>> verdict(Result(c, "verified", {"max_rel_error_mpmath": 1e-40}))
    'Checked against 40-digit arithmetic'
"""

from __future__ import annotations

import re

from symderiv.emit.escape import latex_escape as escape

# (words of the method, what the verdict says), in the order a verdict lists them (at most two)
METHOD_WORDS = (
    ("symbolic", "proved symbolically by SymPy"),
    ("monte carlo", "checked by simulation (Monte Carlo)"),
    ("40 digits", "checked against 40-digit arithmetic"),
    ("mpmath", "checked numerically with mpmath"),
    ("exact", "checked in exact arithmetic"),
    ("central difference", "checked by finite differences"),
    ("finite difference", "checked by finite differences"),
    ("measured", "measured in a seeded experiment"),
    ("experiment", "measured in a seeded experiment"),
    ("numeric", "checked numerically"),
)
GENERAL = ("checked numerically with mpmath", "checked numerically")   # dropped beside a more specific phrase
PROOF_RESIDUALS = ("max_abs_error", "n_points", "proved_symbolically", "symbolic_difference")


def label(claim_id: str) -> str:
    """The TeX label of a claim's appendix entry."""
    return "claim:" + re.sub(r"[^A-Za-z0-9.:-]", "-", claim_id)


def _method_phrases(method: str, evidence: dict) -> list:
    low, out = method.lower(), []
    for words, phrase in METHOD_WORDS:
        if words in low and phrase not in out:
            out.append(phrase)
    if evidence.get("proved_symbolically") is False and "proved symbolically by SymPy" in out:
        n = evidence.get("n_points")
        out.remove("proved symbolically by SymPy")
        out.insert(0, f"checked at {n} exact rational points" if n else "checked at exact rational points")
    specific = [p for p in out if p not in GENERAL]
    if specific:
        out = specific
    elif len(out) > 1:
        out = out[:1]
    return out[:2] or ["checked when these notes were built"]


def verdict(result) -> str:
    """One line saying how the result was established (or that the source's statement is wrong); no final stop."""
    if result is None:
        return "Not run in this build"
    c = result.claim
    if not result.passed:
        return f"Not as expected: the check gave '{result.status}'"
    if result.status == "refuted":
        return "The source's statement is wrong; the correct form is given here"
    phrases = _method_phrases(c.method, result.evidence)
    text = " and ".join(phrases)
    if result.status in ("conditional", "ambiguous"):
        text += "; it holds under the condition or reading stated in the appendix"
    return text[0].upper() + text[1:]


def tone(result) -> str:
    if result is None or not result.passed:
        return "bad"
    return "ok" if result.claim.expected else "source"


def main_view(claim_id: str, result, shown: str, fallback: str, brief: bool) -> dict:
    """A claim in the main text: `shown` (printed parts; else the statement) and the verdict, linked to
    the appendix entry."""
    return {"kind": "claim", "brief": brief, "shown": shown or escape(fallback), "verdict": escape(verdict(result)),
            "label": label(claim_id), "tone": tone(result)}


def evidence_for_appendix(result) -> dict:
    """The evidence worth printing: a symbolic proof without its numeric residual."""
    ev = dict(result.evidence) if result else {}
    if ev.get("proved_symbolically") is True or ev.get("symbolic_difference") == 0:
        ev = {k: v for k, v in ev.items() if k not in PROOF_RESIDUALS}
    return ev
