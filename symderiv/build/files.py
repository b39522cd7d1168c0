"""Writing generated files: compare with what is on disk, refuse hand-edited files, write
atomically (temporary files in the same folder, then renames, rolled back on failure), remove the
files a build no longer writes (only inside the output's own subfolders, `SUBFOLDERS`)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from symderiv.errors import SymderivError
from symderiv.stamp import edited

SUBFOLDERS = ("latex", "numpy", "report")   # generated/'s layout: the only places files are ever removed


def _bytes(content) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _read(path: Path):
    """The bytes at `path`, or None where there is no readable file."""
    try:
        return path.read_bytes() if path.is_file() else None
    except (OSError, ValueError):
        return None


def stale(files: dict, out: Path) -> list:
    """Paths under `out` that differ from `files` or are missing."""
    return [p for p, text in files.items() if _read(out / p) != _bytes(text)]


def obsolete(files: dict, out: Path) -> list:
    """Files under `out`'s SUBFOLDERS (not following links, dotfiles aside) that `files` does not hold:
    what earlier builds wrote and this one would not."""
    found = []
    for sub in SUBFOLDERS:
        top = out / sub
        if top.is_symlink() or not top.is_dir():
            continue
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                rel = (Path(folder) / name).relative_to(out).as_posix()
                if not name.startswith(".") and rel not in files:
                    found.append(rel)
    return sorted(found)


def hand_edited(paths, out: Path) -> list:
    """Those of `paths` whose file under `out` no longer matches the content hash in its header."""
    found = []
    for rel in paths:
        old = _read(out / rel)
        if old is not None:
            try:
                text = old.decode("utf-8")
            except UnicodeDecodeError:
                found.append(rel)
                continue
            if edited(rel, text):
                found.append(rel)
    return found


def write_all(files: dict, out: Path, force: bool = False) -> list:
    """Write every changed file atomically (temporary file in the same folder, then rename), then
    remove the `obsolete` ones.

    All temporary files are written first; only when every one succeeded are they renamed into
    place; if a rename fails, the files already replaced are restored and new folders removed, so
    a failure leaves `out` as it was. A file whose content no longer matches its stored hash
    (edited by hand, or not written by symderiv) is neither overwritten nor removed unless `force`:
    SymderivError naming the files. Returns the changed paths, the removed ones included.
    """
    changed, gone = stale(files, out), obsolete(files, out)
    edited_by_hand = [] if force else hand_edited(changed + gone, out)
    if edited_by_hand:
        raise SymderivError(f"{len(edited_by_hand)} generated file(s) edited by hand, not overwritten or removed "
                            f"(use --force to overwrite): {', '.join(str(out / p) for p in edited_by_hand)}")
    pending, created, done = [], [], []
    try:
        for rel in changed:
            target = out / rel
            _mkdirs(target.parent, created)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            pending.append((tmp, target, _read(target)))
            with os.fdopen(fd, "wb") as fh:
                fh.write(_bytes(files[rel]))
        for tmp, target, old in pending:
            os.replace(tmp, target)
            done.append((target, old))
    except (OSError, ValueError) as exc:
        _roll_back(pending, done, created)
        raise SymderivError(f"cannot write to {out}: {_reason(exc)}") from None
    _remove(gone, out)
    return changed + gone


def _remove(paths, out: Path) -> None:
    """Delete `paths` (relative to `out`) and the folders under SUBFOLDERS they leave empty."""
    try:
        for rel in paths:
            target = out / rel
            target.unlink()
            folder = target.parent
            while folder.parent != out and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
    except OSError as exc:
        raise SymderivError(f"cannot remove an obsolete file in {out}: {_reason(exc)}") from None


def check_out(out: Path):
    """Fail early, in one line, when `out` cannot be an output folder (before any slow work)."""
    try:
        folder = out
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent
        bad = f"{folder} is not a folder" if not folder.is_dir() else None
        if bad is None:   # probe: create and remove a temporary file where the first folder would go
            fd, probe = tempfile.mkstemp(dir=folder, prefix=".symderiv-probe.")
            os.close(fd)
            os.unlink(probe)
    except (OSError, ValueError) as exc:
        bad = _reason(exc)
    if bad:
        raise SymderivError(f"cannot write to {out}: {bad}")


def _mkdirs(folder: Path, created: list):
    """Create `folder` and its missing parents, appending each one made to `created`."""
    missing = []
    while not folder.exists() and folder.parent != folder:
        missing.insert(0, folder)
        folder = folder.parent
    for f in missing:
        f.mkdir()
        created.append(f)


def _roll_back(pending, done, created):
    """Undo a partial write: restore replaced files, delete new ones and temporaries and new folders."""
    for target, old in reversed(done):
        if old is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(old)
    for tmp, _, _ in pending:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            pass


def _reason(exc) -> str:
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    return f"{getattr(exc, 'strerror', None) or exc}{where}"
