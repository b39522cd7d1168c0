"""Where claims come from, in groups: a group is the unit the build runs, caches and parallelises.

A group has a name and `make()`, which returns its claims. Each catalog entry's own claims
(derivative, kinks, limits) are one group (`entry:NAME`); every other provider is one group. A new
source of claims is one function added to `PROVIDERS`. The lecture documents' claims are not here:
the build loads the documents (a layer above) and runs their claims the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from symderiv.verify.backprop_claims import backprop_claims
from symderiv.verify.catalog_claims import entry_claims
from symderiv.verify.claims import Claim, Result, run_claim
from symderiv.verify.constant_claims import constant_claims
from symderiv.verify.identity_claims import derivative_form_claims, identity_claims
from symderiv.verify.seeds import MODULES as SEED_MODULES

PROVIDERS = (identity_claims, derivative_form_claims, constant_claims, backprop_claims,
             *(m.claims for m in SEED_MODULES))


@dataclass(frozen=True)
class Group:
    name: str
    make: Callable[[], list]
    reads: tuple = ()        # catalog entries the group depends on beyond those `make` reads from the catalog


def groups(catalog) -> list:
    """Every claim group, in a fixed order: one per catalog entry, then one per provider."""
    out = [Group(f"entry:{e.name}", lambda e=e: entry_claims(e), (e.name,)) for e in catalog if e.kind != "initializer"]
    return out + [Group(f"{p.__module__.rsplit('.', 1)[-1]}.{p.__name__}", lambda p=p: p(catalog))
                  for p in PROVIDERS]


def run_group(group) -> list:
    """The Results of a group's claims. A group whose `make()` raises is one failed claim,
    `<group>.make`, whose evidence names the exception in one line (the build goes on)."""
    try:
        claims = group.make()
    except Exception as exc:  # a broken provider is reported like a claim that cannot be checked
        reason = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
        claim = Claim(f"{group.name}.make", f"the claims of group {group.name} can be made", "construction", None)
        return [Result(claim, "failed", {"error": f"make() raised {reason}"})]
    return [run_claim(c) for c in claims]


def check_unique(claims) -> None:
    ids = [c.id for c in claims]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate claim ids: {dupes}")


def all_claims(catalog):
    """Every claim of every group, in a fixed order; ids are unique."""
    claims = [c for g in groups(catalog) for c in g.make()]
    check_unique(claims)
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
