"""Every claim is as expected; the claim machinery refuses results without evidence."""

import pytest

from symderiv.catalog import load_catalog
from symderiv.verify.claims import Claim, run_claim
from symderiv.verify.registry import all_claims, groups

GROUPS = groups(load_catalog())   # named at collection; each group's claims are made where its test runs


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.name)
def test_every_claim_of_the_group_is_as_expected(group, result_of):
    claims = group.make()
    failed = {c.id: (r.status, r.evidence) for c in claims if not (r := result_of(c)).passed}
    assert claims and not failed, failed


def test_every_catalog_derivative_is_verified():
    cat = load_catalog()
    ids = {c.id.split(".")[0] for c in all_claims(cat) if ".derivative." in c.id}
    assert {e.name for e in cat if e.kind != "initializer"} <= ids


def test_no_evidence_means_failed():
    assert run_claim(Claim("x", "s", "m", lambda: {"holds": True})).status == "failed"
    assert run_claim(Claim("x", "s", "m", lambda: {"holds": False, "max_abs_error": 1.0})).status == "failed"
    assert run_claim(Claim("x", "s", "m", lambda: 1 / 0)).status == "failed"


def test_expected_false_passes_only_when_refuted():
    refuted = run_claim(Claim("x", "s", "m", lambda: {"holds": False, "counterexample": 1}, expected=False))
    assert refuted.status == "refuted" and refuted.passed
    held = run_claim(Claim("x", "s", "m", lambda: {"holds": True, "max_abs_error": 0.0}, expected=False))
    assert not held.passed
