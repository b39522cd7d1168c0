"""Claims: statements the toolkit asserts, each with a method, a check and, once run, evidence.

A claim's `check()` returns an evidence dict with a boolean under "holds" and the numbers that
support it (`max_abs_error`, `worst_input`, `counterexample`, ...). Running it gives a `Result`:

- ``verified``  the check established the statement;
- ``refuted``   the check established its negation (a refuted claim must carry a counterexample);
- ``failed``    the check could not run or gave no evidence;
- ``conditional`` / ``ambiguous``: a seed statement that holds only under a stated condition, or only
  under one of its readings; the check established it under `reading`, which the report prints.

A claim with ``expected=False`` is a known error (in a seed document): refuting it is the success.

Numbers in a statement or a correction are formatted from the evidence when the claim runs:
``{{key:.3g}}`` (``{{part.key}}`` inside a part of `all_of`) is replaced by that evidence value, so
no measured number is typed by hand.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

STATUSES = ("verified", "refuted", "failed", "conditional", "ambiguous")
QUALIFIERS = ("conditional", "ambiguous")
FIELD = re.compile(r"\{\{([\w.\-]+)(?::([^}]*))?\}\}")
_LEADING_EVIDENCE = ("max_rel_error_mpmath", "max_rel_error_fd", "max_abs_error", "max_rel_error", "abs_error")


@dataclass(frozen=True)
class Claim:
    id: str
    statement: str
    method: str
    check: Callable[[], dict] = field(repr=False, compare=False)
    source: str | None = None        # seed file name, for seed material
    document: str | None = None      # derivation document name
    expected: bool = True
    quote: str | None = None         # the seed's words or formula, verbatim
    correction: str | None = None    # the corrected statement, for claims expected to fail
    qualifier: str | None = None     # "conditional" or "ambiguous": holds under `reading` only
    reading: str | None = None       # the condition or reading under which the statement holds

    def __post_init__(self):
        if self.qualifier is not None and (self.qualifier not in QUALIFIERS or not self.reading):
            raise ValueError(f"{self.id}: qualifier must be one of {QUALIFIERS} and come with a reading")


@dataclass(frozen=True)
class Result:
    claim: Claim
    status: str
    evidence: dict

    def plain(self) -> "Result":
        """This result without the claim's check (a closure): picklable, for worker processes and the cache."""
        return dataclasses.replace(self, claim=dataclasses.replace(self.claim, check=None))

    @property
    def passed(self) -> bool:
        """True when the outcome is what the claim expects (verified, or refuted if expected false)."""
        if not self.claim.expected:
            return self.status == "refuted"
        return self.status == (self.claim.qualifier or "verified")

    def _repr_latex_(self) -> str:
        """The verdict in a notebook: status and statement, and the first error measure of the
        evidence printed by `sympy.latex`."""
        text = "".join(" " if ch in "\\{}$&#^_%~" else ch for ch in self.claim.statement)
        shown = next((k for k in _LEADING_EVIDENCE if isinstance(self.evidence.get(k), (int, float))), None)
        value = rf",\ \text{{{shown.replace('_', ' ')}}} = {sp.latex(sp.Float(self.evidence[shown], 3))}" if shown else ""
        mark = "" if self.passed else r"\ \text{(not as expected)}"
        return rf"$\textbf{{{self.status}}}{mark}\quad \text{{{text}}}{value}$"

    def record(self) -> dict:
        """The JSON record of DESIGN.md: id, document/source, statement, method, status, expected, evidence."""
        c = self.claim
        rec = {"id": c.id, "statement": c.statement, "method": c.method, "status": self.status,
               "expected": c.expected, "passed": self.passed}
        for key in ("source", "document", "quote", "correction", "reading"):
            if getattr(c, key) is not None:
                rec[key] = getattr(c, key)
        rec.update({k: _jsonable(v) for k, v in sorted(self.evidence.items())})
        return rec


def run_claim(claim: Claim) -> Result:
    """Run one claim's check; any exception or missing evidence makes it `failed`, with the reason."""
    try:
        evidence = dict(claim.check())
    except Exception as exc:  # a claim that cannot be checked is reported, never hidden
        return Result(claim, "failed", {"error": f"{type(exc).__name__}: {exc}"})
    holds = evidence.pop("holds", None)
    if holds is None or not evidence:
        return Result(claim, "failed", {"error": "the check returned no evidence", **evidence})
    if not holds and "counterexample" not in evidence:
        return Result(claim, "failed", {"error": "refuted without a counterexample", **evidence})
    try:
        claim = dataclasses.replace(claim, statement=fill(claim.statement, evidence),
                                    correction=fill(claim.correction, evidence), reading=fill(claim.reading, evidence))
    except (KeyError, ValueError, TypeError) as exc:
        return Result(claim, "failed", {"error": f"statement not formattable from evidence: {exc}", **evidence})
    status = (claim.qualifier or "verified") if holds else "refuted"
    return Result(claim, status, evidence)


def lookup(evidence: dict, path: str):
    """The evidence value at a dotted path ("monte_carlo.mc_estimate")."""
    value = evidence
    for part in path.split("."):
        value = value[part] if isinstance(value, dict) else value[int(part)]
    return value


def fill(text, evidence: dict):
    """`text` with every {{key:format}} replaced by the formatted evidence value (None stays None)."""
    if text is None:
        return None
    return FIELD.sub(lambda m: format(_number(lookup(evidence, m.group(1))), m.group(2) or ""), text)


def _number(v):
    """SymPy numbers as floats (ints stay ints) so that format specifications apply."""
    if isinstance(v, (bool, int, float, str)):
        return v
    try:
        return int(v) if getattr(v, "is_Integer", False) else float(v)
    except (TypeError, ValueError):
        return str(v)


def _jsonable(v):
    """Evidence values as JSON: floats rounded to 6 significant digits (stable across runs), rest as text."""
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return repr(v)
        return float(f"{v:.6g}")
    if isinstance(v, (list, tuple)):
        return [_jsonable(i) for i in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(i) for k, i in sorted(v.items(), key=lambda kv: str(kv[0]))}
    try:
        return _jsonable(float(v))
    except (TypeError, ValueError):
        return str(v)
