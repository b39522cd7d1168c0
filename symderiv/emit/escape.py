"""Escaping user text (names, descriptions from `--spec`) for the files the build writes.

`latex_escape(text)`: safe in LaTeX text mode *and* inside math `\\text{...}`: every character
with a meaning to TeX is replaced by a command that prints it, so no user text can form a
control sequence (`\\input`, `\\include`, `\\write18`, `\\openout`, `\\catcode`, ...), open a group,
start math or a comment, or end a line. Control and format characters become a space;
characters outside printable ASCII and Latin-1 letters become `?` (pdflatex cannot typeset
arbitrary Unicode with a stock preamble).

>>> latex_escape(r"\\input{/etc/passwd} 100% $x_1$ & #~^")
'\\\\textbackslash{}input\\\\{/etc/passwd\\\\} 100\\\\% \\\\$x\\\\_1\\\\$ \\\\& \\\\#\\\\textasciitilde{}\\\\textasciicircum{}'

`py_string_escape(text)`: text safe inside a generated Python docstring or string literal
(backslashes, quotes and non-printable characters escaped), so a description cannot close the
docstring and inject code.

>>> py_string_escape('a\"\"\" + __import__(\"os\")')
'a\\\\\"\\\\\"\\\\\" + __import__(\\\\\"os\\\\\")'
"""

from __future__ import annotations

import unicodedata

LATEX = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}


def _latex_char(ch: str) -> str:
    if ch in LATEX:
        return LATEX[ch]
    if " " <= ch <= "~":
        return ch
    if unicodedata.category(ch)[0] in "CZ":
        return " "
    if ch.isalpha() and ord(ch) <= 0xFF:
        return ch   # Latin-1 letters (é, ü): utf8 input + T1/OT1 handle them
    return "?"


def latex_escape(text: str) -> str:
    """`text` with every TeX-special character printed literally (see module docstring)."""
    return "".join(_latex_char(ch) for ch in str(text))


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
