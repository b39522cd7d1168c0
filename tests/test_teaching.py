"""The notes as teaching documents: their shape (summary, exercises, references), no audit material
before the appendix, labelled axes, the printing policy and the bibliography, each rule with a
perturbation that breaks it. Rendered TeX only (fast); the compiled PDFs are checked in test_notes."""

import re

import pytest
import sympy as sp

from symderiv.emit import figure_views
from symderiv.emit.claim_views import verdict
from symderiv.emit.latex_doc import render_document
from symderiv.emit.latex_views import tex_math
from symderiv.errors import SymderivError
from symderiv.lecture import bibliography, blocks
from symderiv.lecture.blocks import (ClaimBox, ClaimRef, Cite, Document, E, Figure, Graph, P, Plot, Ref, S, Series, X)
from symderiv.lecture.printing import factored
from symderiv.verify.claims import Claim, Result, run_claim

x = sp.Symbol("x", real=True)
HASH = re.compile(r"[0-9a-f]{16}")
PATH = re.compile(r"[\w/-]+\.(txt|json)\b")
DUMP = re.compile(r"\b[a-z]+(\\_[a-z]+)+ ?(=|:) ?")           # an escaped evidence key = value
LINKS = re.compile(r"\\(label|ref|pageref|hyperref)(\[[^\]]*\])?\{[^}]*\}")


def main_text(tex: str) -> str:
    """The notes between \\begin{document} and the appendix, without label and reference keys."""
    body = tex[tex.index(r"\begin{document}"):]
    return re.sub(r"\{claim:[^}]*\}", "", LINKS.sub("", body.split(r"\appendix", 1)[0]))


def audit_problems(tex: str, claim_ids) -> list:
    """Audit material in the main text: claim ids, hashes, .txt/.json paths, evidence dumps."""
    text = main_text(tex)
    found = [f"id {i}" for i in claim_ids if i in text.replace(r"\_", "_").replace(r"\allowbreak{}", "")]
    found += [f"hash {m}" for m in HASH.findall(text)]
    found += [f"path {m.group(0)}" for m in PATH.finditer(text)]
    found += [f"dump {m.group(0)}" for m in DUMP.finditer(text)]
    return found


def axis_problems(tex: str) -> list:
    """Every pgfplots axis without a non-empty xlabel or ylabel."""
    out = []
    for opts in re.findall(r"\\begin\{axis\}\[(.*?)\]\n", tex):
        out += [f"no {k}" for k in ("xlabel", "ylabel") if not re.search(k + r"=\{[^}]", opts)]
    return out


def _claim(cid="t.c", method="symbolic", check=lambda: {"holds": True, "proved_symbolically": True,
                                                          "max_abs_error": 0.0, "n_points": 4}, **kw):
    return Claim(cid, "x = x", method, check, **kw)


def _render(*items, **doc):
    d = Document("T", (S("A", *items),), **doc)
    results = {i.claim.id: run_claim(i.claim) for i in items if isinstance(i, ClaimBox)}
    return render_document("t", d, results, "p")[0]


# --- the bundled documents ---

def test_every_document_has_summary_exercises_and_references(lecture):
    _, _, files = lecture
    for path, tex in files.items():
        if path.endswith(".tex") and "/" not in path[6:] and not path.endswith("-slides.tex"):
            for mark in (r"\section{Summary}", r"\section{Exercises}", r"\begin{thebibliography}"):
                assert mark in tex, (path, mark)


def test_no_audit_material_before_the_appendix(lecture):
    _, results, files = lecture
    for path, tex in files.items():
        if path.endswith(".tex") and not path.endswith("-slides.tex") and "/data/" not in path:
            assert not audit_problems(tex, list(results)), (path, audit_problems(tex, list(results))[:5])


def test_every_axis_of_the_documents_has_both_labels(lecture):
    _, _, files = lecture
    for path, tex in files.items():
        if path.endswith(".tex"):
            assert not axis_problems(tex), path


# --- perturbations: each check catches what it is for ---

def test_a_claim_in_the_main_text_prints_shown_and_a_verdict_not_its_audit():
    box = ClaimBox(_claim(source="000_c3a709bf01eb5bcf.txt", quote="f = f"), shown=("the identity ", sp.Eq(x, x, evaluate=False)))
    tex = _render(box)
    assert not audit_problems(tex, ["t.c"])
    main = main_text(tex)
    assert "{Proved symbolically by SymPy}{claim:t.c}" in tex and r"\label{claim:t.c}" in tex
    appendix = tex.split(r"\appendix", 1)[1]
    assert r"t.\allowbreak{}c" in appendix and "quoted as written" in appendix and "max abs error" not in appendix
    # the audit checks catch what the old boxes printed
    found = audit_problems(main + r" Id: t.c; see 000\_c3a709bf01eb5bcf.txt; mc\_seed = 2", ["t.c"])
    assert {f.split()[0] for f in found} == {"id", "hash", "path", "dump"}


def test_verdicts_follow_method_and_outcome():
    ok = run_claim(_claim(method="mpmath (40 digits) at 12 points", check=lambda: {"holds": True, "max_rel_error": 1e-41}))
    assert verdict(ok) == "Checked against 40-digit arithmetic"
    mc = run_claim(_claim(method="Monte Carlo, seed 0", check=lambda: {"holds": True, "estimate": 0.5}))
    assert verdict(mc) == "Checked by simulation (Monte Carlo)"
    wrong = run_claim(_claim(expected=False, check=lambda: {"holds": False, "counterexample": {"x": 1}}))
    assert verdict(wrong).startswith("The source's statement is wrong")
    unproved = run_claim(_claim(check=lambda: {"holds": True, "proved_symbolically": False, "n_points": 4}))
    assert verdict(unproved) == "Checked at 4 exact rational points"
    failed = Result(_claim(), "refuted", {"counterexample": {}})
    assert verdict(failed).startswith("Not as expected")


def test_an_axis_without_a_label_is_refused():
    data = {"c": (("x", "y"), (0.0, 1.0), (1.0, 2.0))}
    good = Plot((Series("c", "y", "f"),), xlabel=("x",), ylabel=("f(x)",))
    tex = _render(Figure("f", (good,), ("f",), data=data))
    assert not axis_problems(tex)
    assert axis_problems(tex.replace("ylabel={f(x)}", "ylabel={}")) == ["no ylabel"]
    for missing in ("xlabel", "ylabel"):
        bad = Plot((Series("c", "y", "f"),), **{k: ("v",) for k in ("xlabel", "ylabel") if k != missing})
        with pytest.raises(SymderivError, match=f"document t: figure f: an axis has no {missing}"):
            _render(Figure("f", (bad,), ("f",), data=data))


def test_curves_get_distinct_styles_and_need_a_legend():
    data = {"c": (("x", "a", "b", "c"), (1.0, 1.0, 2.0, 3.0), (2.0, 2.0, 3.0, 4.0))}
    plot = Plot(tuple(Series("c", k, k) for k in "abc"), xlabel=("x",), ylabel=("y",))
    styles = figure_views.series_styles(plot, "figure f", "t")
    assert len(set(styles)) == 3
    tex = _render(Figure("f", (plot,), ("three curves",), data=data))
    assert all(rf"\addlegendentry{{{k}}}" in tex for k in "abc")
    unnamed = Plot((Series("c", "a", "a"), Series("c", "b", "")), xlabel=("x",), ylabel=("y",))
    with pytest.raises(SymderivError, match="no legend entry"):
        _render(Figure("f", (unnamed,), ("two curves",), data=data))


def test_log_axes_get_readable_ticks():
    assert figure_views.log_ticks(1e-166, 1) == "{axis}tickten={-150,-100,-50,0}"
    small = figure_views.log_ticks(0.0158, 0.0251)
    assert "0.02" in small and "0.0158" not in small and "ticklabels" in small
    data = {"c": (("x", "y"), (1.0, 1e-40), (2.0, 1.0))}
    tex = _render(Figure("f", (Plot((Series("c", "y", "y"),), xlabel=("x",), ylabel=("y",), ymode="log"),), ("y",),
                         data=data))
    assert "ytickten={-40,-30,-20,-10,0}" in tex


def test_graphs_are_tikz_figures_that_ref_reaches():
    g = Graph("net", (("a", ("x",), (0, 0)), ("b", (sp.Symbol("z_1"), " (3 x 1)"), (3, 0))), (("a", "b", ("W",)),),
              ("the forward pass",))
    tex = _render(P("see figure ", Ref("net")), g)
    assert r"\ref{fig:net}" in tex and r"\label{fig:net}" in tex and r"\node[graphnode] (b) at (3,0)" in tex
    with pytest.raises(SymderivError, match="names a node the graph lacks"):
        _render(Graph("bad", (("a", ("x",), (0, 0)),), (("a", "c", ()),), ("c",)))


def test_citations_number_only_the_cited_works():
    tex = _render(P("as in ", Cite("he2015"), " and ", Cite("glorot2010"), ", again ", Cite("he2015")))
    bib = tex[tex.index(r"\begin{thebibliography}"):]
    assert bib.count(r"\bibitem") == 2 and bib.index("{he2015}") < bib.index("{glorot2010}")
    assert "Kaiming He, Xiangyu Zhang, Shaoqing Ren and Jian Sun" in bib and "pages 1026--1034, 2015" in bib
    with pytest.raises(SymderivError, match=r"unknown reference key 'nobody1999' \(cited in document t\)"):
        _render(P(Cite("nobody1999")))


def test_the_bibliography_has_the_works_the_notes_rest_on():
    keys = set(bibliography.entries())
    assert {"glorot2010", "he2015", "klambauer2017", "xu2015", "srivastava2014", "clevert2016", "hendrycks2016",
            "ramachandran2017", "rumelhart1986", "goodfellow2016", "nair2010", "maas2013", "ioffe2015", "bengio1994",
            "hochreiter1991"} <= keys
    assert bibliography.short("bengio1994") == "Bengio et al. (1994)"
    with pytest.raises(ValueError, match="entry broken is malformed"):
        bibliography.parse("@article{broken, title = {unclosed")


def test_summary_exercises_and_a_solutions_switch():
    tex = _render(P("text"), summary=(("key point ", x),),
                  exercises=(X("Differentiate x^2.", (P("The derivative is ", 2 * x, "."),)),))
    assert r"\section{Summary}" in tex and r"\item key point $x$" in tex
    ex, sol = tex.index(r"\section{Exercises}"), tex.index(r"\section{Solutions}")
    assert ex < tex.index(r"\appendix") < sol
    assert r"\ifdefined\nosolutions\solutionsfalse\else\solutionstrue\fi" in tex
    assert tex.index(r"\ifsolutions", sol - 20) < sol < tex.index(r"\fi", sol)
    with pytest.raises(SymderivError, match="belongs in Document.exercises"):
        _render(X("q", "a"))


# --- the printing policy ---

def test_printing_policy():
    assert tex_math(sp.Rational(8943, 200000) * x**3) == "0.044715 x^{3}"
    assert r"\sqrt{\frac{2}{\pi}}" in tex_math(sp.sqrt(2) / sp.sqrt(sp.pi) * x)
    assert tex_math(sp.Float(1.6732632423543772) * x) == "1.673 x"
    assert tex_math(sp.Rational(1, 8) * x) == r"\frac{x}{8}" and tex_math(sp.pi / 2) == r"\frac{\pi}{2}"
    big = sp.Rational(10507009873554804934193349852946, 10**31)
    assert tex_math(big) == "1.051"
    alpha = sp.Float("1.673")
    assert tex_math(alpha * (sp.exp(x) - 1)) == "1.673 e^{x} - 1.673"          # what SymPy does by itself
    assert tex_math(factored(alpha * (sp.exp(x) - 1))) == r"1.673 \left(e^{x} - 1\right)"


def test_an_identity_equation_is_refused():
    f = sp.Function("tanh")(x)
    with pytest.raises(SymderivError, match="prints the same on both sides"):
        _render(E((f, sp.tanh(x))))
    assert r"\tanh" in _render(E((sp.Function("f")(x), sp.tanh(x))))


def test_markdown_shows_the_new_blocks():
    d = Document("T", (S("A", P("see ", Cite("glorot2010")), ClaimRef("a.b", shown=("r ", x))),),
                 summary=(("p",),), exercises=(X("q?", "a"),))
    md = d._repr_markdown_()
    assert "(Glorot and Bengio (2010))" in md and "## Summary" in md and "1. q?" in md and "**Result:** r $x$" in md
    assert blocks.cites(d) == ["glorot2010"]


# --- the audit report and the documents agree ---

def test_each_statement_has_one_verdict_across_documents_and_errata(seed_results):
    """One statement, one verdict: a statement that two claims make is not verified in one and refuted or
    qualified in the other; the sentences of one source on the same point share a verdict. (The documents
    print the results the errata print, so a claim cannot differ between them.)"""
    verdicts = {}
    for r in seed_results:
        verdicts.setdefault(" ".join(r.claim.statement.lower().split()), set()).add(r.status)
    assert not {s: v for s, v in verdicts.items() if len(v) > 1}
    by = {r.claim.id: r for r in seed_results}
    same_point = ("seed003.sigmoid.gradient_range", "seed003.sigmoid.gradient_between_0_and_1")
    assert len({by[i].status for i in same_point}) == 1 and len({by[i].claim.reading for i in same_point}) == 1
    kept, dropped = by["seed000.leaky_change_transformed"], by["seed000.leaky_change_without_bracket"]
    assert (kept.status, dropped.status) == ("verified", "refuted")
    assert "bracketed item kept" in kept.claim.statement and "without it" in dropped.claim.statement


def test_the_errata_list_each_claim_under_one_verdict(seed_results):
    from symderiv.catalog import load_catalog
    from symderiv.emit.errata import breakable_id, errata_files

    tex = next(iter(errata_files(load_catalog(), list(seed_results), "p").values()))
    for r in seed_results:
        assert tex.count(r"\texttt{" + breakable_id(r.claim.id) + "}") == 1, r.claim.id


def test_every_curve_of_a_shared_axis_is_named(lecture):
    """An axis with several curves names each in its legend (the caption may name them too)."""
    _, _, files = lecture
    for path, tex in files.items():
        for axis in re.findall(r"\\begin\{axis\}(.*?)\\end\{axis\}", tex, re.S):
            plots = axis.count(r"\addplot")
            assert plots <= 1 or axis.count(r"\addlegendentry{") == plots, path


PROOF_WORDS = re.compile(r"\bprove[sdn]?\b|\bproof\b", re.I)


def shown_against_verdict(files) -> list:
    """Main-text results whose shown text says 'proved' while the verdict says the check was numeric."""
    out = []
    for path, tex in files.items():
        for shown, verdict_text in re.findall(r"\\resultbox\{\w+\}\{(.*?)\}\{([^{}]*)\}\{claim:", tex):
            if PROOF_WORDS.search(shown) and "Proved symbolically" not in verdict_text:
                out.append((path, shown[:80], verdict_text))
    return out


def test_a_result_said_to_be_proved_was_proved(lecture):
    _, _, files = lecture
    assert not shown_against_verdict(files)


def test_the_proof_check_catches_a_numeric_check_called_a_proof():
    box = ClaimBox(_claim(method="mpmath (40 digits)", check=lambda: {"holds": True, "max_rel_error": 1e-40}),
                   shown=("proved by SymPy: ", sp.Eq(x, x, evaluate=False)))
    assert shown_against_verdict({"t": _render(box)})
    assert not shown_against_verdict({"t": _render(ClaimBox(_claim(), shown=("proved by SymPy",)))})


def test_a_symbolic_proof_carries_no_residual_and_a_false_identity_a_counterexample():
    from symderiv.lecture.checks import equal

    assert equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1) == {"holds": True, "proved_symbolically": True}
    wrong = equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1 + x / 10**6)
    assert not wrong["holds"] and "counterexample" in wrong and wrong["max_abs_error"] > 0
