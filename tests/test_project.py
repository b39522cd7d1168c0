"""Lecture projects: `symderiv init`, finding the project upward, the bundled lecture set, bad input."""

import subprocess
import sys

import pytest

from symderiv.build.project import bundled_folder, find_project, list_documents
from symderiv.cli import main
from symderiv.errors import SymderivError


def _one_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


def test_init_creates_a_project_found_from_below(tmp_path, capsys):
    assert main(["init", str(tmp_path / "p")]) == 0
    assert (tmp_path / "p" / "derivations" / "01_example.py").is_file() and (tmp_path / "p" / "README.md").is_file()
    (tmp_path / "p" / "sub" / "deeper").mkdir(parents=True)
    project = find_project(start=tmp_path / "p" / "sub" / "deeper")
    assert project.root == (tmp_path / "p").resolve() and not project.bundled
    assert [n for n, _ in list_documents(project)] == ["example"]
    assert main(["init", str(tmp_path / "p")]) == 2              # never overwritten
    assert "exists already" in _one_line(capsys)


def test_outside_any_project_the_bundled_set_is_used_and_said(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    project = find_project()
    assert project.bundled and project.folder == bundled_folder()
    names = [n for n, _ in list_documents(project)]
    assert "activation_handbook" in names and "backpropagation" in names
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    assert "bundled lecture set" in err and "activation_handbook" in out


def test_a_project_without_documents_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    (tmp_path / "derivations").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    assert "no lecture document" in _one_line(capsys)
    assert main(["build", "--project", str(tmp_path / "nowhere")]) == 2
    assert "no derivations/ folder" in _one_line(capsys)
    with pytest.raises(SymderivError):
        find_project(str(tmp_path))


def test_a_broken_document_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    assert main(["init", str(tmp_path / "p")]) == 0
    (tmp_path / "p" / "derivations" / "02_bad.py").write_text("TITLE = 'x'\nraise ValueError('typo')\n")
    capsys.readouterr()
    assert main(["list", "--project", str(tmp_path / "p")]) == 2
    line = _one_line(capsys)
    assert "02_bad.py" in line and "typo" in line


@pytest.mark.parametrize("command", ["build", "check", "notes", "init", "list", "show", "backprop"])
def test_help_lists_options_with_defaults(command):
    out = subprocess.run([sys.executable, "-m", "symderiv", command, "--help"], capture_output=True, text=True,
                         timeout=60).stdout
    assert "usage: symderiv" in out
    if command in ("build", "check", "notes"):
        for option in ("--project", "--no-cache", "--jobs", "--quiet", "--verbose"):
            assert option in out
        assert "default" in out
