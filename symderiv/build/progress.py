"""Progress of long commands: a bar per stage (what runs, how far, time left) on a terminal only.

`Progress(show=False)` prints nothing (stdout not a terminal, or --quiet); `verbose` adds one line
per stage on stderr (tasks served from the cache and run), whether or not it is a terminal.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from tqdm import tqdm


@dataclass(frozen=True)
class Progress:
    show: bool = False
    verbose: bool = False

    @staticmethod
    def for_terminal(quiet: bool = False, verbose: bool = False) -> "Progress":
        """Bars when both stdout and stderr are terminals and not `quiet`."""
        tty = sys.stdout.isatty() and sys.stderr.isatty()
        return Progress(show=tty and not quiet, verbose=verbose and not quiet)

    def bar(self, label: str, todo: int, cached: int) -> "_Bar":
        return _Bar(self, label, todo, cached)

    def say(self, text: str) -> None:
        if self.verbose:
            print(f"symderiv: {text}", file=sys.stderr, flush=True)


class _Bar:
    def __init__(self, progress: Progress, label: str, todo: int, cached: int):
        self.progress, self.label, self.todo, self.cached = progress, label, todo, cached
        self.start = time.monotonic()
        self.tqdm = tqdm(total=todo, desc=f"{label} ({cached} cached)", unit="task", file=sys.stderr,
                         leave=False, dynamic_ncols=True) if progress.show and todo else None

    def step(self, name) -> None:
        if self.tqdm is not None:
            self.tqdm.update(1)

    def close(self, slowest=()) -> None:
        """Close the bar; `slowest` [(CPU seconds, task name)] is named in the verbose line."""
        if self.tqdm is not None:
            self.tqdm.close()
        top = ", ".join(f"{name} {sec:.1f} s" for sec, name in slowest)
        self.progress.say(f"{self.label}: {self.cached} from the cache, {self.todo} run "
                          f"in {time.monotonic() - self.start:.1f} s" + (f" (slowest: {top})" if top else ""))
