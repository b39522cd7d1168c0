"""Packages: symderiv's own, plus the repository's lecture set (top-level `derivations/`), which
ships in the wheel as `symderiv.lectures` so that `symderiv build` outside a project builds it.
Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["symderiv", "symderiv.*"]) + ["symderiv.lectures"],
      package_dir={"symderiv.lectures": "derivations"})
