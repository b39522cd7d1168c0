"""User-facing errors: the CLI prints their message on one line and exits 2."""

import difflib


class SymderivError(Exception):
    """Bad input from the user (unknown name, malformed expression, bad parameter, unwritable path)."""


def unknown(kind, name, valid):
    """A SymderivError for an unknown `name`, naming the closest valid names."""
    close = difflib.get_close_matches(name, sorted(valid), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; valid: {', '.join(sorted(valid))}"
    return SymderivError(f"unknown {kind} '{name}'{hint}")
