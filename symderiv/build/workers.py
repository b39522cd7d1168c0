"""Run independent tasks on all cores: forked worker processes, results in task order.

Tasks are closures (claims hold their checks as closures), so they are not pickled: the pool is
forked after `TASKS` is set, and a worker is sent only a task's index. Results must pickle.
With `jobs=1`, or where `fork` is not available, tasks run in this process, and their results
still make the round trip through pickle: SymPy rebuilds an expression from its arguments when
unpickling (a Piecewise merges equal pieces), so the output may not depend on where a task ran.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor, as_completed

TASKS: list = []


def _run(index: int):
    return TASKS[index]()


def run_tasks(tasks, jobs: int, done=None, order=None) -> list:
    """[task() for task in tasks], `jobs` at a time; `done(i)` is called as each task finishes.

    In parallel, tasks are started in `order` (indices; the longest first packs the cores best:
    a long task started last would run alone at the end); one at a time, in their own order."""
    global TASKS
    tasks = list(tasks)
    if jobs <= 1 or len(tasks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        out = []
        for i, task in enumerate(tasks):
            out.append(as_sent(task()))
            done and done(i)
        return out
    order = range(len(tasks)) if order is None else list(order)
    if sorted(order) != list(range(len(tasks))):
        raise ValueError("order must list every task once")
    TASKS = tasks
    results = [None] * len(tasks)
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {pool.submit(_run, i): i for i in order}
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
                done and done(futures[fut])
    finally:
        TASKS = []
    return results


def as_sent(value):
    """`value` as a worker process hands it back: pickled and unpickled."""
    return pickle.loads(pickle.dumps(value))


def default_jobs() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
