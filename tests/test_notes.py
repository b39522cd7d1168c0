"""The lecture notes: Jinja environment, escaping, documents, figures, and compiled PDFs."""

import re
import shutil
import subprocess

import jinja2
import pytest
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.catalog import load_catalog
from symderiv.cli import main
from symderiv.build import project as projects
from symderiv.lecture import blocks, figures
from symderiv.emit.latex import to_latex
from symderiv.emit.latex_doc import data_text, latex_env, render_document
from symderiv.build.notes import compile_all, write_sources
from symderiv.verify.claims import run_claim

HAVE_TEX = all(shutil.which(t) for t in ("latexmk", "pdflatex", "pdftoppm", "pdfinfo"))
HOSTILE = r"\input{/etc/passwd} 100% $x_1$ & #~^ \write18{rm -rf /}"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


PROJECT = projects.Project(projects.bundled_folder(), bundled=True)


def documents(catalog):
    return [(name, projects.load(PROJECT, name, catalog)) for name in PROJECT.files()]


def document_claims(catalog):
    return [c for _, doc in documents(catalog) for c in projects.claims_of(doc)]


def referenced_claims(catalog):
    """The claims the documents print: their own and those they refer to."""
    from symderiv.verify.registry import all_claims
    from symderiv.emit.network_claims import groups

    wanted = {i.id for _, doc in documents(catalog) for s in doc.sections for i in s.items
              if isinstance(i, blocks.ClaimRef)}
    others = all_claims(catalog) + [c for _, make in groups(catalog) for c in make()]
    return [c for c in others if c.id in wanted] + document_claims(catalog)


def test_environment_is_strict_and_tex_safe():
    env = latex_env()
    assert (env.block_start_string, env.variable_start_string) == (r"\BLOCK{", r"\VAR{")
    assert env.trim_blocks and env.lstrip_blocks and env.keep_trailing_newline
    with pytest.raises(jinja2.UndefinedError):
        env.from_string(r"\VAR{missing}").render()
    assert env.from_string(r"\frac{a}{b} \VAR{v}").render(v="x") == r"\frac{a}{b} x"


def test_prose_is_escaped_and_math_comes_from_sympy():
    z = sp.Symbol("z", real=True)
    doc = blocks.Document(HOSTILE, (blocks.S(HOSTILE, blocks.P(HOSTILE, sp.exp(-z) / 2), blocks.B(HOSTILE)),))
    tex, files = render_document("t", doc, {}, "provenance")
    assert tex.startswith("% provenance\n") and not files
    for bad in (r"\input{", r"\write18", "100% ", " & #"):
        assert bad not in tex
    assert f"${to_latex(sp.exp(-z) / 2)}$" in tex
    assert tex.count(r"\textbackslash{}input") == 4     # title, section, paragraph, list item


def test_documents_are_listed_and_own_their_claims(catalog):
    names = [n for n, _ in projects.list_documents(PROJECT)]
    assert len(names) >= 6 and len(set(names)) == len(names)
    claims = document_claims(catalog)
    assert claims and all(c.document in names and c.id.startswith(c.document + ".") for c in claims)


def test_figure_data_is_deterministic(catalog):
    g = catalog.get
    relu = g("relu")
    first = figures.activation_curve.__wrapped__(relu)
    assert data_text(first, "p") == data_text(figures.activation_curve.__wrapped__(relu), "p")
    # the curve is the catalog's function and the derivative jumps at the kink with a gap
    row = next(r for r in first[1:] if r[0] == 2.0)
    assert row[1:] == (2.0, 1.0)
    assert any(r[0] == 0 and r[2] != r[2] for r in first[1:])
    pairs = ((g("relu"), g("he_normal")),)
    a = figures.variance_by_layer.__wrapped__(pairs, depth=3, width=16, batch=50)
    assert a == figures.variance_by_layer.__wrapped__(pairs, depth=3, width=16, batch=50)


def test_notes_without_tex_is_one_line_exit_2(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["notes", "--out", str(tmp_path / "n")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "texlive-pictures" in err[0] and "latexmk" in err[0]
    assert not (tmp_path / "n").exists()


@pytest.fixture(scope="module")
def compiled(catalog, tmp_path_factory):
    """Every derivation document rendered with the results of the claims it prints, then compiled."""
    out = tmp_path_factory.mktemp("notes")
    results = {c.id: run_claim(c) for c in referenced_claims(catalog)}
    files, texts = {}, {}
    for name, doc in documents(catalog):
        tex, data = render_document(name, doc, results, "provenance")
        files[f"latex/{name}.tex"] = texts[name] = tex
        files.update({f"latex/{p}": t for p, t in data.items()})
    names = write_sources(files, out)
    return out, texts, results, compile_all(out, names)


@pytest.mark.skipif(not HAVE_TEX, reason="needs latexmk, pdflatex and poppler-utils")
def test_every_document_compiles_cleanly(compiled):
    out, texts, results, docs = compiled
    assert len(docs) >= 6
    for doc in docs:
        assert doc.ok, (doc.name, doc.returncode, doc.problems)
        assert doc.pages >= 2, doc.name
        png = out / f"{doc.name}-page1"
        subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", "-singlefile", str(doc.pdf), str(png)],
                       check=True, timeout=60)
        assert (out / f"{doc.name}-page1.png").stat().st_size > 1000
        info = subprocess.run(["pdfinfo", str(doc.pdf)], capture_output=True, text=True, check=True).stdout
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == doc.pages


@pytest.mark.skipif(not HAVE_TEX, reason="needs latexmk")
def test_every_claim_shown_was_run_and_passed(compiled):
    _, texts, results, _ = compiled
    for name, tex in texts.items():
        assert "Missing claim" not in tex and "not run" not in tex, name
        assert r"\begin{tikzpicture}" in tex, f"{name} has no figure"
    bad = [r.claim.id for r in results.values() if not r.passed]
    assert not bad
    refuted = [r for r in results.values() if r.status == "refuted"]
    assert refuted and all("counterexample" in r.evidence for r in refuted)


def test_handbook_prints_sympy_derivatives(catalog):
    doc = dict(documents(catalog))["activation_handbook"]
    tex, data = render_document("activation_handbook", doc, {}, "p")
    for entry in catalog.of_kind("activation"):
        if not entry.is_vector:
            assert to_latex(derivative(entry)) in tex or entry.expr.atoms(sp.Float), entry.name
    assert "data/activation_handbook-relu-curve.dat" in data and all(t.startswith("% p\n") for t in data.values())


def test_template_holds_layout_only():
    """No mathematics typed into the document template: every formula arrives printed by SymPy."""
    from symderiv.emit.latex_doc import TEMPLATES

    body = (TEMPLATES / "document.tex.j2").read_text()
    for math_mark in ("$", r"\frac", r"\begin{equation", r"\sum", r"\partial", "^{"):
        assert math_mark not in body, math_mark
