"""Worker processes: a task's result is the same whether it ran in this process or in a fork."""

import pickle

import sympy as sp

from symderiv.build.workers import run_tasks

x = sp.Symbol("x", real=True)


def _pieces():
    """A derivative as SymPy builds it: two equal pieces that unpickling merges into one."""
    return sp.Piecewise((0, x >= 6), (0, x <= 0), (1, True), evaluate=False)


def test_the_round_trip_changes_this_expression():
    """The reason for the round trip: without it, 1 and N workers print different derivatives."""
    assert pickle.loads(pickle.dumps(_pieces())) != _pieces()


def test_one_worker_and_two_workers_give_the_same_result():
    one = run_tasks([_pieces, _pieces], jobs=1)
    two = run_tasks([_pieces, _pieces], jobs=2)
    assert [sp.srepr(e) for e in one] == [sp.srepr(e) for e in two]
    assert len(one[0].args) == 2      # the merged form: (0, x >= 6 | x <= 0), (1, True)
