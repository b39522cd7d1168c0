"""Numbers in claim statements, corrections, readings and in the prose of the documents this test
covers come from evidence: a measured-looking number (a decimal with 3 or more significant digits,
or a mantissa-and-exponent like 1.9e5) typed into text fails, unless it is a definitional constant
of the allow-list. Numbers written as {{evidence_key:format}} are formatted when the claim runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy as sp

from symderiv.build import project as projects
from symderiv.catalog import load_catalog
from symderiv.lecture import blocks
from symderiv.verify.claims import FIELD
from symderiv.verify.registry import all_claims

CAT = load_catalog()
ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ("activation_handbook", "initialisation", "regularisation", "vanishing_exploding")
MEASURED = re.compile(r"(?<![\w.])(\d\.\d+e[+-]?\d+|\d*\.\d{3,}|[1-9]\d*\.\d{2,}|0\.0*[1-9]\d{2,})(?![\w.])")
URL = re.compile(r"https?://\S+")
ALLOW = {"0.044715", "0.125"}          # definitional: gelu_tanh's constant, rrelu's default lower bound 1/8


def _catalog_constants() -> list:
    """The floating-point constants of the catalog's definitions and kink values (SELU's alpha, lambda, ...)."""
    out = set()
    for e in CAT:
        exprs = [e.expr] + [sp.sympify(k.value) for k in e.kinks]
        for ex in exprs:
            out |= {float(f) for f in sp.sympify(ex).atoms(sp.Float)}
            out |= {float(f) for f in sp.sympify(ex).atoms(sp.Mul) if f.is_number and f.has(sp.Float)}
    return sorted(out)


CONSTANTS = _catalog_constants()


def _definitional(n: str) -> bool:
    return n in ALLOW or any(abs(float(n) - c) <= 1e-9 * abs(c) for c in CONSTANTS if c)


def measured_numbers(text: str) -> list:
    """The measured-looking numbers typed into `text` (evidence fields and web addresses removed first)."""
    plain = URL.sub("", FIELD.sub("", text or ""))
    return [m for m in MEASURED.findall(plain) if not _definitional(m)]


def test_the_detector_flags_typed_measurements():
    assert measured_numbers("d a_L/d x = 1.9e5 for w = 1.5") == ["1.9e5"]
    assert measured_numbers("0.160 vs 0.399") == ["0.160", "0.399"]
    assert measured_numbers("measured {{ratio:.3g}} at n = 40, lr 0.07, 1e-18") == []


def _text_parts(item):
    if isinstance(item, str):
        yield item
    elif isinstance(item, (tuple, list)):
        for i in item:
            yield from _text_parts(i)
    elif isinstance(item, (blocks.Para, blocks.Bullets, blocks.Table, blocks.Equations, blocks.Figure, blocks.Graph,
                           blocks.ClaimBox, blocks.ClaimRef, blocks.Exercise)):
        for f in ("parts", "items", "header", "rows", "caption", "note", "shown", "question", "solution"):
            yield from _text_parts(getattr(item, f, ()))


def document_texts(document_of):
    project = projects.find_project(str(ROOT))
    for name in DOCUMENTS:
        doc = document_of(project, name)
        for text in _text_parts((doc.abstract, doc.summary, doc.exercises)):
            yield name, text
        for section in doc.sections:
            for item in section.items:
                for text in _text_parts(item):
                    yield name, text
                if isinstance(item, blocks.ClaimBox):
                    c = item.claim
                    for text in (c.statement, c.correction, c.reading):
                        yield c.id, text or ""


def claim_texts(document_of=None):
    for c in all_claims(CAT):
        for text in (c.statement, c.correction, c.reading):
            yield c.id, text or ""


@pytest.mark.parametrize("texts", [claim_texts, document_texts], ids=["claims", "documents"])
def test_no_typed_measurements(texts, document_of):
    bad = [(where, n, text[:120]) for where, text in texts(document_of) for n in measured_numbers(text)]
    assert not bad, bad
