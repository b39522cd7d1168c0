import json
import subprocess
import sys

import pytest

from symderiv.cli import main
from symderiv.verify.claims import STATUSES


def run(*args):
    return subprocess.run([sys.executable, "-m", "symderiv", *args], capture_output=True, text=True)


def test_show_elu_latex(capsys):
    assert main(["show", "elu", "--latex"]) == 0
    out = capsys.readouterr().out
    assert r"\alpha \left(e^{x} - 1\right)" in out and r"\alpha e^{x}" in out


@pytest.mark.parametrize("args", [["show", "nosuch"], ["show"], ["frobnicate"], ["show", "relu", "--latex", "--numpy"]])
def test_bad_input_is_one_line_exit_2(args):
    r = run(*args)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_unknown_name_lists_nearest():
    r = run("show", "sigmoud")
    assert "sigmoid" in r.stderr


def test_list_names_every_kind(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for kind in ("activations", "losses", "regularizers", "initializers"):
        assert kind in out


def test_build_writes_report_and_check_detects_staleness(tmp_path, capsys, monkeypatch, bundled_build):
    """The whole bundled build through the CLI, on the session's cache (warm: `bundled_build` ran every
    claim once; the cache's own correctness is tests/test_build_cache.py's)."""
    monkeypatch.setenv("SYMDERIV_CACHE_DIR", str(bundled_build[1]))
    out = tmp_path / "gen"
    assert main(["build", "--out", str(out)]) == 0
    report = json.loads((out / "report" / "verification.json").read_text())
    records = report["claims"]
    assert records and all(r["status"] in STATUSES for r in records)
    assert all(r["passed"] for r in records)
    assert len(records) == len(bundled_build[0].results)
    assert {p: (out / p).read_text() for p in bundled_build[0].files} == bundled_build[0].files
    assert main(["build", "--out", str(out), "--check"]) == 0
    (out / "report" / "verification.json").write_text("{}")
    assert main(["build", "--out", str(out), "--check"]) == 1
    assert "verification.json" in capsys.readouterr().err
