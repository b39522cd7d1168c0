"""The notation policy: one set of symbols, and a check that catches a document breaking it."""

import pytest
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


def test_multi_letter_italic_names_are_caught():
    weight, slope = sp.Symbol("weight"), sp.Symbol("negative_slope")
    found = dict(violations(_doc(E((sym("z", 1), weight * slope)))))
    assert set(found) == {"weight", "negative_slope"} and "multi-letter" in found["weight"]
    assert violations(_doc(E((sym("yhat", 1), sym("alpha") * sym("delta", 2))))) == []


def test_run_together_prose_and_math_are_caught():
    x = sym("x")
    found = violations(_doc(P("the weight", x, " times two")))
    assert len(found) == 1 and "weight" in found[0][0] and "space" in found[0][1]
    assert violations(_doc(P("the weight ", x, "; then"))) == []
    assert violations(_doc(P("scale ", x, "x"))) and violations(_doc(P("(", x, ")"))) == []


def test_ascii_math_in_a_heading_is_caught():
    assert violations(Document("t", (S("Deep networks: (1 + alpha)^n growth", P("a")),)))
    assert violations(Document("t", (S(("Growth as ", (1 + sym("alpha")) ** sym("n")), P("a")),))) == []


def test_the_table_shows_only_what_a_document_uses():
    rows = notation_table({"z", "delta"}).rows
    assert [str(r[0]) for r in rows] == ["z", "delta"]


@pytest.mark.parametrize("name", ["activation_handbook", "backpropagation", "relu_leaky_l1", "initialisation",
                                  "regularisation", "vanishing_exploding"])
def test_every_bundled_document_keeps_the_notation(name, document_of):
    from symderiv.build import project as projects

    bundled = projects.Project(projects.bundled_folder(), bundled=True)
    assert violations(document_of(bundled, name)) == []
