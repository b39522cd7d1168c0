"""Shared fixtures: the bundled lecture set rendered once per session (notes, decks, figure data; the
errata, which need every seed claim, are rendered and compiled in test_seeds)."""

import pytest

from symderiv.build import project as projects
from symderiv.catalog import load_catalog
from symderiv.emit.latex_doc import render_document
from symderiv.lecture import blocks
from symderiv.verify.claims import run_claim

BUNDLED = projects.Project(projects.bundled_folder(), bundled=True)


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
    """(documents, {claim id: Result}, {latex/... path: text}) as the build renders them."""
    catalog = load_catalog()
    docs = {name: projects.load(BUNDLED, name, catalog) for name in BUNDLED.files()}
    results = {c.id: run_claim(c) for c in _referenced_claims(catalog, docs)}
    files = {}
    for name, doc in docs.items():
        tex, data = render_document(name, doc, results, "provenance")
        files[f"latex/{name}.tex"] = tex
        files.update({f"latex/{p}": t for p, t in data.items()})
    return docs, results, files
