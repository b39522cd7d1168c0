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
    claims = make()
    assert claims
    for claim in claims:
        result = result_of(claim)
        assert result.passed, (claim.id, result.status, result.evidence)
        if claim.id.startswith("seed"):
            assert claim.source and claim.quote, claim.id
        if not claim.expected:
            assert claim.correction and "counterexample" in result.evidence, claim.id


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
