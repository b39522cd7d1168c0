"""The cached, parallel build: the same bytes with and without cache, cold and warm, 1 or N workers;
a change re-runs exactly the tasks that depend on it.

The claim groups, kernel models and whole-catalog emitters are replaced by cheap stand-ins that read
the catalog like the real ones and log every run to a file (worker processes are forked, so a file is
the only log they share); the project's document is the real `symderiv init` example.
"""

import dataclasses
import json
import pickle
import time

import pytest
import sympy as sp

from symderiv.build import pipeline
from symderiv.build.cache import Cache, RecordingCatalog, key
from symderiv.build.pipeline import Settings
from symderiv.build.project import find_project
from symderiv.catalog import load_catalog
from symderiv.cli import main
from symderiv.verify.claims import Claim
from symderiv.verify.registry import Group


def _log(path, name):
    with open(path, "a") as fh:
        fh.write(name + "\n")


@pytest.fixture
def small(tmp_path, monkeypatch):
    """A project (the init example) and a pipeline whose expensive parts are logged stand-ins."""
    log = tmp_path / "runs.log"
    assert main(["init", str(tmp_path / "p")]) == 0

    def groups(catalog):
        def relu_claims():
            _log(log, "group:relu")
            relu = catalog.get("relu")
            return [Claim("relu.at_two", "relu(2) = 2", "exact", lambda: {"holds": relu.expr.subs(relu.var, 2) == 2,
                                                                          "value": 2})]

        def sigmoid_claims():
            _log(log, "group:sigmoid")
            s = catalog.get("sigmoid")
            value = s.expr.subs(s.var, 0)
            return [Claim("sigmoid.at_zero", "sigma(0) = 1/2", "exact",
                          lambda: {"holds": value == sp.Rational(1, 2), "value": str(value)}
                          | ({} if value == sp.Rational(1, 2) else {"counterexample": {"x": 0}}))]
        return [Group("entry:relu", relu_claims, ("relu",)), Group("uses:sigmoid", sigmoid_claims)]

    def model(entry):
        _log(log, f"kernel:{entry.name}")
        return {"name": entry.name, "expr": str(entry.expr)}

    def numpy_files(catalog, prov, models):
        _log(log, "emit:numpy")
        return {"numpy/k.py": f"# {prov}\n" + json.dumps(sorted(models.items())) + "\n"}

    def networks_file(catalog, prov):
        _log(log, "emit:networks")
        return {"numpy/networks.py": f"# {prov}\n# {catalog.get('relu').expr}\n"}

    def errata_files(catalog, results, prov):
        _log(log, "emit:errata")
        return {"latex/errata.tex": f"% {prov}\n{len(results)} results\n"}

    real_load = pipeline.projects.load

    def load(project, name, catalog):
        _log(log, f"document:{name}")
        return real_load(project, name, catalog)

    monkeypatch.setattr(pipeline.projects, "load", load)
    monkeypatch.setattr(pipeline, "_all_groups", groups)
    monkeypatch.setattr(pipeline, "kernel_model", model)
    monkeypatch.setattr(pipeline, "numpy_files", numpy_files)
    monkeypatch.setattr(pipeline, "networks_file", networks_file)
    monkeypatch.setattr(pipeline, "errata_files", errata_files)
    return find_project(str(tmp_path / "p")), log


def _runs(log):
    runs = log.read_text().split() if log.exists() else []
    log.write_text("")
    return sorted(runs)


def _build(project, catalog, cache, jobs):
    return pipeline.build(project, catalog, Settings(jobs=jobs, cache=cache))


def test_same_bytes_without_cache_cold_warm_and_with_1_or_2_workers(small, tmp_path):
    project, log = small
    catalog = load_catalog()
    plain = _build(project, catalog, Cache(None), 1)
    assert "latex/example.tex" in plain.files and len(plain.results) == 3   # 2 stand-in claims + the example's
    assert all(r.passed for r in plain.results)
    _runs(log)
    cache = Cache(tmp_path / "cache")
    cold = _build(project, catalog, cache, 2)
    assert "group:relu" in _runs(log)
    warm1, warm2 = _build(project, catalog, cache, 1), _build(project, catalog, cache, 2)
    assert _runs(log) == []                                   # nothing re-ran
    for other in (cold, warm1, warm2):
        assert other.files == plain.files
        assert [r.record() for r in other.results] == [r.record() for r in plain.results]


def test_editing_one_entry_reruns_exactly_what_read_it(small, tmp_path):
    project, log = small
    catalog, cache = load_catalog(), Cache(tmp_path / "cache")
    before = _build(project, catalog, cache, 2)
    _runs(log)
    sig = catalog.get("sigmoid")
    edited = dataclasses.replace(sig, expr=2 / (1 + sp.exp(-sig.var)))    # a wrong sigmoid
    changed = dataclasses.replace(catalog, entries=tuple(edited if e is sig else e for e in catalog.entries))
    after = _build(project, changed, cache, 2)
    runs = _runs(log)
    # the sigmoid group, sigmoid's kernel, the numpy module (it reads every activation) and the example document
    # (it reads the sigmoid) re-ran; the relu group, the other kernels and the networks emitter did not
    assert "group:sigmoid" in runs and "kernel:sigmoid" in runs and "emit:numpy" in runs
    assert "group:relu" not in runs and "kernel:relu" not in runs and "emit:networks" not in runs
    assert "document:example" in runs
    assert len([r for r in runs if r.startswith("kernel:")]) == 1
    status = {r.claim.id: r.status for r in after.results}
    assert status["sigmoid.at_zero"] == "refuted" and status["example.derivative_is_sigmoid"] == "refuted"
    assert after.files["latex/example.tex"] != before.files["latex/example.tex"]
    assert _build(project, catalog, cache, 2).files == before.files      # and back: served from the cache
    assert _runs(log) == []


def test_editing_one_document_reruns_only_that_document(small, tmp_path):
    project, log = small
    second = project.folder / "02_second.py"
    second.write_text((project.folder / "01_example.py").read_text().replace('"The softplus', '"Second: the softplus'))
    catalog, cache = load_catalog(), Cache(tmp_path / "cache")
    _build(project, catalog, cache, 2)
    _runs(log)
    text = second.read_text().replace("is a smooth ReLU", "is a smooth rectifier")
    second.write_text(text)
    after = _build(project, catalog, cache, 2)
    assert _runs(log) == ["document:second"]
    assert "smooth rectifier" in after.files["latex/second.tex"]


def test_a_damaged_cache_file_is_a_miss_not_an_error(small, tmp_path):
    project, log = small
    catalog, cache = load_catalog(), Cache(tmp_path / "cache")
    first = _build(project, catalog, cache, 1)
    for f in (tmp_path / "cache").rglob("*.*"):
        f.write_bytes(b"not a pickle")
    _runs(log)
    assert _build(project, catalog, cache, 1).files == first.files
    assert "group:relu" in _runs(log)


def test_recording_catalog_notes_what_is_read():
    rc = RecordingCatalog(load_catalog().entries)
    rc.get("relu")
    rc.of_kind("loss")
    assert rc.read == {"relu", "kind:loss"}
    list(rc)
    assert "*" in rc.read


def test_a_stored_value_is_refused_when_a_dependency_changed(tmp_path):
    catalog = load_catalog()
    cache, k = Cache(tmp_path), key("test", "one")
    cache.put(k, catalog, {"relu"}, "value")
    assert cache.get(k, catalog) == "value"
    relu = catalog.get("relu")
    other = dataclasses.replace(catalog, entries=tuple(dataclasses.replace(e, description="changed") if e is relu
                                                       else e for e in catalog.entries))
    assert cache.get(k, other) is None
    assert pickle.loads(next(tmp_path.rglob("*.index")).read_bytes()) == {frozenset({"relu"})}


def test_cli_cache_folder_env_and_no_cache(small, tmp_path, monkeypatch, capsys):
    project, _ = small
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("SYMDERIV_CACHE_DIR", str(tmp_path / "envcache"))
    assert main(["build", "--quiet"]) == 0
    assert list((tmp_path / "envcache").rglob("*.pickle"))
    assert (project.root / "generated" / "latex" / "example.tex").is_file()
    monkeypatch.delenv("SYMDERIV_CACHE_DIR")
    assert main(["build", "--no-cache", "--quiet", "--out", str(tmp_path / "o")]) == 0
    assert not (project.root / ".symderiv-cache").exists()
    assert main(["build", "--check", "--quiet"]) == 0


def test_a_group_whose_make_raises_is_a_failed_claim_not_an_aborted_build(small, monkeypatch):
    project, _ = small
    stand_ins = pipeline._all_groups

    def broken():
        raise ZeroDivisionError("provider bug\nsecond line")

    monkeypatch.setattr(pipeline, "_all_groups", lambda catalog: stand_ins(catalog) + [Group("broken.claims", broken)])
    for jobs in (1, 2):
        result = _build(project, load_catalog(), Cache(None), jobs)
        by_id = {r.claim.id: r for r in result.results}
        bad = by_id["broken.claims.make"]
        assert bad.status == "failed" and not bad.passed
        assert bad.evidence == {"error": "make() raised ZeroDivisionError: provider bug"}
        assert by_id["relu.at_two"].status == "verified"               # the other groups ran as before
        assert "report/verification.json" in result.files


def test_cli_build_with_a_raising_group_reports_it_and_writes_nothing(small, tmp_path, monkeypatch, capsys):
    project, _ = small
    stand_ins = pipeline._all_groups

    def broken():
        raise RuntimeError("provider bug")

    monkeypatch.setattr(pipeline, "_all_groups", lambda catalog: stand_ins(catalog) + [Group("broken.claims", broken)])
    out = tmp_path / "out"
    assert main(["build", "--no-cache", "--quiet", "--project", str(project.root), "--out", str(out)]) == 1
    assert "broken.claims.make (failed)" in capsys.readouterr().err
    assert not out.exists()


def test_a_result_is_the_same_whether_it_ran_here_or_in_a_worker(small, monkeypatch):
    """SymPy rebuilds expressions when unpickled (2*(y - t) comes back as 2*y - 2*t): a result computed in
    this process must be what a worker or the cache would hand back, or 1 and N workers would differ."""
    project, _ = small
    stand_ins = pipeline._all_groups
    y, t = sp.symbols("y t")
    unevaluated = sp.Mul(2, y - t, evaluate=False)
    assert str(pickle.loads(pickle.dumps(unevaluated))) != str(unevaluated)      # the hazard is real

    def forms():
        return [Claim("forms.mse_gradient", "d/dy (y - t)^2 = 2 (y - t)", "exact",
                      lambda: {"holds": sp.expand(sp.diff((y - t) ** 2, y) - unevaluated) == 0, "form": unevaluated})]

    monkeypatch.setattr(pipeline, "_all_groups", lambda catalog: stand_ins(catalog) + [Group("forms.claims", forms)])
    catalog = load_catalog()
    one, two = (_build(project, catalog, Cache(None), jobs) for jobs in (1, 2))
    assert one.files == two.files
    assert [r.record() for r in one.results] == [r.record() for r in two.results]


def test_tasks_start_in_the_given_order_and_results_come_back_in_task_order(tmp_path):
    from symderiv.build.workers import run_tasks

    log = tmp_path / "starts.log"

    def task(i):
        def run():
            _log(log, str(i))
            time.sleep(0.3)        # long enough that neither worker takes a third task before both started one
            return i * i
        return run

    tasks = [task(i) for i in range(4)]
    assert run_tasks(tasks, 1, order=[3, 2, 1, 0]) == [0, 1, 4, 9]          # one at a time: their own order
    assert log.read_text().split() == ["0", "1", "2", "3"]
    log.write_text("")
    assert run_tasks(tasks, 2, order=[3, 2, 1, 0]) == [0, 1, 4, 9]
    assert log.read_text().split()[:2] in (["3", "2"], ["2", "3"])           # the first two started are 3 and 2
    with pytest.raises(ValueError):
        run_tasks(tasks, 2, order=[0, 1, 2])
