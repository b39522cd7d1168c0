"""The examples in the package's docstrings run and print what they say (doctest), so the next
engineer can trust them. The generated kernels' examples are run in test_kernels."""

import doctest
import importlib
import pkgutil

import pytest

import symderiv

MODULES = sorted(m.name for m in pkgutil.walk_packages(symderiv.__path__, "symderiv.")
                 if not m.name.endswith("__main__"))   # a __main__ runs its command on import


def test_the_modules_are_found():
    assert {"symderiv.calculus.network", "symderiv.emit.numpy_kernels", "symderiv.cli"} <= set(MODULES)


def _has_examples(name):
    return any(t.examples for t in doctest.DocTestFinder().find(importlib.import_module(name)))


@pytest.mark.parametrize("name", [m for m in MODULES if _has_examples(m)])
def test_docstring_examples_run(name):
    failed, attempted = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, report=False)
    assert attempted and not failed, f"{failed} of {attempted} examples in {name} fail (python -m doctest -v)"


def test_a_wrong_example_is_caught():
    module = type(doctest)("example")
    module.__doc__ = ">>> 1 + 1\n3\n"
    assert doctest.testmod(module, report=False).failed == 1
