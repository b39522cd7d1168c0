"""Escaping user text (names, descriptions from `--spec`, seed quotes) for the files the build writes.

`latex_escape(text)`: safe in LaTeX text mode *and* inside math `\\text{...}`: every character
with a meaning to TeX is replaced by a command that prints it, so no user text can form a
control sequence (`\\input`, `\\include`, `\\write18`, `\\openout`, `\\catcode`, ...), open a group,
start math or a comment, or end a line. Control and format characters become a space. The
documents compile with XeLaTeX (Unicode input), so other characters stay as they are, except
Greek letters and a few mathematical symbols, which the text font lacks (printed in math), and
runs of Chinese or Japanese, wrapped in `\\cjkja{...}` (text with kana) or `\\cjkzh{...}`: the
templates set those in a CJK font.

>>> latex_escape(r"\\input{/etc/passwd} 100% $x_1$ & #~^")
'\\\\textbackslash{}input\\\\{/etc/passwd\\\\} 100\\\\% \\\\$x\\\\_1\\\\$ \\\\& \\\\#\\\\textasciitilde{}\\\\textasciicircum{}'
>>> latex_escape("测试阶段: α")
'\\\\cjkzh{测试阶段}: \\\\ensuremath{\\\\alpha}'

`py_string_escape(text)`: text safe inside a generated Python docstring or string literal
(backslashes, quotes and non-printable characters escaped), so a description cannot close the
docstring and inject code.

>>> py_string_escape('a\"\"\" + __import__(\"os\")')
'a\\\\\"\\\\\"\\\\\" + __import__(\\\\\"os\\\\\")'
"""

from __future__ import annotations

import unicodedata

from sympy.printing.latex import tex_greek_dictionary
from sympy.printing.pretty.pretty_symbology import greek_unicode

LATEX = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
MATH = {ch: tex_greek_dictionary.get(name, "\\" + name) for name, ch in greek_unicode.items()} | {
    "≪": r"\ll", "≫": r"\gg", "≤": r"\leq", "≥": r"\geq", "≈": r"\approx", "≠": r"\neq", "→": r"\to",
    "∞": r"\infty", "∂": r"\partial", "∑": r"\sum", "√": r"\surd", "−": "-", "∈": r"\in"}
CJK = ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
       (0x20000, 0x2FA1F))   # radicals, kana, ideographs, Hangul, compatibility and full-width forms
KANA = (0x3040, 0x30FF)


def is_cjk(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in CJK)


def cjk_macro(text: str) -> str:
    r"""`\cjkja` for text with kana (Japanese), else `\cjkzh`."""
    return r"\cjkja" if any(KANA[0] <= ord(ch) <= KANA[1] for ch in text) else r"\cjkzh"


def _latex_char(ch: str) -> str:
    if ch in LATEX:
        return LATEX[ch]
    if " " <= ch <= "~":
        return ch
    if unicodedata.category(ch)[0] in "CZ":
        return " "
    if ch in MATH:
        return r"\ensuremath{%s}" % MATH[ch]
    return ch


def latex_escape(text: str) -> str:
    """`text` with every TeX-special character printed literally (see module docstring)."""
    text = str(text)
    macro, out, run = cjk_macro(text), [], []
    for ch in text + " ":
        if is_cjk(ch):
            run.append(ch)
            continue
        if run:
            out.append(macro + "{" + "".join(run) + "}")
            run = []
        out.append(_latex_char(ch))
    return "".join(out)[:-1]


def py_string_escape(text: str) -> str:
    """`text` safe inside a Python string literal or docstring of either quote style."""
    out = []
    for ch in str(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch in "\"'":
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)
