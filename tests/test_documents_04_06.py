"""Documents 04-06 (initialisation, regularisation, vanishing/exploding gradients): the teaching shape, the
notation, every figure axis labelled, every claim as expected, and each new kind of claim refuted when its
setting is perturbed."""

from __future__ import annotations

from pathlib import Path

import pytest

from symderiv.build import project as projects
from symderiv.catalog import load_catalog
from symderiv.lecture import blocks, figures
from symderiv.lecture.notation import violations

CAT = load_catalog()
PROJECT = projects.find_project(str(Path(__file__).resolve().parents[1]))
NAMES = ("initialisation", "regularisation", "vanishing_exploding")


@pytest.fixture(scope="module")
def docs(document_of):
    return {n: document_of(PROJECT, n) for n in NAMES}


def _mod(name):
    return projects.module(PROJECT, name)


def _items(doc):
    return [i for s in doc.sections for i in s.items]


def _parts(obj):
    """Every prose or math part inside a block (recursively)."""
    if isinstance(obj, blocks.Cite):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for o in obj:
            yield from _parts(o)
    elif hasattr(obj, "__dataclass_fields__") and not hasattr(obj, "check"):
        for f in obj.__dataclass_fields__:
            if f not in ("claim", "data"):
                yield from _parts(getattr(obj, f))
    else:
        yield obj


@pytest.mark.parametrize("name", NAMES)
def test_teaching_shape_and_notation(docs, name):
    doc = docs[name]
    assert violations(doc) == []
    assert 4 <= len(doc.summary) <= 7
    assert len(doc.exercises) >= 3 and all(e.question and e.solution for e in doc.exercises)
    cites = [p for p in _parts(doc.sections) if isinstance(p, blocks.Cite)]
    assert cites, f"{name} cites no reference"
    bib = Path(blocks.__file__).with_name("references.bib").read_text()
    assert all("{" + c.key + "," in bib for c in cites)


@pytest.mark.parametrize("name", NAMES)
def test_every_plot_has_both_axis_labels_and_legends(docs, name):
    plots = [p for i in _items(docs[name]) if isinstance(i, blocks.Figure) for p in i.plots]
    assert plots
    for p in plots:
        assert p.xlabel and p.ylabel
        assert all(s.legend for s in p.series)


@pytest.mark.parametrize("name", NAMES)
def test_every_claim_is_as_expected(docs, name, result_of):
    results = [result_of(c) for c in projects.claims_of(docs[name])]
    assert results and all(r.passed for r in results), [(r.claim.id, r.status, r.evidence) for r in results
                                                        if not r.passed]


def _refuted(ev):
    return ev["holds"] is False and "counterexample" in ev


# ----- 04: the backward rule, the zero-weight condition, the deep-network gains -----

def test_backward_variance_rejects_the_fan_in_rule():
    m = _mod("initialisation")
    assert m.layer_rule("backward", claimed="fan_out")["holds"]
    assert _refuted(m.layer_rule("backward", claimed="fan_in"))
    assert _refuted(m.layer_rule("forward", claimed="fan_out"))


def test_zero_weights_give_a_gradient_once_the_network_has_biases():
    m = _mod("initialisation")
    assert m.zero_weight_gradients(CAT)["holds"]
    ev = m.zero_weight_gradients(CAT, biases=True, target=1)
    assert _refuted(ev) and ev["gradients_at_zero"]["c"] == -1 and ev["gradients_at_zero"]["w_1"] == 0


def test_layer_gain_tells_he_from_glorot():
    m = _mod("initialisation")
    table = figures.variance_by_layer(m._pairs(CAT), **m.DEEP)
    assert m.layer_gain(table, "fwd_relu_he_normal", 1.0, ("halving", 0.5))["holds"]
    assert _refuted(m.layer_gain(table, "fwd_relu_he_normal", 0.5, ("kept", 1.0)))
    assert _refuted(m.layer_gain(table, "bwd_relu_glorot_normal", 1.0, ("halving", 0.5), backward=True))


# ----- 05: exact zeros, the kink -----

def test_exact_zeros_only_where_the_minimiser_is_zero():
    m = _mod("regularisation")
    assert m.l1_zeros()["holds"]
    ev = m.l1_zeros(c=0.8)                  # |c| > lambda: the minimiser is c - lambda, not 0
    assert _refuted(ev) and ev["w_proximal"] == pytest.approx(0.3, abs=0.01)


def test_subgradient_iterates_never_hit_zero_but_the_proximal_ones_stay_there():
    rows = figures.l1_iterates(0.3, 0.5, 0.1, 60)[1:]
    first = next(k for k, _, p in rows if p == 0.0)
    assert all(p == 0.0 for k, _, p in rows if k >= first)
    assert all(s != 0.0 for _, s, _ in rows)
    assert figures.soft_threshold(2.0, 0.5) == 1.5 and figures.soft_threshold(-0.2, 0.5) == 0.0


def test_kink_claim_is_refuted_for_a_differentiable_penalty():
    m = _mod("regularisation")
    l1, l2 = m._entries(CAT)
    assert m.kink_evidence(l1)["holds"]
    assert _refuted(m.kink_evidence(l2))


# ----- 06: range, measured growth, dead units -----

def test_leaky_range_is_refuted_at_slope_zero():
    m = _mod("vanishing_exploding")
    leaky = CAT.get("leaky_relu")
    assert m.leaky_range(leaky)["holds"]
    assert _refuted(m.leaky_range(leaky, slope=0))


def test_depth_claims_are_refuted_with_the_roles_swapped():
    m = _mod("vanishing_exploding")
    table, _ = m._depth_figure(CAT)
    ev = m.depth_evidence(table)
    assert ev["holds"] and ev["value"] < ev["bound"] and ev["factor"] < ev["factor_large"]
    assert _refuted(m.depth_evidence(table, small="tanh", large="sigmoid"))
    assert m.overlap_evidence(table)["holds"]
    assert _refuted(m.overlap_evidence(table, "relu", "sigmoid"))


def test_dead_unit_claim_is_refuted_when_no_unit_dies():
    m = _mod("vanishing_exploding")
    table = (("lr", "dead", "diverged"), (0.02, 0.0, 0.0), (0.3, 0.1, 0.0), (0.5, float("nan"), 1.0))
    assert _refuted(m.dead_evidence(table))


def test_training_runs_are_deterministic_and_match_the_single_run_shape():
    relu, he = CAT.get("relu"), CAT.get("he_normal")
    sizes = {"steps": 5, "n": 16, "d": 3, "hidden": 4, "seeds": (0, 1)}
    a = figures.training_runs.__wrapped__(relu, (0.01, 0.1), he, **sizes)
    b = figures.training_runs.__wrapped__(relu, (0.01, 0.1), he, **sizes)
    assert a[0].shape == (4, 6) and a[1].shape == (4, 16, 4)
    assert (a[0] == b[0]).all() and (a[1] == b[1]).all()
    assert (a[0][:2, 0] == a[0][2:, 0]).all()        # same seed, same start, whatever the rate
