"""Every claim family can fail: perturb a claim's input (an entry's definition, a constant, a default,
a kink, a seed formula, a sample) and the claim is refuted.

`MUTATIONS` is the table (family, mutation, refuting claim); `python tests/test_mutations.py` prints it.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
import sympy as sp

from symderiv.build import project as projects
from symderiv.calculus.derivative import derivative, output_form
from symderiv.catalog import Catalog, load_catalog
from symderiv.catalog.activations import SELU_ALPHA, SELU_SCALE
from symderiv.symbols import x
from symderiv.verify import catalog_claims, numeric
from symderiv.verify.claims import Claim, run_claim
from symderiv.verify.evidence import mc_agrees
from symderiv.verify.constant_claims import constant_claims
from symderiv.verify.identity_claims import identity_claims
from symderiv.verify.seeds import MODULES as SEED_MODULES

CAT = load_catalog()
ROOT = Path(__file__).resolve().parents[1]


def mutate(name, **changes) -> Catalog:
    """The catalog with entry `name` replaced by a copy carrying `changes`."""
    return Catalog(tuple(dataclasses.replace(e, **changes) if e.name == name else e for e in CAT))


def with_kink(name, index, value) -> Catalog:
    e = CAT.get(name)
    kinks = list(e.kinks)
    kinks[index] = dataclasses.replace(kinks[index], value=value)
    return mutate(name, kinks=tuple(kinks))


def with_default(name, param, value) -> Catalog:
    e = CAT.get(name)
    return mutate(name, params=tuple(dataclasses.replace(p, default=value) if p.name == param else p
                                     for p in e.params))


def claim_in(catalog, claim_id) -> Claim:
    """The claim `claim_id` as the (mutated) catalog makes it (built by the provider its id names)."""
    prefix = claim_id.split(".")[0]
    providers = {"constant": constant_claims, "identity": identity_claims,
                 **{m.__name__.rsplit(".", 1)[-1]: m.claims for m in SEED_MODULES}}
    if prefix in providers:
        claims = providers[prefix](catalog)
    else:
        claims = catalog_claims.entry_claims(catalog.get(prefix))
    return next(c for c in claims if c.id == claim_id)


def document_claim(catalog, document, claim_id) -> Claim:
    doc = projects.load(projects.find_project(str(ROOT)), document, catalog)
    return next(c for c in projects.claims_of(doc) if c.id == claim_id)


gelu_tanh = CAT.get("gelu_tanh").expr
selu = CAT.get("selu").expr
sigmoid = CAT.get("sigmoid")

MUTATIONS = [
    ("kink", "hardswish'(3) = 3/2 instead of 1", "hardswish.reference.torch.kinks",
     lambda: claim_in(with_kink("hardswish", 1, sp.Rational(3, 2)), "hardswish.reference.torch.kinks")),
    ("kink", "hardtanh'(max_val) = 1 instead of 0", "hardtanh.reference.torch.kinks",
     lambda: claim_in(with_kink("hardtanh", 1, 1), "hardtanh.reference.torch.kinks")),
    ("kink", "relu'(0) = 2 (outside the one-sided limits)", "relu.kink.x=0",
     lambda: claim_in(with_kink("relu", 0, 2), "relu.kink.x=0")),
    ("definition", "gelu_tanh's 0.044715 -> 0.0447151", "gelu_tanh.reference.torch.forward",
     lambda: claim_in(mutate("gelu_tanh", expr=gelu_tanh.subs(sp.Rational(44715, 10**6), sp.Rational(447151, 10**7))),
                      "gelu_tanh.reference.torch.forward")),
    ("definition", "gelu_tanh's 0.044715 -> 0.0447151 (JAX)", "gelu_tanh.reference.jax.forward",
     lambda: claim_in(mutate("gelu_tanh", expr=gelu_tanh.subs(sp.Rational(44715, 10**6), sp.Rational(447151, 10**7))),
                      "gelu_tanh.reference.jax.forward")),
    ("default", "leaky_relu negative_slope default 0.01 -> 0.02", "leaky_relu.reference.torch.defaults",
     lambda: claim_in(with_default("leaky_relu", "negative_slope", 0.02), "leaky_relu.reference.torch.defaults")),
    ("default", "elu alpha default 1 -> 1.1 (forward values)", "elu.reference.torch.forward",
     lambda: claim_in(with_default("elu", "alpha", 1.1), "elu.reference.torch.forward")),
    ("constant", "SELU alpha + 1e-11", "selu.reference.torch.forward",
     lambda: claim_in(mutate("selu", expr=selu.subs(SELU_ALPHA, SELU_ALPHA + sp.Float("1e-11", 40))),
                      "selu.reference.torch.forward")),
    ("constant", "SELU alpha + 1e-11", "constant.selu_fixed_point",
     lambda: claim_in(mutate("selu", expr=selu.subs(SELU_ALPHA, SELU_ALPHA + sp.Float("1e-11", 40))),
                      "constant.selu_fixed_point")),
    ("constant", "SELU lambda x (1 + 1e-12)", "selu.reference.torch.gradient",
     lambda: claim_in(mutate("selu", expr=selu.subs(SELU_SCALE, SELU_SCALE * (1 + sp.Float("1e-12", 40)))),
                      "selu.reference.torch.gradient")),
    ("constant", "Glorot variance 2/(n_in + n_out) -> 1/(n_in + n_out)", "constant.glorot_normal",
     lambda: claim_in(mutate("glorot_normal", expr=CAT.get("glorot_normal").expr / 2), "constant.glorot_normal")),
    ("derivative", "sigmoid' x (1 + 1e-6)", "sigmoid.derivative.x",
     lambda: catalog_claims._derivative_claim(sigmoid, x, "", sigmoid.expr, derivative(sigmoid) * (1 + sp.Rational(1, 10**6)))),
    ("output form", "sigmoid' = f(1 - f) (1 + 1/100)", "sigmoid.derivative.output_form",
     lambda: catalog_claims.output_form_claim(sigmoid, output_form(sigmoid) * sp.Rational(101, 100))),
    ("limit", "tanh's limit at +inf claimed 1 + 1/1000", "tanh.limit.+",
     lambda: Claim("tanh.limit.+", "s", "m", lambda: numeric.check_limit(sp.tanh(x), x, 1, claimed=1 + sp.Rational(1, 1000)))),
    ("identity", "sigmoid(x) -> sigmoid(1.01 x) in the catalog", "identity.tanh_sigmoid",
     lambda: claim_in(mutate("sigmoid", expr=sigmoid.expr.subs(x, sp.Rational(101, 100) * x)), "identity.tanh_sigmoid")),
    ("identity", "relu(x) -> x + x^2/100 for x >= 0", "identity.relu_scale_invariance",
     lambda: claim_in(mutate("relu", expr=sp.Piecewise((0, x < 0), (x + x**2 / 100, True))),
                      "identity.relu_scale_invariance")),
    ("seed formula", "silu(x) -> x sigmoid(1.01 x) in the catalog", "seed004.swish.derivative_x_is_z",
     lambda: claim_in(mutate("silu", expr=x * sigmoid.expr.subs(x, sp.Rational(101, 100) * x)),
                      "seed004.swish.derivative_x_is_z")),
    ("seed formula", "Glorot variance halved in the catalog", "seed002.init.glorot_normal",
     lambda: claim_in(mutate("glorot_normal", expr=CAT.get("glorot_normal").expr / 2), "seed002.init.glorot_normal")),
    ("seed formula", "softsign -> x/(1 + |x|)^2", "seed004.softsign.definition",
     lambda: claim_in(mutate("softsign", expr=x / (1 + sp.Abs(x)) ** 2), "seed004.softsign.definition")),
    ("backprop", "seed 000's dL/dA with its sign flipped", "seed000.relu_partial_A",
     lambda: _flipped_partial_A()),
    ("Monte Carlo", "dropout_seed without the 1 - p at inference", "seed002.dropout.inference_scaling",
     lambda: claim_in(_dropout_without_scaling(), "seed002.dropout.inference_scaling")),
    ("Monte Carlo", "a sample shifted by 6 standard errors", "mc_agrees",
     lambda: Claim("mc_agrees", "s", "m", lambda: mc_agrees(0.5 + 6 * 0.01, 0.5, 0.01, 100, 0))),
    ("Monte Carlo", "estimate equal to the named alternative", "mc_agrees (alternative)",
     lambda: Claim("mc_agrees", "s", "m", lambda: mc_agrees(1.0, 1.0, 0.01, 100, 0, alternative=("same", 1.02)))),
    ("document claim", "He variance 2/n_in -> 1/n_in in the catalog", "he.derived (04_initialisation)",
     lambda: document_claim(mutate("he_normal", expr=CAT.get("he_normal").expr / 2), "initialisation", "initialisation.he.derived")),
]


def _flipped_partial_A():
    from symderiv.verify.evidence import compare
    from symderiv.verify.seeds import seed000 as s0

    pts, refs = s0.reference("relu")
    return Claim("seed000.relu_partial_A", "s", "m", lambda: compare(
        lambda p: -s0.seed_relu_grads(p)["A"], lambda p: refs[pts.index(p)]["A"], pts))


def _dropout_without_scaling():
    e = CAT.get("dropout_seed")
    return mutate("dropout_seed", extra={**e.extra, "inference_expr": x})


@pytest.mark.parametrize("family,mutation,claim_id,make", MUTATIONS, ids=[f"{m[0]}:{m[2]}" for m in MUTATIONS])
def test_mutation_is_refuted(family, mutation, claim_id, make):
    result = run_claim(make())
    assert result.status == "refuted", (mutation, result.status, result.evidence)
    assert result.evidence["counterexample"]


def test_every_family_has_a_mutation():
    families = {m[0] for m in MUTATIONS}
    assert families >= {"derivative", "kink", "limit", "output form", "identity", "seed formula", "backprop",
                        "Monte Carlo", "document claim", "definition", "default", "constant"}


def test_unmutated_claims_hold(result_of):
    """The same claims on the unchanged catalog are as expected (the mutation is what refutes them;
    their Results are the session's, `claim_results`)."""
    for cid in ("hardswish.reference.torch.kinks", "gelu_tanh.reference.torch.forward",
                "leaky_relu.reference.torch.defaults", "selu.reference.torch.forward", "constant.selu_fixed_point"):
        assert result_of(claim_in(CAT, cid)).passed, cid


if __name__ == "__main__":
    for family, mutation, claim_id, _ in MUTATIONS:
        print(f"| {family} | {mutation} | {claim_id} |")
    sys.exit(0)
