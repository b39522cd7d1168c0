"""The measured references: the committed records are current, complete, and the claims use them."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

from symderiv.catalog import load_catalog
from symderiv.catalog.references import PATH, differentiated, records

CAT = load_catalog()


def test_records_cover_every_entry_with_a_pytorch_counterpart():
    recorded = set(records()["entries"])
    expected = {e.name for e in CAT if e.torch and e.kind in ("activation", "loss")}
    assert recorded == expected
    assert set(records()["versions"]) == {"torch", "jax"}


def test_records_hold_defaults_another_setting_kinks_and_extremes():
    for e in CAT:
        rec = records()["entries"].get(e.name)
        if rec is None:
            continue
        settings = rec["torch"]
        assert len(settings) == (2 if any(p.symbolic for p in e.params) else 1), e.name
        kinds = {row[3] for s in settings for row in s["rows"]}
        assert "random" in kinds
        if len(e.variables) == 1:
            assert "extreme" in kinds and ("kink" in kinds) == bool(e.kinks), e.name
        for s in settings:
            for inputs, out, grad, _ in s["rows"]:
                assert len(grad) == len(out) and all(len(g) == len(differentiated(e)) for g in grad)


def test_committed_records_are_current():
    """Regenerate with the installed torch and jax; the committed file must be byte-identical. JAX runs
    in its own process (`python -m symderiv.catalog.references --check`): a pytest worker that had
    started JAX's threads could deadlock when a later test forks build workers."""
    versions = {name: _installed(name) for name in ("torch", "jax")}
    if None in versions.values():
        pytest.skip("torch and jax are needed to regenerate the records")
    rec = records()["versions"]
    if (rec["torch"], rec["jax"]) != (versions["torch"], versions["jax"]):
        pytest.fail(f"records made with torch {rec['torch']}, jax {rec['jax']}; installed {versions['torch']}, "
                    f"{versions['jax']}: run python -m symderiv.catalog.references")
    proc = subprocess.run([sys.executable, "-m", "symderiv.catalog.references", "--check"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:] or "records.json is not current: run python -m symderiv.catalog.references"


def _installed(name):
    """The version of an installed distribution (read without importing it), or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
