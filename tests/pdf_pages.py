"""Checks of a compiled PDF shared by the notes and slides tests: every page renders with ink, the
log has no missing glyph, undefined reference or overfull box wider than OVERFULL_PT."""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

HAVE_TEX = all(shutil.which(t) for t in ("xelatex", "xdvipdfmx", "pdftoppm", "pdfinfo", "pdftotext"))
OVERFULL_PT = 5.0
DPI = 20           # enough to see ink on a page, fast


def pgm_pixels(data: bytes) -> bytes:
    """The pixel bytes of a binary 8-bit PGM (P5) image."""
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert m and int(m.group(3)) == 255, data[:20]
    return data[m.end():]


def blank_pages(pdf, out) -> tuple:
    """(pages (1-based) of `pdf` that render without a single dark pixel at DPI dots per inch, pages rendered)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{pdf.stem}-pages-", dir=out))
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", str(pdf), str(folder / "p")], check=True, timeout=120)
    pages = sorted(folder.glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [i + 1 for i, p in enumerate(pages) if min(pgm_pixels(p.read_bytes())) > 245], len(pages)


def page_problems(doc, out) -> list:
    """Everything wrong with one Compiled document, as text (empty when it is clean)."""
    problems = list(doc.problems)
    problems += [line for pt, line in doc.overfull if pt > OVERFULL_PT]
    blank, rendered = blank_pages(doc.pdf, out)
    problems += [f"page {p} is blank" for p in blank]
    if rendered != doc.pages:
        problems.append(f"{rendered} pages rendered, the log says {doc.pages}")
    if "??" in pdf_text(doc.pdf):
        problems.append("'??' in the text (an undefined reference or a lost character)")
    return problems


def pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")


def page_size(pdf) -> tuple:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return float(w), float(h)
