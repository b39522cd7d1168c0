"""The top layer: lecture projects, the cached parallel build, writing files, compiling notes.

The only layer that knows about files and processes.
"""

from symderiv.build.files import check_out, hand_edited, obsolete, stale, write_all
from symderiv.build.pipeline import REGENERATE, Build, Settings, build, provenance, render

__all__ = ["Build", "REGENERATE", "Settings", "build", "check_out", "hand_edited", "obsolete", "provenance", "render",
           "stale", "write_all"]
