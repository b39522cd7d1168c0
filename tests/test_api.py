"""The Python API and the notebook display (_repr_latex_ / _repr_markdown_) of entries, documents, claims."""

import re

import pytest
import sympy as sp

from symderiv import api
from symderiv.calculus.derivative import derivative
from symderiv.catalog import load_catalog
from symderiv.errors import SymderivError
from symderiv.lecture.blocks import Document, E, P, S, Table


def _balanced(tex: str) -> bool:
    body = tex.replace(r"\{", "").replace(r"\}", "")
    return body.count("{") == body.count("}")


def test_entry_displays_as_its_definition():
    relu = api.entry("relu")
    tex = relu._repr_latex_()
    assert tex.startswith("$") and tex.endswith("$") and _balanced(tex)
    assert sp.latex(relu.expr) in tex and r"\operatorname{relu}\left(x\right)" in tex
    assert r"\mathit{negative\_slope}" in api.entry("leaky_relu")._repr_latex_()
    assert r"\operatorname{Var}(w)" in api.entry("he_normal")._repr_latex_()


def test_document_and_section_display():
    y = sp.Symbol("y", real=True)
    sec = S("Chain rule", P("with ", sp.exp(y)), E((sp.Symbol("f"), sp.exp(y) / 2)), Table(("a", "b"), (("1", y),)))
    doc = Document("Title", (sec,), abstract=("An abstract.",))
    md = doc._repr_markdown_()
    assert md.startswith("# Title\n\nAn abstract.") and "## Chain rule" in md and f"${sp.latex(sp.exp(y))}$" in md
    assert r"f &= \frac{e^{y}}{2}" in md and "| a | b |" in md
    tex = sec._repr_latex_()
    assert r"\text{Chain rule}" in tex and r"f &= \frac{e^{y}}{2}" in tex and _balanced(tex)
    assert doc._repr_latex_().startswith(r"$\displaystyle\begin{aligned}&\textbf{Title}")


def test_bundled_document_displays():
    doc = api.document("backpropagation")
    assert "## The chain rule, one layer at a time" in doc._repr_markdown_()
    tex = doc._repr_latex_()
    assert _balanced(tex) and tex.count(r"\\") > 10


def test_claim_result_displays_its_verdict():
    ok = api.verify(api.claim("c.ok", "exp(0) = 1 & more", lambda: {"holds": sp.exp(0) == 1, "max_abs_error": 0.0}))
    tex = ok._repr_latex_()
    assert tex.startswith(r"$\textbf{verified}") and "exp(0) = 1   more" in tex and "max abs error" in tex
    bad = api.verify(api.claim("c.bad", "2 = 3", lambda: {"holds": False, "counterexample": {"lhs": 2}}))
    assert bad.status == "refuted" and "not as expected" in bad._repr_latex_()
    src = api.verify(api.claim("c.src", "2 = 3", lambda: {"holds": False, "counterexample": 1}, expected=False))
    assert src.passed and "not as expected" not in src._repr_latex_()


def test_api_wraps_the_toolkit():
    catalog = load_catalog()
    assert api.derive("tanh") == derivative(catalog.get("tanh"))
    src = api.kernel("sigmoid")
    assert "def sigmoid(" in src and "def sigmoid_backward(" in src
    ns = {}
    exec(compile(src, "k.py", "exec"), ns)   # the emitted kernel runs (NumPy only)
    assert abs(float(ns["sigmoid"](0.0)) - 0.5) < 1e-15
    with pytest.raises(SymderivError, match="relu"):
        api.entry("relux")
    with pytest.raises(SymderivError, match="initializer"):
        api.kernel("he_normal")
    assert api.project().bundled or api.project().folder.name


def test_every_api_function_is_documented():
    for name in api.__all__:
        doc = getattr(api, name).__doc__
        assert doc and re.match(r"[A-Z]", doc.strip()), name
