"""Shared fixtures: the bundled lecture set built once per test session (`bundled_build`, shared by the
pytest-xdist workers through a locked cache folder), its claims' results (`claim_results`: every claim
of verify, emit and the documents, run once per session by that build on all cores, rather than once
per test file that checks them; `seed_results`, `result_of`), the kernel modules it wrote
(`kernel_mods`), each document loaded once per worker
(`document_of`) and the documents rendered once per worker (`lecture`: notes, decks, figure data; the
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
from symderiv.emit import kernel_accuracy
from symderiv.emit.latex_doc import render_document
from symderiv.lecture import blocks
from symderiv.verify.registry import all_claims

BUNDLED = projects.Project(projects.bundled_folder(), bundled=True)
BUILD_HASH_SEED = 0     # the bundled build's PYTHONHASHSEED; test_reproducible renders with another


def pytest_configure(config):
    explicit = any(a == "--dist" or a.startswith("--dist=") for a in config.invocation_params.args)
    if getattr(config.option, "dist", "no") == "load" and not explicit:
        config.option.dist = "loadscope"


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory):
    """(Build of the bundled lecture set, its cache folder). The first worker to get here runs
    `symderiv build` on all cores in a fresh process with hash seed `BUILD_HASH_SEED` (forking here,
    where torch or jax may have started threads, could deadlock) into a cache folder shared by the session's workers; the Build
    is then read back from that cache in this process (one task at a time, nothing forked), as the
    other workers do once the lock is theirs."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    cache = shared / "bundled-cache"
    with open(shared / "bundled-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cache.is_dir():
            proc = subprocess.run([sys.executable, "-m", "symderiv", "build", "--quiet", "--out", str(shared / "gen")],
                                  cwd=shared, capture_output=True, text=True,
                                  env=dict(os.environ, SYMDERIV_CACHE_DIR=str(cache), PYTHONHASHSEED=str(BUILD_HASH_SEED)))
            # a claim not as expected stops the build before it writes (its results are cached): the
            # claim's own test then fails, naming it, instead of every test erroring here
            assert proc.returncode == 0 or "nothing written" in proc.stderr, proc.stderr[-3000:]
        result = pipeline.build(BUNDLED, load_catalog(), pipeline.Settings(jobs=1, cache=Cache(cache)))
    return result, cache


def _referenced_claims(catalog, docs):
    """The claims the documents print: their own and those they refer to."""
    from symderiv.emit.network_claims import groups

    wanted = {i.id for doc in docs.values() for s in doc.sections for i in s.items if isinstance(i, blocks.ClaimRef)}
    others = all_claims(catalog) + [c for _, make in groups(catalog) for c in make()]
    own = [c for doc in docs.values() for c in projects.claims_of(doc)]
    return [c for c in others if c.id in wanted] + own


@pytest.fixture(scope="session")
def kernel_mods(bundled_build, tmp_path_factory):
    """{kind: module}: the NumPy kernel modules the bundled build wrote, imported once per worker."""
    return kernel_accuracy.import_modules(tmp_path_factory.mktemp("kernels"), bundled_build[0].files)


@pytest.fixture(scope="session")
def claim_results(bundled_build):
    """{claim id: Result} for every claim the bundled build ran: verify's, emit's network claims and
    the documents' own, each run once (`run_claim`, in the build's worker processes, fresh cache)."""
    return {r.claim.id: r for r in bundled_build[0].results}


def _result_of(claim_results, claim):
    """The session's Result for `claim`, checked to be that claim's (same method, source, expectation)."""
    r = claim_results[claim.id]
    assert (r.claim.method, r.claim.expected, r.claim.source) == (claim.method, claim.expected, claim.source), claim.id
    return r


@pytest.fixture(scope="session")
def result_of(claim_results):
    """`result_of(claim)`: the Result of `claim` in `claim_results`."""
    return lambda claim: _result_of(claim_results, claim)


@pytest.fixture(scope="session")
def seed_results(result_of):
    """The Results of every verify claim with a seed source, in claim order."""
    return tuple(result_of(c) for c in all_claims(load_catalog()) if c.source)


@pytest.fixture(scope="session")
def document_of(bundled_build):
    """`document_of(project, name)`: `projects.load(project, name, load_catalog())`, loaded once per
    worker and document file (a Document is immutable; many modules read the bundled set). After the
    bundled build, whose warm read-back hands this process the catalog's derivatives, which the
    documents print (the handbook alone differentiates every entry)."""
    catalog, loaded = load_catalog(), {}

    def load(project, name):
        where = (project.files()[name].resolve(), name)
        if where not in loaded:
            loaded[where] = projects.load(project, name, catalog)
        return loaded[where]
    return load


@pytest.fixture(scope="session")
def lecture(claim_results, document_of):
    """(documents, {claim id: Result}, {latex/... path: text}) as the build renders them: the documents
    loaded and rendered in each worker that needs them, the results those of `claim_results`."""
    catalog = load_catalog()
    docs = {name: document_of(BUNDLED, name) for name in BUNDLED.files()}
    results = {c.id: _result_of(claim_results, c) for c in _referenced_claims(catalog, docs)}
    files = {}
    for name, doc in docs.items():
        tex, data = render_document(name, doc, results, "provenance")
        files[f"latex/{name}.tex"] = tex
        files.update({f"latex/{p}": t for p, t in data.items()})
    return docs, results, files
