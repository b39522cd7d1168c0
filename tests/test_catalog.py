import pytest
import sympy as sp

from symderiv.catalog import BUILTIN, load_catalog
from symderiv.errors import SymderivError

REQUIRED = """identity sigmoid tanh relu leaky_relu prelu rrelu elu softplus softsign hardtanh swish silu maxout
softmax selu celu gelu gelu_tanh mish hardsigmoid hardswish logsigmoid log_softmax half_squared_error mse
cross_entropy binary_cross_entropy_with_logits l1 l2 dropout dropout_seed glorot_normal glorot_uniform
he_normal he_uniform""".split()


def test_required_entries_present():
    names = load_catalog().names()
    assert sorted(set(REQUIRED) - set(names)) == []


@pytest.mark.parametrize("entry", BUILTIN, ids=lambda e: e.name)
def test_entries_are_real_and_documented(entry):
    assert entry.description and entry.reference
    symbols = entry.expr.free_symbols
    assert all(s.is_real for s in symbols), symbols
    for p in entry.params:
        p.validate(p.default, entry.name)


def test_unknown_name_suggests_close_ones():
    with pytest.raises(SymderivError, match="did you mean.*relu"):
        load_catalog().get("rleu")


def test_parameter_out_of_range_is_refused():
    with pytest.raises(SymderivError, match="alpha"):
        load_catalog().get("elu").defaults(alpha=-1.0)
    with pytest.raises(SymderivError, match="parameter"):
        load_catalog().get("elu").defaults(beta=1.0)


def test_defaults_are_exact():
    subs = load_catalog().get("leaky_relu").defaults()
    assert list(subs.values()) == [sp.Rational(1, 100)]
