"""The one Jinja environment of every emitter: NumPy kernels, networks, the scalar chain, the notes,
the slides and the errata.

Its delimiters are TeX-like, \\BLOCK{...}, \\VAR{...} and \\#{...}: they clash neither with Python
(dict literals, f-string braces) nor with TeX (groups, ``{{``), so a template reads as the file it
lays out. Strict (an undefined name is an error), stable (no autoescape, trailing newline kept),
with the filters `tuple_repr` and `escape_tex` (`symderiv.emit.escape.latex_escape`) and the globals
the code templates need to include real Python modules verbatim (`python_source`) and the erf/erfc
coefficient tables (`erf_tables`, from `symderiv.emit.special`).
"""

from __future__ import annotations

import ast
import importlib
import inspect
from functools import lru_cache
from pathlib import Path

import jinja2

from symderiv.emit import special
from symderiv.emit.escape import latex_escape

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=None)
def python_source(module: str) -> str:
    """The source of `module` after its docstring and imports: the code a template renders verbatim."""
    text = inspect.getsource(importlib.import_module(module))
    body = ast.parse(text).body
    first = next(n for i, n in enumerate(body)
                 if not isinstance(n, (ast.Import, ast.ImportFrom)) and not (i == 0 and isinstance(n, ast.Expr)))
    start = min([first.lineno] + [d.lineno for d in getattr(first, "decorator_list", [])])
    return "".join(text.splitlines(keepends=True)[start - 1:]).rstrip() + "\n"


def erf_tables() -> dict:
    """{Python name: [repr of each coefficient]} for the erf/erfc runtime (`symderiv.emit.kernel_erf`)."""
    return {name: [repr(c) for c in values] for name, values in special.tables().items()}


@lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    """The strict, stable Jinja environment over `templates/`, with the TeX-like delimiters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, autoescape=False)
    env.filters.update(tuple_repr=lambda v: repr(tuple(v)), escape_tex=latex_escape)
    env.globals.update(python_source=python_source, erf_tables=erf_tables)
    return env


def template_header(provenance: str, template: str) -> str:
    """The first line of a generated file: the provenance with the template it was rendered from."""
    return f"{provenance} Template: {template}."
