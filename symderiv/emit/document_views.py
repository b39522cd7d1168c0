"""The teaching shape of a document's notes, printed for `document.tex.jinja`:

main text (notation, the sections, a summary, numbered exercises, the references cited), then the
appendices: A "Verification" (the audit of every claim the main text shows, with the sources named),
the document's own appendix sections, and "Solutions" (left out when compiled with
``xelatex '\\def\\nosolutions{}\\input{NAME}'``; the TeX switch is ``\\ifsolutions``, true by default).

References: `Cite(key)` prints ``\\cite{key}``; the bibliography lists only the cited entries of
`symderiv/lecture/references.bib`, numbered in the order a reader meets them, formatted here (no
bibtex run).
"""

from __future__ import annotations

from symderiv.emit.latex_views import claim_view, item_view, section_views, text
from symderiv.lecture import bibliography as bib
from symderiv.lecture import blocks, notation
from symderiv.verify.seeds import TITLES


def _authors(e) -> str:
    names = [n for n in e.fields.get("author", "").split(" and ") if n.strip()]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def entry_tex(e) -> str:
    """One bibliography entry as TeX (the .bib values are TeX already)."""
    f, title = e.fields, e.fields.get("title", "")
    if e.kind == "book":
        where = rf"\emph{{{title}}}. {f.get('publisher', '')}"
    else:
        where = title + ". "
        if e.kind == "article":
            vol = f.get("volume", "") + (f"({f['number']})" if "number" in f else "")
            where += rf"\emph{{{f.get('journal', '')}}}" + (f", {vol}" if vol else "") + (
                f":{f['pages']}" if "pages" in f else "")
        elif e.kind == "inproceedings":
            where += rf"In \emph{{{f.get('booktitle', '')}}}" + (f", pages {f['pages']}" if "pages" in f else "")
        elif e.kind in ("mastersthesis", "phdthesis"):
            where += f"{f.get('type', 'Thesis')}, {f.get('school', '')}"
        else:
            where += f.get("howpublished", "")
    return f"{_authors(e)}. {where}, {f.get('year', '')}."


def references(doc, name: str) -> list:
    """[{key, text}] for the works `doc` cites, in citation order; an unknown key is a one-line error."""
    return [{"key": k, "text": entry_tex(bib.entry(k, name))} for k in blocks.cites(doc)]


def notation_view(doc, name: str):
    """The notation table of the symbols `doc` prints (None when it prints none of them, or shows its own)."""
    own = any(isinstance(i, blocks.Table) and i.caption == notation.notation_table().caption
              for s in doc.sections for i in s.items)
    used = notation.policy_names(notation.used_symbols(doc))
    return None if own or not used else item_view(notation.notation_table(used), name, {}, {})


def _solution_blocks(solution) -> list:
    """A solution's blocks: runs of parts become paragraphs."""
    out, run = [], []
    for p in solution:
        if isinstance(p, blocks.Block):
            if run:
                out.append(blocks.Para(tuple(run)))
                run = []
            out.append(p)
        else:
            run.append(p)
    return out + ([blocks.Para(tuple(run))] if run else [])


def exercise_views(doc, name, results, files, provenance) -> list:
    return [{"label": f"ex:{i}", "question": text(e.question),
             "solution": [item_view(b, name, results, files, provenance) for b in _solution_blocks(e.solution)]}
            for i, e in enumerate(doc.exercises, 1)]


def audited(doc, results) -> list:
    """The appendix entries: every claim the notes show, once, in the order of the main text."""
    seen, out = set(), []
    for s in (s for s in doc.sections if s.shown_in("notes")):
        for i in (i for i in s.items if i.shown_in("notes")):
            cid = i.claim.id if isinstance(i, blocks.ClaimBox) else i.id if isinstance(i, blocks.ClaimRef) else None
            if cid is None or cid in seen or (isinstance(i, blocks.ClaimRef) and cid not in results):
                continue
            seen.add(cid)
            out.append(claim_view(i.claim if isinstance(i, blocks.ClaimBox) else None, results.get(cid)))
    return out


def notes_context(name, doc, results, files, provenance) -> dict:
    """Everything `document.tex.jinja` prints besides the title block."""
    appendix = blocks.Document(doc.title, doc.appendix)
    return {
        "notation": notation_view(doc, name),
        "sections": section_views(doc, name, results, files, provenance, "notes"),
        "summary": [text(p) for p in doc.summary],
        "exercises": exercise_views(doc, name, results, files, provenance),
        "references": references(doc, name),
        "audit": audited(doc, results),
        "sources": [{"file": text(s), "title": text(TITLES.get(s, ""))} for s in doc.sources],
        "appendix": section_views(appendix, name, results, files, provenance, "notes"),
    }
