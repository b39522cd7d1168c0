"""Seed 000/001 backprop claims: each comes out as expected, refutations carry counterexamples."""

import pytest

from symderiv.catalog import load_catalog
from symderiv.emit.network_claims import groups
from symderiv.verify.backprop_claims import backprop_claims
from symderiv.verify.seeds import seed000

MAKERS = (("seed000", lambda: seed000.claims(load_catalog())), ("backprop", lambda: backprop_claims(load_catalog())),
          *groups(load_catalog()))   # (name, make): the claims are made where each test runs


def _all_claims():
    return [c for _, make in MAKERS for c in make()]


@pytest.mark.parametrize("make", [m for _, m in MAKERS], ids=[n for n, _ in MAKERS])
def test_claims_as_expected(make, result_of):
    """Each claim passes; a seed's claim quotes its source; a refuted one has a correction and a counterexample."""
    claims = make()
    problems = {c.id: _problems(c, result_of(c)) for c in claims}
    assert claims and not any(problems.values()), {i: p for i, p in problems.items() if p}


def _problems(claim, result) -> list:
    return [what for what, bad in (
        ((result.status, result.evidence), not result.passed),
        ("no source or quote", claim.id.startswith("seed") and not (claim.source and claim.quote)),
        ("no correction or counterexample", not claim.expected and not (claim.correction and "counterexample" in result.evidence)),
    ) if bad]


def test_the_seed_errors_are_the_ones_expected():
    wrong = {c.id for c in _all_claims() if not c.expected}
    assert wrong == {"seed000.leaky_change_C", "seed000.leaky_change_without_bracket",
                     "seed000.leaky_gradients_1_plus_alpha_larger", "seed000.keras_loss_is_half_squared_error",
                     "seed000.leaky_growth_deep", "seed001.asker_one_layer", "seed001.asker_two_layers",
                     "seed001.asker_three_layers", "seed001.asker_relu_chain_is_product"}


def test_a_wrong_formula_is_caught():
    """The checker is not vacuous: the seed's dL/dA with the sign flipped is refuted."""
    from symderiv.verify.evidence import compare

    pts, refs = seed000.reference("relu")
    ev = compare(lambda p: -seed000.seed_relu_grads(p)["A"], lambda p: refs[pts.index(p)]["A"], pts)
    assert not ev["holds"] and "counterexample" in ev
