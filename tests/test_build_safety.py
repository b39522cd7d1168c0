"""Generated files: content-hash stamps, hand-edit detection, all-or-nothing writes, unwritable output."""

import json
import os

import pytest

import symderiv.build as build
from symderiv.build import render, write_all
from symderiv.cli import main
from symderiv.errors import SymderivError
from symderiv.stamp import digest, edited, stamp, unstamp

FILES = {
    "numpy/k.py": "# generated header\nimport numpy as np\n\n\ndef f(x):\n    return x\n",
    "latex/doc.tex": "% generated header\n\\documentclass{article}\n",
    "latex/data.dat": "% generated header\nx y\n0 1\n",
    "report/r.json": json.dumps({"generated_by": "me", "claims": [1, 2]}, indent=1, sort_keys=True) + "\n",
    "notes.bin": "no stamp for unknown extensions\n",
}


def _stamped(files=FILES):
    return {p: stamp(p, t) for p, t in files.items()}


def _snapshot(root):
    """Every file and folder under root with its bytes: the state a failed build must not change."""
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


# --- stamps ---

@pytest.mark.parametrize("path", sorted(FILES))
def test_stamp_round_trip_and_detection(path):
    text = FILES[path]
    s = stamp(path, text)
    if path.endswith(".bin"):
        assert s == text and not edited(path, s)
        return
    assert s.splitlines()[0] == text.splitlines()[0]
    original, stored = unstamp(path, s)
    assert original == text and stored == digest(text) and not edited(path, s)
    assert edited(path, s.replace("\n", "\n ", 3)) and edited(path, text) and edited(path, s + "x\n")


def test_stamped_files_stay_valid():
    s = _stamped()
    assert json.loads(s["report/r.json"])["content_sha256"] == digest(FILES["report/r.json"])
    compile(s["numpy/k.py"], "k.py", "exec")
    assert s["numpy/k.py"].splitlines()[1].startswith("# content-sha256: ")
    assert s["latex/doc.tex"].splitlines()[1].startswith("% content-sha256: ")
    assert stamp("x.json", "[1, 2]\n") == "[1, 2]\n"      # nothing to put a key in: left as it is


# --- write_all ---

def test_hand_edited_file_is_not_overwritten_without_force(tmp_path):
    files = _stamped()
    write_all(files, tmp_path)
    target = tmp_path / "numpy/k.py"
    target.write_text(target.read_text() + "# my local fix\n")
    new = _stamped({**FILES, "numpy/k.py": FILES["numpy/k.py"] + "# v2\n", "report/r.json": "{\n \"a\": 2\n}\n"})
    before = _snapshot(tmp_path)
    with pytest.raises(SymderivError, match="edited by hand.*numpy/k.py") as err:
        write_all(new, tmp_path)
    assert "r.json" not in str(err.value) and "\n" not in str(err.value)
    assert _snapshot(tmp_path) == before                    # nothing written, not even the unedited file
    assert sorted(write_all(new, tmp_path, force=True)) == ["numpy/k.py", "report/r.json"]
    assert (tmp_path / "numpy/k.py").read_text() == new["numpy/k.py"]


def test_deleted_hash_line_counts_as_edited(tmp_path):
    write_all(_stamped(), tmp_path)
    (tmp_path / "latex/doc.tex").write_text(FILES["latex/doc.tex"])     # hash line removed
    with pytest.raises(SymderivError, match="doc.tex"):
        write_all(_stamped({**FILES, "latex/doc.tex": FILES["latex/doc.tex"] + "v2\n"}), tmp_path)


def test_failed_rename_rolls_everything_back(tmp_path):
    write_all(_stamped(), tmp_path)
    (tmp_path / "zz").mkdir()
    (tmp_path / "zz/blocker.py").mkdir()           # a folder where a file must go: os.replace fails
    new = {p: stamp(p, t + "% v2\n") for p, t in FILES.items()}
    new["aa/new.py"] = stamp("aa/new.py", "# new\n")      # a new folder, created then removed
    new["zz/blocker.py"] = stamp("zz/blocker.py", "# cannot land\n")
    before = _snapshot(tmp_path)
    with pytest.raises(SymderivError, match="cannot write"):
        write_all(new, tmp_path)
    assert _snapshot(tmp_path) == before           # old contents restored, no temporaries, no new folders


def test_failed_mkdir_writes_nothing(tmp_path):
    write_all(_stamped(), tmp_path)
    (tmp_path / "afile").write_text("not a folder")
    new = {**{p: stamp(p, t + "% v2\n") for p, t in FILES.items()}, "afile/x.py": "# x\n"}
    before = _snapshot(tmp_path)
    with pytest.raises(SymderivError, match="cannot write"):
        write_all(new, tmp_path)
    assert _snapshot(tmp_path) == before


# --- the CLI, with fast stand-ins for the claims and the emitters ---

@pytest.fixture
def fast_build(monkeypatch):
    """`symderiv build` with no claims and two small emitters (the real ones are tested elsewhere)."""
    emitters = [lambda catalog: {"numpy/k.py": FILES["numpy/k.py"] + f"# {len(catalog.entries)} entries\n"},
                lambda catalog: {"report/r.json": FILES["report/r.json"]}]

    def fake(project, catalog, settings):
        files = {p: t for e in emitters for p, t in e(catalog).items()}
        return build.Build((), {p: stamp(p, t) for p, t in sorted(files.items())})

    monkeypatch.setattr(build, "build", fake)
    return emitters


def _one_line_error(capsys):
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err


def test_cli_force_check_and_reproducibility(tmp_path, fast_build, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["build", "--out", str(a)]) == 0 and main(["build", "--out", str(b)]) == 0
    assert _snapshot(a) == _snapshot(b)                          # byte for byte
    assert main(["build", "--out", str(a), "--check"]) == 0
    capsys.readouterr()
    k = a / "numpy/k.py"
    k.write_text(k.read_text().replace("return x", "return 2 * x"))
    assert main(["build", "--out", str(a), "--check"]) == 1
    assert "k.py" in capsys.readouterr().err
    assert main(["build", "--out", str(a)]) == 2
    assert "k.py" in _one_line_error(capsys) and "return 2 * x" in k.read_text()
    assert main(["build", "--out", str(a), "--force"]) == 0
    assert _snapshot(a) == _snapshot(b)


def test_cli_emitter_that_raises_leaves_output_as_it_was(tmp_path, fast_build):
    assert main(["build", "--out", str(tmp_path)]) == 0
    before = _snapshot(tmp_path)

    def broken(catalog):
        raise RuntimeError("emitter bug")

    fast_build.append(broken)
    fast_build[0] = lambda catalog: {"numpy/k.py": FILES["numpy/k.py"] + "# changed\n"}
    with pytest.raises(RuntimeError):
        main(["build", "--out", str(tmp_path)])
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("out", ["/dev/null/x", "", "   ", "FILE/sub", "FILE"])
def test_cli_unwritable_out_is_one_line_exit_2_before_any_claim(tmp_path, monkeypatch, capsys, out):
    def no_claims(*a, **k):
        raise AssertionError("claims ran before the output folder was checked")

    monkeypatch.setattr(build, "build", no_claims)
    (tmp_path / "FILE").write_text("x")
    out = out.replace("FILE", str(tmp_path / "FILE"))
    assert main(["build", "--out", out]) == 2
    _one_line_error(capsys)
    assert (tmp_path / "FILE").read_text() == "x"


@pytest.mark.skipif(os.geteuid() != 0 and not os.path.isdir("/proc/self"), reason="needs /proc")
def test_cli_out_under_proc_is_refused(capsys, monkeypatch):
    monkeypatch.setattr(build, "build", lambda *a, **k: build.Build((), {}))
    assert main(["build", "--out", "/proc/self/nope/gen"]) == 2
    _one_line_error(capsys)


def test_render_stamps_every_stampable_file(fast_build):
    from symderiv.catalog import load_catalog

    from symderiv.build.pipeline import report_files
    from symderiv.emit.backprop_code import networks_file

    files = render([report_files((), "p"), networks_file(load_catalog(), "p"), {"latex/x.tex": "% x\nbody\n"}])
    assert all(not edited(p, t) and unstamp(p, t)[1] for p, t in files.items())


# --- obsolete files: written by an earlier build, no longer by this one ---

def test_obsolete_files_are_removed_only_inside_the_output_subfolders(tmp_path):
    write_all(_stamped(), tmp_path)
    old = {"latex/old_doc.tex": stamp("latex/old_doc.tex", "% generated header\nold\n"),
           "latex/data/old/curve.dat": stamp("latex/data/old/curve.dat", "% generated header\n0 1\n"),
           "numpy/old.bin": "unstamped kind\n"}
    for rel, text in old.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    keep = {"mine/old_doc.tex": "% mine\n", "README.md": "mine\n", "latex/.hidden": "mine\n"}
    for rel, text in keep.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert build.obsolete(_stamped(), tmp_path) == ["latex/data/old/curve.dat", "latex/old_doc.tex", "numpy/old.bin"]
    assert sorted(write_all(_stamped(), tmp_path)) == sorted(old)
    assert not any((tmp_path / rel).exists() for rel in old) and not (tmp_path / "latex/data").exists()
    assert all((tmp_path / rel).read_text() == text for rel, text in keep.items())
    assert (tmp_path / "latex/doc.tex").is_file() and build.obsolete(_stamped(), tmp_path) == []


def test_an_obsolete_file_not_written_by_symderiv_is_removed_only_with_force(tmp_path):
    write_all(_stamped(), tmp_path)
    planted = tmp_path / "latex/notes_by_hand.tex"
    planted.write_text("% my own notes\n\\section{x}\n")                 # no content hash: not ours
    before = _snapshot(tmp_path)
    with pytest.raises(SymderivError, match="notes_by_hand.tex"):
        write_all(_stamped(), tmp_path)
    assert _snapshot(tmp_path) == before
    assert write_all(_stamped(), tmp_path, force=True) == ["latex/notes_by_hand.tex"] and not planted.exists()


def test_cli_check_flags_an_obsolete_file_and_build_removes_it(tmp_path, fast_build, capsys):
    out = tmp_path / "gen"
    assert main(["build", "--out", str(out)]) == 0
    planted = out / "latex" / "renamed_document.tex"
    planted.parent.mkdir()
    planted.write_text(stamp("latex/renamed_document.tex", "% generated header\n\\documentclass{article}\n"))
    (tmp_path / "gen" / "mine.txt").write_text("not in a generated subfolder\n")
    capsys.readouterr()
    assert main(["build", "--out", str(out), "--check"]) == 1
    err = capsys.readouterr().err
    assert f"obsolete: {planted}" in err and "1 obsolete" in err and "mine.txt" not in err
    assert main(["build", "--out", str(out)]) == 0
    assert "1 obsolete removed" in capsys.readouterr().out
    assert not planted.exists() and (out / "mine.txt").is_file()
    assert main(["build", "--out", str(out), "--check"]) == 0
