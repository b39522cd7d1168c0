"""`symderiv notes` and `symderiv slides`: compile the LaTeX of the build to PDF with XeLaTeX.

The sources are rendered exactly as `symderiv build` writes them under `generated/latex/`
(`NAME.tex` the notes, `NAME-slides.tex` the Beamer deck of the same document), written into the
output folder with the figure data, and compiled there (`tex_passes`: XeLaTeX passes, shell escape
off, then xdvipdfmx), two at a time.
Every log is read for LaTeX errors, undefined references, missing glyphs and overfull boxes; a
document with an error, an undefined reference or a missing glyph is a failure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from symderiv.build import tex_passes
from symderiv.emit.latex_doc import CJK_FONTS, SLIDES_SUFFIX, cjk_languages
from symderiv.errors import SymderivError

TOOLS = {"xelatex": "texlive-xetex", "xdvipdfmx": "texlive-xetex"}      # program: Debian package
TEX_FILES = {"fontspec.sty": "texlive-latex-recommended", "beamer.cls": "texlive-latex-recommended",
             "booktabs.sty": "texlive-latex-recommended", "pgfplots.sty": "texlive-pictures",
             "longtable.sty": "texlive-latex-base"}
FONT_PACKAGE = "fonts-noto-cjk"
TIMEOUT = 600
PROBLEMS = (re.compile(r"^! .*"), re.compile(r"^LaTeX Warning: (Reference|Citation) .* undefined.*"),
            re.compile(r"^LaTeX Warning: There were undefined references.*"),
            re.compile(r"^Package pgfplots Error.*"), re.compile(r"^Missing character: .*"))
OVERFULL = re.compile(r"^Overfull \\[hv]box \((\d+(?:\.\d+)?)pt too (?:wide|high)\).*")
PAGES = re.compile(r"Output written on .*?\((\d+) pages?")
KINDS = ("notes", "slides")
AUXILIARY = (".aux", ".log", ".nav", ".out", ".snm", ".toc", ".vrb", ".xdv")   # what the passes leave


@dataclass(frozen=True)
class Compiled:
    name: str
    pdf: Path
    pages: int
    problems: tuple      # log lines with errors, undefined references or missing glyphs; empty when clean
    returncode: int
    overfull: tuple = ()  # (points, log line) of every overfull box

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.problems and self.pdf.is_file()


def _missing_packages() -> list:
    missing = [pkg for tool, pkg in TOOLS.items() if shutil.which(tool) is None]
    if shutil.which("kpsewhich") is not None and "texlive-xetex" not in missing:
        found = subprocess.run(["kpsewhich", *TEX_FILES], capture_output=True, text=True).stdout
        missing += [pkg for f, pkg in TEX_FILES.items() if f not in found]
    return sorted(set(missing))


def require_tex() -> None:
    """Raise a one-line SymderivError naming the Debian packages when XeLaTeX, xdvipdfmx or a LaTeX
    package the templates use is missing."""
    missing = _missing_packages()
    if missing:
        raise SymderivError(f"TeX Live with XeLaTeX is needed to compile; on Debian/Ubuntu: "
                            f"apt-get install {' '.join(missing)}")


def installed_font_families() -> set:
    """Font families fontconfig knows (what XeLaTeX can load by name)."""
    if shutil.which("fc-list") is None:
        return set()
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


def require_fonts(files: dict) -> None:
    """Raise a one-line SymderivError naming the Debian package when a document has Chinese or
    Japanese text and no CJK font of `CJK_FONTS` is installed."""
    langs = {lang for path, text in files.items() if path.endswith(".tex") for lang in cjk_languages(text)}
    families = installed_font_families() if langs else set()
    lacking = sorted(lang for lang in langs if not families & set(CJK_FONTS[lang]))
    if lacking:
        raise SymderivError(f"no font for the {' and '.join(lacking)} text of the documents; "
                            f"on Debian/Ubuntu: apt-get install {FONT_PACKAGE} fontconfig")


def sources(files: dict, kind: str) -> dict:
    """{path in the output folder: text}: the `latex/` files for `kind` ("notes" or "slides"): the
    documents' notes (with the errata) or their decks (renamed NAME.tex), and the figure data."""
    out = {}
    for rel, text in files.items():
        if not rel.startswith("latex/"):
            continue
        path = rel[len("latex/"):]
        if "/" in path or not path.endswith(".tex"):
            out[path] = text
        elif path.endswith(f"{SLIDES_SUFFIX}.tex") == (kind == "slides"):
            out[path.replace(f"{SLIDES_SUFFIX}.tex", ".tex")] = text
    return out


def write_sources(files: dict, out: Path, kind: str = "notes") -> list:
    """Write the sources of `kind` into `out`; the names of the .tex files, sorted."""
    names = []
    try:
        for rel, text in sorted(sources(files, kind).items()):
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
            if target.suffix == ".tex" and target.parent == out:
                names.append(target.stem)
    except OSError as exc:
        raise SymderivError(f"cannot write the {kind} to {out}: {exc.strerror or exc}") from None
    return names


def compile_one(out: Path, name: str) -> Compiled:
    """out/name.tex compiled in `out` (`tex_passes`); the log's errors, undefined references, missing glyphs."""
    try:
        code = tex_passes.compile_pdf(out, name, TIMEOUT)
    except subprocess.TimeoutExpired:
        code = -1
    log = out / f"{name}.log"
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    lines = text.splitlines()
    problems = tuple(line for line in lines if any(p.match(line) for p in PROBLEMS))
    if code == -1:
        problems += (f"XeLaTeX timed out after {TIMEOUT} s",)
    overfull = tuple((float(m.group(1)), m.group(0)) for m in map(OVERFULL.match, lines) if m)
    pages = PAGES.findall(text)
    return Compiled(name, out / f"{name}.pdf", int(pages[-1]) if pages else 0, problems, code, overfull)


def compile_all(out: Path, names, jobs: int = 2) -> list:
    """Compile every document, `jobs` at a time; results in the order of `names`."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda n: compile_one(out, n), names))


def compile_sources(files: dict, out: Path, kind: str, jobs: int = 2, keep_aux: bool = False) -> list:
    """Write the `kind` sources of a build's files into `out` and compile each (`compile_all`): the
    Compiled documents, the passes' files removed beside every clean one unless `keep_aux`."""
    require_fonts(files)
    docs = compile_all(out, write_sources(files, out, kind), jobs)
    if not keep_aux:
        for doc in docs:
            remove_auxiliary(out, doc)
    return docs


def remove_auxiliary(out: Path, doc: Compiled) -> None:
    """Delete what the passes left beside a cleanly compiled PDF (NAME.aux, .log, .xdv, ...); a document
    that failed keeps its files, the log first, to be looked into."""
    if doc.ok:
        for suffix in AUXILIARY:
            (out / f"{doc.name}{suffix}").unlink(missing_ok=True)
