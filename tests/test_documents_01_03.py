"""The teaching documents 01-03 (handbook, backpropagation, relu_leaky_l1): notation, and the new kinds
of claims they make refuted when their input is perturbed (growth degree, one-sided derivatives,
column-vector backward rules, the worked example's gradients)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from symderiv.build import project as projects
from symderiv.calculus import column_backprop as cb
from symderiv.calculus import column_example as ex
from symderiv.calculus.growth import degree_evidence, polynomial_degree
from symderiv.catalog import load_catalog
from symderiv.lecture import blocks
from symderiv.lecture.handbook_guide import display, one_sided_derivatives
from symderiv.lecture.notation import violations
from symderiv.verify.claims import Claim, run_claim

ROOT = Path(__file__).resolve().parents[1]
CAT = load_catalog()
NAMES = ("activation_handbook", "backpropagation", "relu_leaky_l1")


@pytest.fixture(scope="module")
def docs(document_of):
    project = projects.find_project(str(ROOT))
    return {n: document_of(project, n) for n in NAMES}


def test_notation_is_followed(docs):
    for name, doc in docs.items():
        assert violations(doc) == [], name


def test_teaching_shape(docs):
    for name, doc in docs.items():
        assert 4 <= len(doc.summary) <= 7 and len(doc.exercises) >= 3, name
        assert all(isinstance(e, blocks.Exercise) and e.solution for e in doc.exercises), name
    graphs = [i for s in docs["backpropagation"].sections for i in s.items if isinstance(i, blocks.Graph)]
    assert len(graphs) >= 1


def test_document_claims_pass(docs, result_of):
    for name, doc in docs.items():
        for c in projects.claims_of(doc):
            r = result_of(c)
            assert r.passed, (c.id, r.evidence)


def test_growth_degree_from_finite_differences():
    cubic = [21, 83, 198, 378, 635, 981, 1428, 1988]
    assert polynomial_degree(cubic) == 3 and polynomial_degree([3, 5, 7, 9, 11]) == 1
    ok = run_claim(Claim("g", "degree {{degree}}", "m", lambda: degree_evidence(cubic, 3)))
    assert ok.status == "verified" and ok.claim.statement == "degree 3"
    perturbed = cubic[:4] + [cubic[4] + 1] + cubic[5:]
    bad = run_claim(Claim("g", "degree {{degree}}", "m", lambda: degree_evidence(perturbed, 3)))
    assert bad.status == "refuted" and "counterexample" in bad.evidence
    assert degree_evidence(cubic, 2)["holds"] is False          # "quadratically" is refuted by the same data


def test_one_sided_derivatives_elu_and_a_wrong_derivative():
    elu = CAT.get("elu")
    ev = one_sided_derivatives(elu, elu.kinks[0])
    assert ev["holds"] and ev["right"] == 1 and ev["differentiable_when"] == "differentiable there only when alpha = 1"
    relu = CAT.get("relu")
    assert one_sided_derivatives(relu, relu.kinks[0])["differentiable_when"] == "not differentiable there"
    wrong = one_sided_derivatives(elu, elu.kinks[0], derivative_fn=lambda e, v: 2 * sp.diff(e, v))
    assert not wrong["holds"] and "counterexample" in wrong


def test_printing_policy():
    g = CAT.get("gelu_tanh")
    from symderiv.emit.latex import to_latex
    tex = to_latex(display(g, g.expr))
    assert "0.044715" in tex and r"\sqrt{\frac{2}{\pi}}" in tex and "8943" not in tex
    selu = to_latex(display(CAT.get("selu"), CAT.get("selu").expr))
    assert r"\alpha \left(e^{x} - 1\right)" in selu and "1.67" not in selu


def test_column_rules_refuted_with_a_wrong_derivative():
    u = sp.Symbol("u")
    f = lambda l: sp.Lambda(u, sp.tanh(u)) if l == 1 else sp.Lambda(u, u)
    good = lambda l: sp.Lambda(u, 1 - sp.tanh(u) ** 2) if l == 1 else sp.Lambda(u, sp.S.One)
    wrong = lambda l: sp.Lambda(u, sp.S.One)
    widths, pts = (2, 2, 1), [cb.sample_point((2, 2, 1), 0)]
    assert cb.check_rules(f, good, widths, pts)["holds"]
    bad = cb.check_rules(f, wrong, widths, pts)
    assert not bad["holds"] and "counterexample" in bad


def test_worked_example_gradients_and_a_perturbed_one(monkeypatch):
    assert ex.central_difference_check()["holds"]
    real = ex.results
    monkeypatch.setattr(ex, "results", lambda values=ex.VALUES: {**real(values), "dW1": real(values)["dW1"] * 1.01})
    assert not ex.central_difference_check()["holds"]
