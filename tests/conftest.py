"""Shared fixtures: the bundled lecture set built once per test session (`bundled_build`, shared by the
pytest-xdist workers through a locked cache folder) and rendered (notes, decks, figure data; the
errata, which need every seed claim, are rendered and compiled in test_seeds).

Under pytest-xdist (`-n`) whole modules go to one worker (`--dist loadscope`, unless `--dist` was
given), so a module's fixtures (compiled notes, decks) are made once, not once per worker.
"""

import fcntl
import os
import subprocess
import sys

import pytest

from symderiv.build import pipeline
from symderiv.build import project as projects
from symderiv.build.cache import Cache
from symderiv.catalog import load_catalog
from symderiv.emit.latex_doc import render_document

BUNDLED = projects.Project(projects.bundled_folder(), bundled=True)


def pytest_configure(config):
    explicit = any(a == "--dist" or a.startswith("--dist=") for a in config.invocation_params.args)
    if getattr(config.option, "dist", "no") == "load" and not explicit:
        config.option.dist = "loadscope"


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory):
    """(Build of the bundled lecture set, its cache folder). The first worker to get here runs
    `symderiv build` on all cores in a fresh process (forking here, where torch or jax may have
    started threads, could deadlock) into a cache folder shared by the session's workers; the Build
    is then read back from that cache in this process (one task at a time, nothing forked), as the
    other workers do once the lock is theirs."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    cache = shared / "bundled-cache"
    with open(shared / "bundled-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cache.is_dir():
            proc = subprocess.run([sys.executable, "-m", "symderiv", "build", "--quiet", "--out", str(shared / "gen")],
                                  cwd=shared, env=dict(os.environ, SYMDERIV_CACHE_DIR=str(cache)),
                                  capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr[-3000:]
        result = pipeline.build(BUNDLED, load_catalog(), pipeline.Settings(jobs=1, cache=Cache(cache)))
    return result, cache


@pytest.fixture(scope="session")
def lecture(bundled_build):
    """(documents, {claim id: Result}, {latex/... path: text}) as the build renders them; the results
    are the build's (every claim, the documents' own included)."""
    catalog = load_catalog()
    docs = {name: projects.load(BUNDLED, name, catalog) for name in BUNDLED.files()}
    results = {r.claim.id: r for r in bundled_build[0].results}
    files = {}
    for name, doc in docs.items():
        tex, data = render_document(name, doc, results, "provenance")
        files[f"latex/{name}.tex"] = tex
        files.update({f"latex/{p}": t for p, t in data.items()})
    return docs, results, files
