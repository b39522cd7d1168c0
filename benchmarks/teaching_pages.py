"""Per compiled document: pages of teaching text, pages of appendix, number of exercises.

    symderiv notes --keep-aux --out /tmp/notes && python benchmarks/teaching_pages.py /tmp/notes

Reads, for each NAME.pdf in the folder, NAME.aux (kept by `--keep-aux`): the appendix starts on
a new page labelled appendix:start, exercises are the labels ex:N. Pages come from pdfinfo.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

START = re.compile(r"\\newlabel\{appendix:start\}\{\{[^}]*\}\{(\d+)\}")
EXERCISE = re.compile(r"\\newlabel\{ex:\d+\}")


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def report(folder: Path) -> list:
    """[(name, teaching pages, appendix pages, exercises)] for every PDF in `folder` with an .aux."""
    rows = []
    for pdf in sorted(folder.glob("*.pdf")):
        aux = pdf.with_suffix(".aux")
        if not aux.is_file():
            continue
        text, total = aux.read_text(encoding="utf-8", errors="replace"), pages(pdf)
        m = START.search(text)
        start = int(m.group(1)) if m else total + 1
        rows.append((pdf.stem, start - 1, total - start + 1, len(EXERCISE.findall(text))))
    return rows


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python benchmarks/teaching_pages.py FOLDER_OF_COMPILED_NOTES", file=sys.stderr)
        return 2
    print(f"{'document':24} {'teaching pages':>14} {'appendix pages':>14} {'exercises':>9}")
    for name, teach, appendix, n in report(Path(args[0])):
        print(f"{name:24} {teach:14d} {appendix:14d} {n:9d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
