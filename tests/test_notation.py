"""The notation policy: one set of symbols, and a check that catches a document breaking it."""

import sympy as sp

from symderiv.lecture.blocks import Document, E, P, S
from symderiv.lecture.notation import notation_table, sym, violations


def _doc(*items):
    return Document("t", (S("s", *items),))


def test_a_document_in_the_notation_passes():
    z, a, L = sym("z", 1), sym("a", 1), sym("L")
    doc = _doc(P("the loss ", L, " of ", a), E((sp.Derivative(L, z), sym("delta", 1))), notation_table())
    assert violations(doc) == []


def test_a_loss_called_J_and_a_target_called_y_are_caught():
    J, y, w = sp.Symbol("J"), sp.Symbol("y_2"), sp.Symbol("w")
    found = violations(_doc(P("minimise ", J), E((sp.Derivative(J, w), y - w))))
    assert [n for n, _ in found] == ["J", "y_2"]
    assert "L" in dict(found)["J"]


def test_function_names_are_checked_too():
    step = sp.Function("Step")(sym("z", 1))
    assert [n for n, _ in violations(_doc(E((sym("delta", 1), step))))] == ["Step"]
