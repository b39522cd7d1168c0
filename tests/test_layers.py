"""The layers are one-way (numerics <- catalog <- calculus <- verify <- lecture <- emit <- build/cli),
checked by import-linter's layers contract in pyproject.toml."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="needs import-linter (pip install '.[test]')")
def test_layers_contract_is_kept():
    proc = subprocess.run(["lint-imports", "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "1 kept, 0 broken" in proc.stdout


def test_the_contract_refuses_an_upward_import(tmp_path):
    """The contract is not vacuous: a catalog module importing emit breaks it."""
    if shutil.which("lint-imports") is None:
        pytest.skip("needs import-linter")
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "symderiv", copy / "symderiv", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    bad = copy / "symderiv" / "catalog" / "upward.py"
    bad.write_text("from symderiv.emit import latex\n")
    proc = subprocess.run(["lint-imports", "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin:" + str(Path(shutil.which("lint-imports")).parent)})
    assert proc.returncode != 0 and "symderiv.catalog.upward -> symderiv.emit" in proc.stdout
