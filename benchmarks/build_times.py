"""Wall times of the build, cold and warm, against the targets (one run each, this machine).

    python benchmarks/build_times.py            # cold build, warm build, one edited document, warm check
    python benchmarks/build_times.py --suite    # also the test suite (python -m pytest -q -n auto)

The bundled lecture set is copied to a temporary project and built with a fresh cache there
(SYMDERIV_CACHE_DIR), so the repository and its cache are not touched. Beside each wall time, the
CPU seconds the command and its worker processes used (user + system): on a machine other jobs
share, wall times grow with their load; CPU seconds much less. The speed of such a machine itself
drifts (a Python loop has taken twice as long at one time as at another within one session here), so a fixed pure-Python
workload is timed before and after: compare times of different runs only at a similar reference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"cold build": 20.0, "warm build, nothing changed": 3.0, "warm build, one document edited": 5.0,
           "warm check": 3.0, "test suite": 60.0}


def _timed(cmd, env, cwd) -> tuple:
    """(wall seconds, CPU seconds of the command and its children)."""
    start, before = time.monotonic(), os.times()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    after = os.times()
    return time.monotonic() - start, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def reference_seconds() -> float:
    """CPU seconds of a fixed pure-Python workload on one core: the machine's speed right now."""
    start, total = time.process_time(), 0
    for i in range(10**7):
        total += i
    return time.process_time() - start


def measure(suite: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(ROOT / "derivations", project / "derivations", ignore=shutil.ignore_patterns("__pycache__"))
        env = dict(os.environ, SYMDERIV_CACHE_DIR=str(Path(tmp) / "cache"))
        sd = [sys.executable, "-m", "symderiv"]
        build = sd + ["build", "--quiet", "--project", str(project), "--out", str(Path(tmp) / "out")]
        times = {"cold build": _timed(build, env, tmp), "warm build, nothing changed": _timed(build, env, tmp)}
        doc = sorted((project / "derivations").glob("0*_*.py"))[-1]
        doc.write_text(doc.read_text(encoding="utf-8").replace("TITLE = \"", "TITLE = \"Edited: ", 1), encoding="utf-8")
        times["warm build, one document edited"] = _timed(build, env, tmp)
        times["warm check"] = _timed(sd + ["check", "--quiet", "--project", str(project)], env, tmp)
    if suite:
        times["test suite"] = _timed([sys.executable, "-m", "pytest", "-q", "-n", "auto", "-p", "no:cacheprovider"],
                                     dict(os.environ), ROOT)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="store_true", help="also time the test suite")
    before = reference_seconds()
    times = measure(parser.parse_args().suite)
    after = reference_seconds()
    print(f"{'what':34s} {'seconds':>8s} {'target':>7s} {'ratio':>6s} {'CPU s':>7s}")
    for what, (sec, cpu) in times.items():
        print(f"{what:34s} {sec:8.1f} {TARGETS[what]:7.0f} {sec / TARGETS[what]:6.2f} {cpu:7.1f}")
    print(f"machine reference (a 10**7-step Python loop, one core): {before:.2f} s before, {after:.2f} s after")
    print(f"load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
