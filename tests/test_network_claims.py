"""The claims about the documents' networks: they hold for the emitted code and fail for a wrong gradient."""

import numpy as np
import pytest

from symderiv.calculus.backprop import layered
from symderiv.calculus.lecture_networks import WORKED_VALUES, lecture_network
from symderiv.calculus.network import mlp2
from symderiv.calculus.worked_example import worked_rows
from symderiv.catalog import load_catalog
from symderiv.emit import network_claims as nc

CAT = load_catalog()


@pytest.fixture(scope="module")
def worked():
    lay = layered(lecture_network(CAT, "worked"))
    return lay, nc.module_of(lay)


def test_worked_gradients_hold_and_a_wrong_one_is_refuted(worked):
    lay, _ = worked
    good = nc._spec_grads(lay)
    assert nc.gradient_evidence(lay, WORKED_VALUES, good)["holds"]

    def wrong(arrays):
        g = dict(good(arrays))
        g["W2"] = g["W2"] + 1e-6 * np.eye(2)
        return g

    ev = nc.gradient_evidence(lay, WORKED_VALUES, wrong)
    assert not ev["holds"] and ev["counterexample"]["parameter"] == "W2"


def test_worked_numbers_hold_and_a_wrong_module_is_refuted(worked):
    lay, ns = worked
    assert nc.worked_numbers_evidence(lay, WORKED_VALUES, ns)["holds"]
    bad = dict(ns, loss_and_grads=lambda x, t, p: (ns["loss_and_grads"](x, t, p)[0] * (1 + 1e-9),
                                                   ns["loss_and_grads"](x, t, p)[1]))
    ev = nc.worked_numbers_evidence(lay, WORKED_VALUES, bad)
    assert not ev["holds"] and ev["counterexample"]["row"] == "loss"


def test_worked_rows_follow_the_board(worked):
    """Formula, substituted numbers, result; the softmax-minus-target delta of the output layer sums to 0."""
    lay, _ = worked
    rows = {r.name: r for r in worked_rows(lay, WORKED_VALUES)}
    z1 = np.array(WORKED_VALUES["x"]) @ np.array(WORKED_VALUES["W1"]).T + np.array(WORKED_VALUES["b1"])
    np.testing.assert_allclose(np.array(rows["z1"].result.tolist(), dtype=float), z1, rtol=1e-15)
    assert rows["z1"].substituted != rows["z1"].result
    assert abs(float(sum(rows["g_z3"].result))) < 1e-25


def test_mlp2_claim_checks_the_seed_network():
    lay = layered(mlp2(CAT, "leaky_relu"))
    values = nc._mlp2_values(5)
    good = nc._mlp2_grads(lay)
    assert nc.gradient_evidence(lay, values, good)["holds"]
    wrong = lambda a: {**good(a), "D": good(a)["D"] * 1.001}   # noqa: E731
    assert not nc.gradient_evidence(lay, values, wrong)["holds"]


def test_groups_are_named_and_lazy():
    names = [n for n, _ in nc.groups(CAT)]
    assert names == ["network_claims.three_layer", "network_claims.worked", "network_claims.mlp2",
                     "network_claims.growth"]
