"""Derivation documents as LaTeX: the notes and the slides of a document.

`render_tex` renders a TeX template through the emitters' one Jinja environment
(`symderiv.emit.templating`) with the CJK fonts its text needs; the errata use it too. The views of
the blocks come from `symderiv.emit.latex_views`, the frames of the slides from
`symderiv.emit.latex_slides`; the templates hold layout only. Both outputs compile with XeLaTeX (Unicode text; Chinese and Japanese
in a CJK font, declared only in documents that have such text).

    >>> from symderiv.lecture.blocks import Document, P, S
    >>> import sympy as sp
    >>> tex, files = render_document("demo", Document("Demo", (S("One", P("x & ", sp.Symbol("y"))),)), {}, "gen")
    >>> r"x \\& $y$" in tex, sorted(files)
    (True, ['demo-slides.tex'])
"""

from __future__ import annotations

import re

from symderiv.emit.document_views import notes_context, references
from symderiv.emit.escape import latex_escape as escape
from symderiv.emit.latex_slides import frames
from symderiv.emit.latex_views import data_text, section_views, text  # noqa: F401  (data_text: for callers)
from symderiv.emit.templating import environment

SLIDES_SUFFIX = "-slides"       # the deck of document NAME is latex/NAME-slides.tex, beside the notes
CJK_FONTS = {                   # first installed wins; Debian: fonts-noto-cjk, else IPAex, Arphic, Droid
    "ja": ("Noto Sans CJK JP", "Noto Serif CJK JP", "IPAexGothic", "IPAGothic", "Droid Sans Fallback"),
    "zh": ("Noto Sans CJK SC", "Noto Serif CJK SC", "AR PL UMing CN", "WenQuanYi Zen Hei", "Droid Sans Fallback"),
}
CJK_MACRO = re.compile(r"\\cjk(ja|zh)\{")
TITLE_PAGE_CONTENTS = 24   # contents lines that fit below the title and abstract; more: a page of their own, small


def cjk_languages(tex: str) -> list:
    """The CJK languages ("ja", "zh") whose macros `tex` uses, sorted."""
    return sorted(set(CJK_MACRO.findall(tex)))


def render_tex(template: str, **context) -> str:
    """`template` rendered; the CJK fonts declared (in a second pass) only when the text needs them."""
    tex = environment().get_template(template).render(cjk=[], **context)
    langs = cjk_languages(tex)
    if not langs:
        return tex
    cjk = [{"lang": lang, "macro": rf"\cjk{lang}", "family": rf"\cjk{lang}font", "fonts": CJK_FONTS[lang]}
           for lang in langs]
    return environment().get_template(template).render(cjk=cjk, **context)


def render_document(name: str, doc, results: dict, provenance: str):
    """(notes tex, {path: text}) for a `Document`: the path `NAME-slides.tex` holds its Beamer deck,
    the others the figure data both read; `results` maps claim id -> Result. The notes have the
    teaching shape of `symderiv.emit.document_views`; the deck has the main text, a summary frame and
    the references, not the exercises or the appendices."""
    files = {}
    common = {"provenance": provenance, "name": escape(name), "title": escape(doc.title),
              "abstract": text(doc.abstract), "toc": len(doc.sections) >= 4}
    context = notes_context(name, doc, results, files, provenance)
    notes = render_tex("document.tex.jinja", plots=_has_figure(context["sections"] + context["appendix"]),
                       toc_page=_contents_lines(context) > TITLE_PAGE_CONTENTS, **context, **common)
    slides = section_views(doc, name, results, files, provenance, "slides")
    verdicts = [i for s in slides for i in s["items"] if i["kind"] == "claim"]
    files[f"{name}{SLIDES_SUFFIX}.tex"] = render_tex(
        "slides.tex.jinja", frames=frames(slides), counts=_counts(verdicts), plots=_has_figure(slides),
        summary=context["summary"], references=references(doc, name), **common)
    return notes, files


def _contents_lines(context) -> int:
    """Lines of the notes' contents: their sections and subsections, and the unnumbered ones (notation,
    summary, exercises, references). A contents page that fills in only on the second XeLaTeX pass
    would move every later page (and need a third pass) if it ran past the title page."""
    unnumbered = sum(bool(context[k]) for k in ("notation", "summary", "exercises", "references"))
    return sum(s["level"] <= 2 for s in context["sections"] + context["appendix"]) + unnumbered


def _has_figure(sections) -> bool:
    return any(i["kind"] in ("figure", "graph") for s in sections for i in s["items"])


def _counts(claims) -> dict:
    """How many of the claims shown came out as expected, and how many of those are source errors found."""
    return {"shown": len(claims), "as_expected": sum(c["tone"] != "bad" for c in claims),
            "source_errors": sum(c["tone"] == "source" for c in claims)}
