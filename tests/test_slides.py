"""The Beamer decks: one per document from the same file, 16:9, >= 5 frames, every page renders."""

import shutil

import pytest
import sympy as sp

from pdf_pages import HAVE_TEX, page_problems, page_size, pdf_text
from symderiv.build.notes import compile_all, sources, write_sources
from symderiv.cli import main
from symderiv.emit.latex_doc import render_document
from symderiv.emit.latex_slides import BUDGET, frames, weight
from symderiv.lecture import blocks
from symderiv.lecture.blocks import B, Document, E, P, S, notes_only, slides_only

needs_tex = pytest.mark.skipif(not HAVE_TEX, reason="needs xelatex, xdvipdfmx and poppler-utils")
x = sp.Symbol("x", real=True)


@pytest.fixture(scope="module")
def decks(lecture, tmp_path_factory):
    """Every document's deck, rendered as the build does, compiled once (two at a time)."""
    docs, results, files = lecture
    out = tmp_path_factory.mktemp("slides")
    names = write_sources(files, out, "slides")
    return out, docs, compile_all(out, names)


def test_every_document_has_a_deck_from_the_same_file(lecture):
    docs, _, files = lecture
    decks = sources(files, "slides")
    assert sorted(n[:-4] for n in decks if n.endswith(".tex")) == sorted(docs)
    for name in docs:
        assert r"\documentclass[aspectratio=169,11pt]{beamer}" in decks[f"{name}.tex"]
        assert "errata.tex" not in decks and f"data/{name}" not in "".join(p for p in decks if p.endswith(".tex"))


def test_marks_choose_the_target():
    doc = Document("T", (S("Both", P("shared text"), notes_only(P("for readers")), slides_only(P("for the room"))),
                         notes_only(S("Appendix", P("audit details"))), slides_only(S("Recap", B("one point")))))
    notes, files = render_document("t", doc, {}, "p")
    deck = files["t-slides.tex"]
    assert "shared text" in notes and "shared text" in deck
    assert "for readers" in notes and "for readers" not in deck
    assert "for the room" in deck and "for the room" not in notes
    assert "audit details" in notes and "Appendix" not in deck and "Recap" in deck and "Recap" not in notes


def test_long_sections_split_over_frames_and_figures_get_their_own():
    paras = [P("word " * 120) for _ in range(6)]
    rows = [(sp.Symbol(f"y_{i}"), x ** i) for i in range(15)]
    doc = Document("T", (S("Long", *paras), S("Maths", E(*rows))))
    _, files = render_document("t", doc, {}, "p")
    deck = files["t-slides.tex"]
    assert deck.count(r"{Long (cont.)}") >= 2 and deck.count(r"{Maths (cont.)}") >= 1   # 15 rows, 6 a piece
    assert deck.count(r"\section{Long}") == 1
    fig = {"kind": "figure", "plots": [], "per_row": 1, "caption": "", "label": "fig:a", "inline": True}
    fs = frames([{"title": "F", "level": 1, "items": [{"kind": "para", "text": "a"}, fig, {"kind": "para", "text": "b"}]}])
    assert [len(f["items"]) for f in fs] == [1, 1, 1] and weight(fig) == BUDGET


def test_slides_get_a_summary_frame_and_references_but_no_exercises_or_appendix():
    doc = Document("T", (S("A", P("as in ", blocks.Cite("he2015"))),), summary=(("a key point",),),
                   exercises=(blocks.X("a question", "its answer"),))
    notes, files = render_document("t", doc, {}, "p")
    deck = files["t-slides.tex"]
    assert r"\begin{frame}[allowframebreaks]{Summary}" in deck and "a key point" in deck
    assert r"\bibitem{he2015}" in deck and "a question" not in deck and "its answer" not in deck
    assert r"\appendix" not in deck and "a question" in notes and "its answer" in notes


def test_claims_are_one_line_verdicts(lecture):
    _, _, files = lecture
    deck = sources(files, "slides")["backpropagation.tex"]
    assert r"\verdict{" in deck and r"\claimbox" not in deck and "Method:" not in deck


def test_slides_without_tex_is_one_line_exit_2(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["slides", "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "texlive-xetex" in err[0] and "XeLaTeX" in err[0]
    assert not (tmp_path / "s").exists()


@needs_tex
def test_every_deck_is_16_9_with_5_frames_and_renders(decks):
    out, docs, compiled = decks
    assert sorted(d.name for d in compiled) == sorted(docs)
    for deck in compiled:
        assert deck.ok, (deck.name, deck.returncode, deck.problems)
        w, h = page_size(deck.pdf)
        assert abs(w / h - 16 / 9) < 0.01, (deck.name, w, h)
        assert deck.pages >= 5, deck.name
        assert not page_problems(deck, out), (deck.name, page_problems(deck, out))


@needs_tex
def test_decks_show_the_documents_titles_and_seed_text(decks):
    out, docs, compiled = decks
    for deck in compiled:
        assert docs[deck.name].title.split(":")[0] in pdf_text(deck.pdf).replace("\n", " "), deck.name
