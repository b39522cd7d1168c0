"""The measured references: the committed records are current, complete, and the claims use them."""

from __future__ import annotations

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
    """Regenerate with the installed torch and jax; the committed file must be byte-identical."""
    torch = pytest.importorskip("torch")
    jax = pytest.importorskip("jax")
    from symderiv.catalog.references import __main__ as regen

    rec = records()["versions"]
    if (rec["torch"], rec["jax"]) != (torch.__version__, jax.__version__):
        pytest.fail(f"records made with torch {rec['torch']}, jax {rec['jax']}; installed {torch.__version__}, "
                    f"{jax.__version__}: run python -m symderiv.catalog.references")
    assert regen.dumps(regen.record()) == PATH.read_text(encoding="utf-8"), \
        "records.json is not current: run python -m symderiv.catalog.references"
