"""Where claims come from. A new source of claims is one function added to `PROVIDERS`."""

from __future__ import annotations

from symderiv.calculus.identities import derivative_form_claims, identity_claims
from symderiv.derivations import document_claims
from symderiv.verify.catalog_claims import catalog_claims
from symderiv.verify.backprop_claims import backprop_claims
from symderiv.verify.claims import run_claim
from symderiv.verify.seeds import seed_claims

PROVIDERS = (catalog_claims, identity_claims, derivative_form_claims, backprop_claims, seed_claims, document_claims)


def all_claims(catalog):
    """Every claim, in a fixed order; ids are unique."""
    claims = [c for provider in PROVIDERS for c in provider(catalog)]
    ids = [c.id for c in claims]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate claim ids: {dupes}")
    return claims


def run_all(catalog, progress=None):
    """Run every claim; `progress(i, n, claim)` is called before each one."""
    claims = all_claims(catalog)
    results = []
    for i, claim in enumerate(claims):
        if progress:
            progress(i, len(claims), claim)
        results.append(run_claim(claim))
    return results
