"""symderiv from Python, e.g. in a notebook: what the command line does, without a shell.

Each function is a thin wrapper over the toolkit; the objects they return display as rendered
math in Jupyter (a catalog entry as its definition, a `Document` or `Section` as its text and
equations, a claim's `Result` as its verdict).

    >>> from symderiv import api
    >>> relu = api.entry("relu")                  # shows relu(x) = max(x, 0) as math in Jupyter
    >>> api.derive("relu").subs(relu.var, 2)      # the derivative, kink values from the catalog
    1
    >>> api.verify(api.claim("relu2", "relu(2) = 2", lambda: {"holds": relu.expr.subs(relu.var, 2) == 2,
    ...                                                       "value": 2})).status
    'verified'
    >>> "def relu(" in api.kernel("relu")         # a NumPy module with the kernels of one entry
    True

`check`, `build`, `notes` and `slides` take a lecture project folder (default: the nearest folder
upward holding `derivations/`, else the bundled lecture set), like `--project`; `cache=False` is
`--no-cache`.
"""

from __future__ import annotations

import os
from pathlib import Path

from symderiv.build import files as _files
from symderiv.build import notes as _notes
from symderiv.build import pipeline as _pipeline
from symderiv.build import project as _projects
from symderiv.build.cache import Cache
from symderiv.build.workers import default_jobs
from symderiv.calculus.derivative import derivative
from symderiv.catalog import load_catalog
from symderiv.emit.numpy_kernels import MODULES, module_text
from symderiv.errors import SymderivError
from symderiv.verify.claims import Claim, run_claim

__all__ = ["build", "catalog", "check", "claim", "derive", "document", "entry", "kernel", "notes", "project",
           "slides", "verify"]


def catalog(spec: str | None = None):
    """The catalog (activations, losses, regularizers, initializers), plus a `--spec` TOML file's functions."""
    return load_catalog(spec)


def entry(name: str, spec: str | None = None):
    """One catalog entry by name (unknown names raise SymderivError listing the known ones)."""
    return catalog(spec).get(name)


def derive(name: str, wrt=None, spec: str | None = None):
    """The derivative d entry / d wrt as SymPy (default: its first variable), kink values as the catalog fixes them."""
    return derivative(entry(name, spec), wrt)


def kernel(name: str, spec: str | None = None) -> str:
    """A runnable NumPy module holding one entry's kernels (forward, backward and helpers), as
    generated/numpy/ holds them: `exec` it or write it to a file."""
    e = entry(name, spec)
    if e.kind not in MODULES:
        raise SymderivError(f"kernel: {name} is a{'n' if e.kind[0] in 'aeiou' else ''} {e.kind}; NumPy kernels "
                            f"exist for {', '.join(MODULES)}")
    how = _pipeline.provenance().replace(f"`{_pipeline.REGENERATE}`", f"`symderiv.api.kernel({name!r})`")
    return module_text(how, e.kind, [e])


def claim(id: str, statement: str, check, method: str = "notebook check", **fields) -> Claim:
    """A claim of your own: `check()` returns evidence with a boolean "holds" (and a "counterexample"
    when it does not hold)."""
    return Claim(id, statement, method, check, **fields)


def verify(c: Claim):
    """Run one claim: a Result (verified / refuted / failed) with its evidence."""
    return run_claim(c)


def project(folder: str | None = None):
    """The lecture project in `folder` (default: found upward from here, else the bundled lecture set)."""
    return _projects.find_project(folder)


def document(name: str, folder: str | None = None, spec: str | None = None):
    """A document of the project, built against the catalog (its claims not yet run)."""
    return _projects.load(project(folder), name, catalog(spec))


def _settings(proj, jobs, cache):
    folder = Path(os.environ.get("SYMDERIV_CACHE_DIR") or proj.cache_dir()) if cache else None
    return _pipeline.Settings(jobs=jobs or default_jobs(), cache=Cache(folder))


def check(folder: str | None = None, spec: str | None = None, jobs: int | None = None, cache: bool = True) -> tuple:
    """Every claim's Result (catalog, identities, seeds and the project's documents), like `symderiv check`."""
    proj = project(folder)
    return _pipeline.check(proj, catalog(spec), _settings(proj, jobs, cache))


def build(folder: str | None = None, out: str | None = None, spec: str | None = None, jobs: int | None = None,
          cache: bool = True, write: bool = True, force: bool = False):
    """Derive, verify, emit (`symderiv build`): a Build (results, files); written into `out` (default:
    generated/ of the project) when `write` and every claim came out as expected."""
    proj = project(folder)
    result = _pipeline.build(proj, catalog(spec), _settings(proj, jobs, cache))
    if write and all(r.passed for r in result.results):
        _files.write_all(result.files, proj.output() if out is None else Path(out), force=force)
    return result


def _compile(kind, folder, out, jobs, cache, keep_aux) -> list:
    _notes.require_tex()
    result = build(folder, jobs=jobs, cache=cache, write=False)
    return _notes.compile_sources(result.files, Path(out), kind, jobs=min(jobs or 2, 2), keep_aux=keep_aux)


def notes(folder: str | None = None, out: str = "notes", jobs: int | None = None, cache: bool = True,
          keep_aux: bool = False) -> list:
    """Compile every document's notes (and the errata) to PDF (`symderiv notes`): [Compiled(name, pdf,
    pages, problems, ...)]; a Compiled is `ok` when its log has no error, undefined reference or missing
    glyph. XeLaTeX's .aux, .log, ... are removed beside a clean PDF unless `keep_aux`."""
    return _compile("notes", folder, out, jobs, cache, keep_aux)


def slides(folder: str | None = None, out: str = "slides", jobs: int | None = None, cache: bool = True,
           keep_aux: bool = False) -> list:
    """Compile a 16:9 Beamer deck per document (`symderiv slides`): [Compiled], as `notes` does."""
    return _compile("slides", folder, out, jobs, cache, keep_aux)
