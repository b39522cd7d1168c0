"""The lecture notes: Jinja environment, escaping, documents, figures, and compiled PDFs."""

import re
import shutil

import jinja2
import pytest
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.catalog import load_catalog
from symderiv.cli import main
from symderiv.build import project as projects
from symderiv.lecture import blocks, figures
from symderiv.emit.latex import to_latex
from symderiv.emit.latex_doc import data_text, render_document
from symderiv.emit.templating import TEMPLATES, environment
from symderiv.build import notes
from symderiv.build.notes import compile_all, write_sources
from symderiv.emit.escape import latex_escape
from symderiv.emit.latex_views import align, tex_math
from symderiv.errors import SymderivError
from pdf_pages import HAVE_TEX, page_problems, pdf_text

needs_tex = pytest.mark.skipif(not HAVE_TEX, reason="needs xelatex, xdvipdfmx and poppler-utils")
HOSTILE = r"\input{/etc/passwd} 100% $x_1$ & #~^ \write18{rm -rf /}"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


PROJECT = projects.Project(projects.bundled_folder(), bundled=True)


def document_claims(document_of):
    return [c for name in PROJECT.files() for c in projects.claims_of(document_of(PROJECT, name))]


def test_environment_is_strict_and_tex_safe():
    """The emitters' one environment: TeX-like delimiters, so TeX groups and Python braces are text."""
    env = environment()
    assert (env.block_start_string, env.variable_start_string) == (r"\BLOCK{", r"\VAR{")
    assert env.trim_blocks and env.lstrip_blocks and env.keep_trailing_newline
    with pytest.raises(jinja2.UndefinedError):
        env.from_string(r"\VAR{missing}").render()
    assert env.from_string(r"\frac{a}{b} \VAR{v}").render(v="x") == r"\frac{a}{b} x"
    assert env.from_string(r'{{x}} {"\VAR{k}": 1} f"{\VAR{k}!r}"').render(k="a") == '{{x}} {"a": 1} f"{a!r}"'
    assert {"escape_tex", "tuple_repr"} <= set(env.filters) and {"python_source", "erf_tables"} <= set(env.globals)


def test_prose_is_escaped_and_math_comes_from_sympy():
    z = sp.Symbol("z", real=True)
    doc = blocks.Document(HOSTILE, (blocks.S(HOSTILE, blocks.P(HOSTILE, sp.exp(-z) / 2), blocks.B(HOSTILE)),))
    tex, files = render_document("t", doc, {}, "provenance")
    assert tex.startswith("% provenance\n") and list(files) == ["t-slides.tex"]
    deck = files["t-slides.tex"]
    assert deck.startswith("% provenance\n") and r"\write18" not in deck and r"\input{" not in deck
    for bad in (r"\input{", r"\write18", "100% ", " & #"):
        assert bad not in tex
    assert f"${to_latex(sp.exp(-z) / 2)}$" in tex
    assert tex.count(r"\textbackslash{}input") == 4     # title, section, paragraph, list item


def test_documents_are_listed_and_own_their_claims(document_of):
    names = [n for n, _ in projects.list_documents(PROJECT)]
    assert len(names) >= 6 and len(set(names)) == len(names)
    claims = document_claims(document_of)
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
    assert len(err) == 1 and "texlive-xetex" in err[0] and "XeLaTeX" in err[0]
    assert not (tmp_path / "n").exists()


@pytest.fixture(scope="module")
def compiled(lecture, tmp_path_factory):
    """Every document's notes and the errata, rendered as the build does, compiled once (two at a time)."""
    docs, results, files = lecture
    out = tmp_path_factory.mktemp("notes")
    names = write_sources(files, out, "notes")
    return out, files, results, compile_all(out, names)


@needs_tex
def test_every_document_compiles_and_every_page_renders(compiled):
    out, files, results, docs = compiled
    assert len(docs) >= 6
    for doc in docs:
        assert doc.ok, (doc.name, doc.returncode, doc.problems)
        assert doc.pages >= 2, doc.name
        assert not page_problems(doc, out), (doc.name, page_problems(doc, out))


@needs_tex
def test_seed_quotes_reach_the_pdfs_verbatim(compiled):
    """Every Chinese or Japanese run of the notes (the seeds' words, quoted in the appendices) as pdftotext
    reads it (lines joined where a line broke inside CJK text, as a reader joins them); the errata's
    quotes are checked in test_seeds."""
    out, files, _, docs = compiled
    text = {d.name: pdf_text(d.pdf) for d in docs}
    joined = {n: re.sub(r"\s+", "", t) for n, t in text.items()}
    runs = {n: re.findall(r"\\cjk(?:ja|zh)\{([^}]*)\}", files[f"latex/{n}.tex"]) for n in text if n != "errata"}
    assert any(runs.values())
    for name, found in runs.items():
        assert all(r.replace(" ", "") in joined[name] for r in found), name
    assert all("??" not in t for t in text.values())


@needs_tex
def test_every_claim_shown_was_run_and_passed(compiled):
    _, files, results, _ = compiled
    for path, tex in files.items():
        if path.endswith(".tex") and "errata" not in path:
            assert "Missing claim" not in tex and "not run" not in tex, path
            assert r"\begin{tikzpicture}" in tex, f"{path} has no figure"
    bad = [r.claim.id for r in results.values() if not r.passed]
    assert not bad
    refuted = [r for r in results.values() if r.status == "refuted"]
    assert refuted and all("counterexample" in r.evidence for r in refuted)


def test_cjk_fonts_declared_only_where_needed(lecture):
    """fontspec (about a tenth of a Beamer pass) only in a document with CJK runs."""
    _, _, files = lecture
    assert r"\newfontfamily" not in files["latex/initialisation.tex"]
    for path, tex in files.items():
        if path.endswith(".tex"):
            assert (r"\usepackage{fontspec}" in tex) == (r"\cjkja{" in tex or r"\cjkzh{" in tex), path
    assert "Noto Sans CJK JP" in files["latex/backpropagation.tex"]
    assert "Noto Sans CJK SC" not in files["latex/backpropagation.tex"]     # its quotes are Japanese only


def test_missing_cjk_font_names_the_debian_package(monkeypatch):
    monkeypatch.setattr(notes, "installed_font_families", lambda: {"DejaVu Sans"})
    with pytest.raises(SymderivError, match="fonts-noto-cjk"):
        notes.require_fonts({"latex/a.tex": r"x \cjkzh{测试}"})
    notes.require_fonts({"latex/a.tex": "no CJK here"})


def test_wide_tables_get_paragraph_columns_that_fit():
    wide = blocks.Table(("function", "point", "a header of some length", "b"), (("hardsigmoid", "x", "y", "z"),),
                        align="l l l p:0.3")
    spec = align(wide)
    widths = [float(w) for w in re.findall(r"p\{([\d.]+)\\linewidth", spec)]
    assert spec.startswith("ll") and sum(widths) + 2 * 11 / 90 <= 1
    assert align(blocks.Table(("a", "b"), (("x", "y"),))) == "ll"


@needs_tex
def test_log_problems_are_caught(tmp_path):
    """A LaTeX error, an undefined reference and a missing glyph each make a document fail."""
    bodies = {"error": r"\undefinedcommand", "ref": r"see \ref{nowhere}", "glyph": "\u0e01"}
    for name, body in bodies.items():
        (tmp_path / f"{name}.tex").write_text("\\documentclass{article}\\usepackage{fontspec}\\tracinglostchars=2"
                                              f"\\begin{{document}}{body}\\end{{document}}\n", encoding="utf-8")
    for doc in compile_all(tmp_path, list(bodies)):
        assert not doc.ok and doc.problems, doc.name


def test_handbook_prints_sympy_derivatives(catalog):
    """Every element-wise activation of the catalog is in the handbook; most with SymPy's derivative as
    printed (entries with parameters print them in the notation's letters, silu is shown within swish)."""
    doc = projects.load(PROJECT, "activation_handbook", catalog)     # loaded here: printed as derivative() prints now
    tex, data = render_document("activation_handbook", doc, {}, "p")
    entries = [e for e in catalog.of_kind("activation") if not e.is_vector]
    assert all(latex_escape(e.name) in tex for e in entries)
    plain = [e for e in entries if not e.params and not e.expr.atoms(sp.Float)]
    assert sum(tex_math(derivative(e)) in tex for e in plain) >= len(plain) - 3
    assert "data/activation_handbook-relu-curve.dat" in data and all(t.startswith("% p\n") for t in data.values())


def test_template_holds_layout_only():
    """No mathematics typed into the document template: every formula arrives printed by SymPy."""
    body = (TEMPLATES / "document.tex.jinja").read_text()
    for math_mark in ("$", r"\frac", r"\begin{equation", r"\sum", r"\partial", "^{"):
        assert math_mark not in body, math_mark


@needs_tex
def test_blank_page_is_caught(tmp_path):
    (tmp_path / "b.tex").write_text("\\documentclass{article}\\pagestyle{empty}\\begin{document}x\\newpage\\null"
                                    "\\newpage y\\end{document}\n", encoding="utf-8")
    doc = compile_all(tmp_path, ["b"])[0]
    assert doc.ok and doc.pages == 3
    assert page_problems(doc, tmp_path) == ["page 2 is blank"]


@needs_tex
def test_pdfs_teach_before_the_appendix(compiled):
    """In each PDF's text before the appendix: Summary, Exercises and References, and no hash, .txt/.json
    file name, claim id or evidence dump (key = value)."""
    _, _, results, docs = compiled
    for doc in docs:
        text = pdf_text(doc.pdf)
        heads = [m.start() for m in re.finditer(r"\nA Verification\n", text)]
        main = text[:heads[-1]] if heads else text
        assert all(h in main for h in ("Summary", "Exercises", "References")), doc.name
        assert not re.findall(r"[0-9a-f]{16}|\w+\.(?:txt|json)\b|\b[a-z]+_[a-z_]+ ?= ?\d", main), doc.name
        assert not [i for i in results if i in main.replace("\n", "")], doc.name


def test_long_contents_get_their_own_page_short_ones_share_the_title_page():
    """Contents that fill in on the second XeLaTeX pass must not move later pages: long ones
    (more lines than fit under the title) start on a page of their own, in a smaller font."""
    def notes(n):
        sections = tuple(blocks.S(f"Part {i}", blocks.P("text")) for i in range(n))
        return render_document("t", blocks.Document("T", sections), {}, "p")[0]

    own_page = "\\clearpage\n{\\small\\tableofcontents}\n\\clearpage"
    assert own_page in notes(30)
    assert own_page not in notes(6) and "\\tableofcontents\n\\clearpage" in notes(6)


def test_a_clean_compile_leaves_only_sources_and_pdfs_unless_kept(tmp_path):
    """XeLaTeX's files go once a document compiled cleanly; a failed one keeps them (its log first)."""
    for name in ("good", "bad"):
        for suffix in (".tex", ".pdf", *notes.AUXILIARY):
            (tmp_path / f"{name}{suffix}").write_text("x")
    good = notes.Compiled("good", tmp_path / "good.pdf", 2, (), 0)
    bad = notes.Compiled("bad", tmp_path / "bad.pdf", 2, ("! Undefined control sequence.",), 12)
    for doc in (good, bad):
        notes.remove_auxiliary(tmp_path, doc)
    assert sorted(p.name for p in tmp_path.glob("good.*")) == ["good.pdf", "good.tex"]
    assert len(list(tmp_path.glob("bad.*"))) == 2 + len(notes.AUXILIARY)


@pytest.mark.parametrize("keep", [False, True])
def test_compile_sources_removes_auxiliary_files_unless_kept(monkeypatch, tmp_path, keep):
    """The one compile path of `symderiv notes`, `slides` and `api.notes`, `api.slides`."""
    def fake_compile(out, name):
        for suffix in (".pdf", *notes.AUXILIARY):
            (out / f"{name}{suffix}").write_text("x")
        return notes.Compiled(name, out / f"{name}.pdf", 2, (), 0)
    monkeypatch.setattr(notes, "compile_one", fake_compile)
    docs = notes.compile_sources({"latex/one.tex": "\\documentclass{article}", "latex/data/one.dat": "x y"},
                                 tmp_path, "notes", jobs=1, keep_aux=keep)
    assert [d.name for d in docs] == ["one"] and (tmp_path / "data" / "one.dat").is_file()
    left = sorted(p.name for p in tmp_path.glob("one.*"))
    assert left == (sorted(["one.tex", "one.pdf", *(f"one{s}" for s in notes.AUXILIARY)]) if keep else ["one.pdf", "one.tex"])


def test_notes_and_slides_offer_to_keep_auxiliary_files(capsys):
    for command in ("notes", "slides"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "--keep-aux" in capsys.readouterr().out
