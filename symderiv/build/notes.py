"""`symderiv notes`: compile the LaTeX documents of the build to PDF with latexmk.

The documents are rendered exactly as `symderiv build` writes them under `generated/latex/`,
written into the output folder, and compiled there with shell escape off. Every log is read
for LaTeX errors and undefined references; a document with either is a failure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from symderiv.errors import SymderivError

DEBIAN_PACKAGES = "texlive-latex-base texlive-latex-recommended texlive-pictures latexmk"
LATEXMK = ("latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape")
TIMEOUT = 600
PROBLEMS = (re.compile(r"^! .*"), re.compile(r"^LaTeX Warning: (Reference|Citation) .* undefined.*"),
            re.compile(r"^LaTeX Warning: There were undefined references.*"),
            re.compile(r"^Package pgfplots Error.*"))
PAGES = re.compile(r"Output written on .*?\((\d+) pages?")


@dataclass(frozen=True)
class Compiled:
    name: str
    pdf: Path
    pages: int
    problems: tuple      # log lines with errors or undefined references; empty when clean
    returncode: int

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.problems and self.pdf.is_file()


def require_tex() -> None:
    """Raise a one-line SymderivError naming the Debian packages when latexmk or pdflatex is missing."""
    missing = [tool for tool in ("latexmk", "pdflatex") if shutil.which(tool) is None]
    if missing:
        raise SymderivError(f"{' and '.join(missing)} not found; to compile the notes install TeX Live, "
                            f"e.g. on Debian/Ubuntu: apt-get install {DEBIAN_PACKAGES}")


def write_sources(files: dict, out: Path) -> list:
    """Write the `latex/...` entries of `files` into `out` (without the prefix); the .tex names, sorted."""
    names = []
    try:
        for rel, text in sorted(files.items()):
            if not rel.startswith("latex/"):
                continue
            target = out / rel[len("latex/"):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
            if target.suffix == ".tex" and target.parent == out:
                names.append(target.stem)
    except OSError as exc:
        raise SymderivError(f"cannot write the notes to {out}: {exc.strerror or exc}") from None
    return names


def compile_one(out: Path, name: str) -> Compiled:
    """latexmk on out/name.tex (in `out`); the log's errors and undefined references."""
    try:
        proc = subprocess.run([*LATEXMK, f"{name}.tex"], cwd=out, capture_output=True, text=True,
                              timeout=TIMEOUT, errors="replace")
        code = proc.returncode
    except subprocess.TimeoutExpired:
        code = -1
    log = out / f"{name}.log"
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    problems = tuple(line for line in text.splitlines() if any(p.match(line) for p in PROBLEMS))
    if code == -1:
        problems += (f"latexmk timed out after {TIMEOUT} s",)
    pages = PAGES.findall(text)
    return Compiled(name, out / f"{name}.pdf", int(pages[-1]) if pages else 0, problems, code)


def compile_all(out: Path, names, jobs: int = 2) -> list:
    """Compile every document, `jobs` at a time; results in the order of `names`."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda n: compile_one(out, n), names))
