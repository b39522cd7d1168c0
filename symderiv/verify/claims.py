"""Claims: statements the toolkit asserts, each with a method, a check and, once run, evidence.

A claim's `check()` returns an evidence dict with a boolean under "holds" and the numbers that
support it (`max_abs_error`, `worst_input`, `counterexample`, ...). Running it gives a `Result`:

- ``verified``  the check established the statement;
- ``refuted``   the check established its negation (a refuted claim must carry a counterexample);
- ``failed``    the check could not run or gave no evidence.

A claim with ``expected=False`` is a known error (in a seed document): refuting it is the success.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

STATUSES = ("verified", "refuted", "failed")
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
        return self.status == ("verified" if self.claim.expected else "refuted")

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
        for key in ("source", "document", "quote", "correction"):
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
    return Result(claim, "verified" if holds else "refuted", evidence)


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
