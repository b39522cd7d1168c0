"""XeLaTeX passes for one document: a draft pass, full passes until the files it reads back settle,
then xdvipdfmx.

A full pass reads what the previous one wrote (`READ_BACK`: labels, contents, bookmarks, Beamer's
navigation) and must be repeated until a pass leaves those files unchanged, latexmk's rule. The
templates put every plot in a `\\plotbox` of its given size, so a pass with `\\plotdraft` defined,
which leaves the plots out (most of the typesetting time of a figure-heavy document), writes the
same files as a full pass: a document with plots starts with that draft, and one full pass then
usually finds nothing changed. Where the draft did lay out differently, the loop simply runs
another full pass.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

XELATEX = ("xelatex", "-no-pdf", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape")
XDVIPDFMX = ("xdvipdfmx", "-q")
READ_BACK = (".aux", ".toc", ".out", ".nav", ".snm", ".vrb")
DRAFT = r"\def\plotdraft{}"
MAX_FULL = 4


def _read_back(out: Path, name: str) -> dict:
    return {s: p.read_bytes() for s in READ_BACK if (p := out / f"{name}{s}").is_file()}


def _run(args, out: Path, deadline: float) -> int:
    """Run `args` in `out` (output discarded: the log is the record); raises TimeoutExpired."""
    return subprocess.run(args, cwd=out, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          timeout=max(0.01, deadline - time.monotonic())).returncode


def xelatex(out: Path, name: str, draft: bool, deadline: float) -> int:
    source = f"{DRAFT}\\input{{{name}.tex}}" if draft else f"{name}.tex"
    return _run([*XELATEX, f"-jobname={name}", source], out, deadline)


def has_plots(out: Path, name: str) -> bool:
    source = out / f"{name}.tex"
    return source.is_file() and "\\plotbox{" in source.read_text(encoding="utf-8", errors="replace")


def compile_pdf(out: Path, name: str, timeout: float, draft: bool | None = None) -> int:
    """out/name.tex -> out/name.pdf, starting with a draft pass if `draft` (default: if it has plots);
    the return code of the first pass or tool that failed, else 0. Raises subprocess.TimeoutExpired
    after `timeout` seconds in all."""
    deadline = time.monotonic() + timeout
    if has_plots(out, name) if draft is None else draft:
        if code := xelatex(out, name, True, deadline):
            return code
    for _ in range(MAX_FULL):
        before = _read_back(out, name)
        if code := xelatex(out, name, False, deadline):
            return code
        if _read_back(out, name) == before:
            break
    return _run([*XDVIPDFMX, f"{name}.xdv"], out, deadline)
