"""Shared fixtures: the bundled lecture set built once per test session (`bundled_build`, shared by the
pytest-xdist workers through a locked cache folder) and rendered once per worker (`lecture`: notes,
decks, figure data; the errata, which need every seed claim, are rendered and compiled in test_seeds).

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
from symderiv.lecture import blocks
from symderiv.verify.claims import run_claim

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


def _referenced_claims(catalog, docs):
    """The claims the documents print: their own and those they refer to."""
    from symderiv.emit.network_claims import groups
    from symderiv.verify.registry import all_claims

    wanted = {i.id for doc in docs.values() for s in doc.sections for i in s.items if isinstance(i, blocks.ClaimRef)}
    others = all_claims(catalog) + [c for _, make in groups(catalog) for c in make()]
    own = [c for doc in docs.values() for c in projects.claims_of(doc)]
    return [c for c in others if c.id in wanted] + own


@pytest.fixture(scope="session")
def lecture():
    """(documents, {claim id: Result}, {latex/... path: text}) as the build renders them. Made in each
    worker that needs it (cheaper than waiting for `bundled_build`'s lock: a waiting worker idles)."""
    catalog = load_catalog()
    docs = {name: projects.load(BUNDLED, name, catalog) for name in BUNDLED.files()}
    results = {c.id: run_claim(c) for c in _referenced_claims(catalog, docs)}
    files = {}
    for name, doc in docs.items():
        tex, data = render_document(name, doc, results, "provenance")
        files[f"latex/{name}.tex"] = tex
        files.update({f"latex/{p}": t for p, t in data.items()})
    return docs, results, files
