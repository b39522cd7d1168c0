"""The XeLaTeX passes: a draft pass without the plots, full passes until the read-back files settle."""

import subprocess

import pytest

from pdf_pages import HAVE_TEX, pdf_text
from symderiv.build import tex_passes
from symderiv.emit.templating import environment

pytestmark = pytest.mark.skipif(not HAVE_TEX, reason="needs xelatex, xdvipdfmx and poppler-utils")

# a "plot" in the templates' fixed-size box (plotbox.tex.jinja), tall enough that section Two starts page 2 only
# while the box keeps its height in the draft; %s is typeset in full passes only
DOCUMENT = r"""\documentclass{article}
""" + environment().get_template("plotbox.tex.jinja").render().replace("%", "%%") + r"""\begin{document}
\tableofcontents
\section{One}\label{one}
\plotbox{5cm}{16cm}{\rule{4cm}{15cm}}
\plotcontent{%s}
\section{Two}\label{two}
Section~\ref{one} is on page~\pageref{one}, section~\ref{two} on page~\pageref{two}.
\end{document}
"""


def _compile(tmp_path, name, extra, draft):
    """(the passes, as [draft?], the PDF's text) for DOCUMENT with `extra`, with or without a draft pass."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "doc.tex").write_text(DOCUMENT % extra, encoding="utf-8")
    passes, real = [], tex_passes.xelatex

    def counted(out, name, is_draft, deadline):
        passes.append(is_draft)
        return real(out, name, is_draft, deadline)
    tex_passes.xelatex = counted
    try:
        assert tex_passes.compile_pdf(folder, "doc", 120, draft=draft) == 0
    finally:
        tex_passes.xelatex = real
    return passes, pdf_text(folder / "doc.pdf")


def test_a_draft_pass_lays_out_as_the_full_passes(tmp_path):
    passes, text = _compile(tmp_path, "draft", "", draft=True)
    full_passes, full_text = _compile(tmp_path, "full", "", draft=False)
    assert passes == [True, False] and full_passes == [False, False]
    assert text == full_text and "Two" in text


def test_a_draft_that_lays_out_differently_gets_another_full_pass(tmp_path):
    """Content that only full passes typeset (a page break) moves section Two: the first full pass
    then finds the contents and labels changed and a second one makes them right."""
    passes, text = _compile(tmp_path, "draft", r"\newpage\null\newpage", draft=True)
    assert passes == [True, False, False]
    assert "2 Two\n\n3" in text and "section 2 on page 3" in text    # the contents line and the label, both right


def test_a_failing_pass_stops_with_its_code(tmp_path):
    (tmp_path / "bad.tex").write_text("\\documentclass{article}\\begin{document}\\undefined\\end{document}")
    assert tex_passes.compile_pdf(tmp_path, "bad", 120) != 0
    assert not (tmp_path / "bad.pdf").exists()


def test_the_deadline_covers_all_passes(tmp_path, monkeypatch):
    (tmp_path / "doc.tex").write_text(DOCUMENT % "")
    assert tex_passes.has_plots(tmp_path, "doc")
    monkeypatch.setattr(tex_passes, "XELATEX", ("sh", "-c", "sleep 0.7", "sh"))   # each pass 0.7 s
    with pytest.raises(subprocess.TimeoutExpired):
        tex_passes.compile_pdf(tmp_path, "doc", 1)
