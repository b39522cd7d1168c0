"""NumPy code from SymPy: the one place the NumPy printer is chosen and configured.

Two steps turn a SymPy expression into stable NumPy source:

1. `stabilize(expr, variables)` rewrites the mathematics (SymPy in, SymPy out):
   - a rational function of one exponential ``exp(u)`` that stays bounded (sigmoid, its
     derivatives, softplus' and the tanh of mish / the tanh-GELU) is evaluated on both sides of
     ``u = 0`` with ``z = exp(-|u|)`` in (0, 1], so no exponential overflows and no tail cancels
     (``sigmoid(x) = 1/(1 + z)`` for x >= 0, ``z/(1 + z)`` otherwise); a logarithm of one becomes
     ``|u|`` plus ``log1p`` terms (softplus = max(u, 0) + log1p(exp(-|u|)), log-sigmoid, BCE);
   - ``1 + erf(u)`` becomes ``erfc(-u)`` (the exact GELU's left tail);
   - SymPy's own ``expm1``/``log1p`` rewrites (``sympy.codegen.rewriting``);
   - a Piecewise whose default branch cannot carry a nan, and a result free of an input, keep
     that input's nan (`KeepNan`), so nan in gives nan out (relu'(nan) and identity'(nan) are nan,
     not 1); step functions become sums of values times boolean masks (no numpy.where);
   - for kernels (`select=True`), the other Piecewise too: clips, and branches on their own
     intervals times masks (`symderiv.emit.piecewise_rules`).
2. `StableNumPyPrinter` prints it: nested ``numpy.where`` for a Piecewise left (never
   ``numpy.select``), constants as plain Python floats (weak scalars: float32 stays float32; masks
   last in a product, so a constant never meets a boolean array alone), small integer powers as
   products, comparisons and logic as Python operators (``x < 0``, ``&``), which on arrays are
   NumPy's ufuncs; `StableNumPyPrinter.into` writes a kernel's last operation into `out`.

`kernel_source(exprs, variables)` runs both and `sympy.cse` for a kernel body.
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p
from sympy.codegen.rewriting import expm1_opt, log1p_opt, optimize
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.str import StrPrinter

from symderiv.emit.piecewise_rules import Clip, Mask, branch_free, clip_rule

SETTINGS = {"fully_qualified_modules": True, "allow_unknown_functions": False}
_Z = sp.Symbol("_z", positive=True)       # exp(-|u|), in (0, 1]
_A = sp.Symbol("_a", nonnegative=True)    # |u|
_E = sp.Symbol("_e", positive=True)       # exp(u)


class ExpNegAbs(sp.Function):
    """exp(-|u|), kept opaque so SymPy does not fold it back into exp(|u|) terms that overflow."""

    is_real = True
    is_positive = True
    bounded = True   # in (0, 1] for every u (`piecewise_rules` needs no clip for it)

    @classmethod
    def eval(cls, u):
        if u.could_extract_minus_sign():
            return cls(-u)
        return None


class Erfc(sp.Function):
    """erfc kept as written: SymPy evaluates erfc(-u) to 2 - erfc(u), the cancellation `_erfc_rule` removes."""

    is_real = True
    bounded = True   # in [0, 2]


class AxisSum(sp.Function):
    """sum over the kernel's `axis` of an array expression, kept as a length-1 axis (axis entries)."""

    is_real = True


class AxisLogSumExp(sp.Function):
    """log sum exp(u) over the kernel's `axis` with the max shifted out (`_logsumexp`), kept as a length-1 axis."""

    is_real = True


class ZeroTimes(sp.Function):
    """t*u, but 0 where t = 0 even if u = -inf (0 log 0 = 0: a class the target does not hold adds nothing)."""

    is_real = True


class KeepNan(sp.Function):
    """`expr` with nan where one of the inputs after it is nan (identity'(x) = 1 still gives nan for x = nan)."""


class StableNumPyPrinter(NumPyPrinter):
    """SymPy's NumPy printer with the overrides numerically sound kernels need."""

    def _print_Piecewise(self, expr):
        """Nested numpy.where, not numpy.select (which needs every branch as a full array and a default)."""
        *pieces, (last, cond) = expr.args
        text = self._print(last) if cond == sp.true else f"numpy.where({self._print(cond)}, {self._print(last)}, numpy.nan)"
        for e, c in reversed(pieces):
            text = f"numpy.where({self._print(c)}, {self._print(e)}, {text})"
        return text

    def _print_Float(self, expr):
        """The shortest repr of the float64 value: a weak Python scalar, so float32 stays float32."""
        return repr(float(expr))

    def _print_Pow(self, expr, rational=False):
        """Small integer powers as products and 1/x (numpy.power with a float exponent is slow)."""
        base, e = expr.args
        if e.is_Integer and abs(int(e)) == 2 and not base.is_Atom:
            # numpy.square: the base is computed once (a product would print, and compute, it twice)
            return f"numpy.square({self._print(base)})" if e > 0 else f"(1/numpy.square({self._print(base)}))"
        if e.is_Integer and 1 <= abs(int(e)) <= 4:
            prod = "*".join([self.parenthesize(base, 51)] * abs(int(e)))
            return f"({prod})" if e > 0 else f"(1/({prod}))"
        return super()._print_Pow(expr, rational=rational)

    def _print_erf(self, expr):
        """The kernel module's `_erf` (vectorised NumPy, `symderiv.emit.kernel_erf`)."""
        return f"_erf({self._print(expr.args[0])})"

    def _print_Erfc(self, expr):
        """The kernel module's `_erfc` (see `Erfc`)."""
        return f"_erfc({self._print(expr.args[0])})"

    def _print_erfc(self, expr):
        """The kernel module's `_erfc` (vectorised NumPy, `symderiv.emit.kernel_erf`)."""
        return f"_erfc({self._print(expr.args[0])})"

    def _print_ExpNegAbs(self, expr):
        """exp(-|u|) in (0, 1]: the one exponential of a two-sided (stable sigmoid-type) formula never overflows."""
        return f"numpy.exp(-numpy.abs({self._print(expr.args[0])}))"

    def _print_Clip(self, expr):
        """numpy.clip(u, low, high) (one pass, cheaper than numpy.maximum on random signs); one-sided:
        numpy.maximum(u, low) or numpy.minimum(u, high)."""
        u, low, high = expr.args
        if high == sp.oo:
            return f"numpy.maximum({self._print(u)}, {self._print(low)})"
        if low == -sp.oo:
            return f"numpy.minimum({self._print(u)}, {self._print(high)})"
        return f"numpy.clip({self._print(u)}, {self._print(low)}, {self._print(high)})"

    def _print_KeepNan(self, expr):
        """A result that does not depend on an input still turns nan where that input is nan (`_keep_nan`)."""
        return f"_keep_nan({', '.join(self._print(a) for a in expr.args)})"

    def _print_Mask(self, expr):
        """A condition as a boolean array factor: no per-element branch, unlike numpy.where."""
        return f"({self._print(expr.args[0])})"

    def _print_Mul(self, expr):
        """A product with masks: the masks last, so Python's left-to-right evaluation multiplies the
        float arrays first (a float constant times a boolean mask would make float64)."""
        masks = [f for f in expr.args if isinstance(f, Mask)]
        if not masks or len(masks) == len(expr.args):
            return super()._print_Mul(expr)
        rest = sp.Mul(*[f for f in expr.args if not isinstance(f, Mask)])
        return "*".join([self.parenthesize(rest, 50)] + [self._print(m) for m in masks])

    def _print_Max(self, expr):
        """Nested binary numpy.maximum (SymPy's default stacks the operands for numpy.amax); keeps nan."""
        return self._logical("numpy.maximum", expr.args)

    def _print_Min(self, expr):
        """Nested binary numpy.minimum (see `_print_Max`); min(max(u, a), b) as numpy.clip(u, a, b)."""
        inner = [a for a in expr.args if isinstance(a, sp.Max) and len(a.args) == 2]
        if len(expr.args) == 2 and len(inner) == 1:
            high = next(a for a in expr.args if a is not inner[0])
            low = [a for a in inner[0].args if not a.has(*high.free_symbols | {sp.Symbol("_")}) and a.is_number]
            if high.is_number and len(low) == 1:
                u = next(a for a in inner[0].args if a is not low[0])
                return self._print(Clip(u, low[0], high))
        return self._logical("numpy.minimum", expr.args)

    def _print_Relational(self, expr):
        """`x < 0` rather than numpy.less(x, 0): on arrays NumPy's operators are those ufuncs."""
        return f"{self.parenthesize(expr.lhs, 35)} {expr.rel_op} {self.parenthesize(expr.rhs, 35)}"

    def _print_And(self, expr):
        """`(a) & (b)`: the elementwise operator, binary (numpy.logical_and.reduce would stack the operands)."""
        return " & ".join(self._operand(a) for a in sorted(expr.args, key=sp.default_sort_key))

    def _print_Or(self, expr):
        """`(a) | (b)` (see `_print_And`)."""
        return " | ".join(self._operand(a) for a in sorted(expr.args, key=sp.default_sort_key))

    def _print_Not(self, expr):
        """`~(a)`: elementwise not of a boolean array."""
        return f"~{self._operand(expr.args[0])}"

    def _operand(self, cond):
        """A condition as an operand of & | ~ (which bind tighter than comparisons): parenthesised unless a name."""
        return self._print(cond) if cond.is_Symbol else f"({self._print(cond)})"

    def _logical(self, fn, args):
        """fn(fn(a, b), c): the arrays first (numpy.maximum(x, 0) is faster than numpy.maximum(0, x))."""
        args = sorted(args, key=lambda a: (a.is_number, sp.default_sort_key(a)))
        text = self._print(args[0])
        for a in args[1:]:
            text = f"{fn}({text}, {self._print(a)})"
        return text

    def _print_AxisLogSumExp(self, expr):
        """The runtime's `_logsumexp(u, axis)`: max-shifted, no overflow for logits of 1e4."""
        return f"_logsumexp({self._print(expr.args[0])}, axis)"

    def _print_ZeroTimes(self, expr):
        """The runtime's `_zero_times(t, u)` (see `ZeroTimes`)."""
        return f"_zero_times({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_AxisSum(self, expr):
        """A sum over the kernel's `axis`, kept as a length-1 axis so it broadcasts back (axis entries)."""
        return f"numpy.sum({self._print(expr.args[0])}, axis=axis, keepdims=True)"

    def _print_Abs(self, expr):
        """numpy.abs rather than the builtin abs, so the call is visibly a ufunc."""
        return f"numpy.abs({self._print(expr.args[0])})"


    def into(self, expr, target):
        """`expr` with its last operation written into the array `target` (a ufunc's `out=`), so the
        kernel's result needs no copy; an operation without `out=` prints as usual (the caller copies)."""
        if isinstance(expr, KeepNan):
            return f"_keep_nan({self.into(expr.args[0], target)}, {', '.join(self._print(a) for a in expr.args[1:])})"
        if expr.is_Symbol:
            return f"numpy.positive({self._print(expr)}, out={target})"
        ufunc = _INTO.get(type(expr))
        if ufunc and len(expr.args) == 1:
            return f"{ufunc}({self._print(expr.args[0])}, out={target})"
        if isinstance(expr, (sp.Max, sp.Min)) and len(expr.args) == 2:
            a, b = sorted(expr.args, key=lambda e: (e.is_number, sp.default_sort_key(e)))
            return f"numpy.{'maximum' if isinstance(expr, sp.Max) else 'minimum'}({self._print(a)}, {self._print(b)}, out={target})"
        if isinstance(expr, Clip) and not any(e.is_infinite for e in expr.args[1:]):
            return f"numpy.clip({', '.join(self._print(a) for a in expr.args)}, out={target})"
        if isinstance(expr, sp.Pow) and expr.exp == 2 and not expr.base.is_Atom:
            return f"numpy.square({self._print(expr.base)}, out={target})"
        if isinstance(expr, sp.Pow) and expr.exp == -1:
            return f"numpy.divide(1.0, {self._print(expr.base)}, out={target})"
        if isinstance(expr, sp.Add):
            *rest, last = expr.as_ordered_terms()
            negative = [t for t in expr.as_ordered_terms() if t.could_extract_minus_sign()]
            if negative and len(expr.args) > 1:   # a - b: numpy.subtract, no negation pass
                rest = [t for t in expr.as_ordered_terms() if t is not negative[-1]]
                return f"numpy.subtract({self._print(sp.Add(*rest, evaluate=False))}, {self._print(-negative[-1])}, out={target})"
            return f"numpy.add({self._print(sp.Add(*rest, evaluate=False))}, {self._print(last)}, out={target})"
        if isinstance(expr, sp.Mul):
            num, den = sp.fraction(expr)
            if den != 1 and not den.is_number:
                return f"numpy.divide({self._print(num)}, {self._print(den)}, out={target})"
            if expr.args[0] == -1:
                return f"numpy.negative({self._print(-expr)}, out={target})"
            factors = expr.as_ordered_factors()   # as printed: ((a*b)*c), the last product into `target`
            *rest, last = [f for f in factors if not isinstance(f, Mask)] + [f for f in factors if isinstance(f, Mask)]
            return f"numpy.multiply({self._print(sp.Mul(*rest, evaluate=False))}, {self._print(last)}, out={target})"
        return self._print(expr)


_INTO = {sp.exp: "numpy.exp", sp.log: "numpy.log", expm1: "numpy.expm1", log1p: "numpy.log1p", sp.tanh: "numpy.tanh",
         sp.cosh: "numpy.cosh", sp.Abs: "numpy.abs"}


class FormulaPrinter(StrPrinter):
    """Docstring text of a (stabilized) expression: what the kernel computes, in plain notation."""

    def _print_Float(self, expr):
        """The float64 value's shortest repr, not 30 digits."""
        return repr(float(expr))

    def _print_Abs(self, expr):
        """|u|."""
        return f"|{self._print(expr.args[0])}|"

    def _print_ExpNegAbs(self, expr):
        """exp(-|u|), the one exponential of a two-sided formula."""
        return f"exp(-|{self._print(expr.args[0])}|)"

    def _print_Erfc(self, expr):
        """erfc(u) (the wrapper only stops SymPy's evaluation)."""
        return f"erfc({self._print(expr.args[0])})"

    def _print_Clip(self, expr):
        """clip(u, low, high)."""
        return f"clip({', '.join(self._print(a) for a in expr.args)})"

    def _print_KeepNan(self, expr):
        """The value itself: keeping nan is the kernel's business, not the formula's."""
        return self._print(expr.args[0])

    def _print_AxisLogSumExp(self, expr):
        """lse(u) = log sum exp(u) over the axis."""
        return f"lse({self._print(expr.args[0])})"

    def _print_ZeroTimes(self, expr):
        """t*u (0 where t = 0)."""
        return f"{self._print(expr.args[0])}*{self.parenthesize(expr.args[1], 50)}"

    def _print_AxisSum(self, expr):
        """sum(u): over the axis."""
        return f"sum({self._print(expr.args[0])})"

    def _print_Mask(self, expr):
        """[condition], Iverson's bracket: 1 where it holds, else 0."""
        return f"[{self._print(expr.args[0])}]"


def docstring_safe(text) -> str:
    """Text safe inside a triple-quoted docstring."""
    return str(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def numpy_into(expr, target="out") -> str:
    """`expr` as NumPy source whose last operation writes into `target` (`StableNumPyPrinter.into`)."""
    return StableNumPyPrinter(SETTINGS).into(fold_constants(expr), target)


def formula_text(expr) -> str:
    """`expr` as docstring text (`FormulaPrinter`): floats short, |u|, Iverson brackets."""
    if isinstance(expr, sp.MatrixBase):
        return "[" + ", ".join(formula_text(e) for e in expr) + "]"
    return FormulaPrinter({"order": "none"}).doprint(expr)


def fold_constants(expr):
    """Numeric subexpressions (sqrt(2)/sqrt(pi), 40-digit Floats) as one Float each (weak scalars in NumPy)."""
    def numeric(e):
        return e.is_number and not e.is_Integer and not e.is_Rational and not isinstance(e, sp.Float)

    return expr.replace(lambda e: numeric(e) and e.is_real, lambda e: sp.Float(e.evalf(30), 30))


def to_numpy(expr, stable=False, variables=()) -> str:
    """An expression as NumPy source (`numpy.` prefixed), printed by `StableNumPyPrinter`.

    With `stable=True` the mathematics is first rewritten by `stabilize` (see the module docstring);
    `variables` are the inputs whose nan must propagate. erf/erfc print as `_erf`/`_erfc`, which the
    calling module defines (the kernel modules do: `symderiv.emit.kernel_erf`).
    """
    if isinstance(expr, sp.MatrixBase):
        return "[" + ", ".join(to_numpy(e, stable, variables) for e in expr) + "]"
    if stable:
        expr = stabilize(expr, variables)
    return StableNumPyPrinter(SETTINGS).doprint(fold_constants(expr))


# ----- stabilize: rewrites of the mathematics -------------------------------------------------

def stabilize(expr, variables=(), two_sided=True, one_sided=False, select=False):
    """`expr` rewritten for floating point (see the module docstring); equal as mathematics.

    `two_sided=False` skips the exp(-|u|) rewrite (the caller checks that the direct form is accurate:
    1/(1 + exp(-x)) is, once its overflow warning is silenced; exp(x)/(1 + exp(x))^2 is not).
    `select=True` (kernels) turns a Piecewise of the `variables` into a branch-free sum (`piecewise_rules.branch_free`).
    """
    expr = _erfc_rule(_fold_numbers(expr))
    expr = expr.replace(lambda e: isinstance(e, sp.Piecewise), clip_rule)
    if two_sided:
        expr = _map_pieces(expr, _two_sided)
    else:
        expr = _sech_rule(expr)
        if one_sided:
            expr = _map_pieces(expr, _one_sided)
    opt = optimize(expr, [expm1_opt, log1p_opt])
    if _count(opt, expm1, log1p) > _count(expr, expm1, log1p):
        expr = opt   # else keep `expr`: optimize also expands, (1 + z)**2 -> z**2 + 2*z + 1 costs two ufuncs
    if select and variables:
        expr = expr.replace(lambda e: isinstance(e, sp.Piecewise), lambda pw: branch_free(pw, variables))
    return _nan_branch(expr, variables)


def _count(expr, *funcs):
    return sum(1 for e in sp.preorder_traversal(expr) if isinstance(e, funcs))


def _sech_rule(expr):
    """c - c*tanh(u)**2 -> c/cosh(u)**2: no cancellation where tanh(u)**2 is near 1 (tanh', 3 ufuncs).

    Only for the direct formulation (`two_sided=False`), which the emitter keeps only if accurate:
    cosh overflows to inf for |u| > 710, and 1/inf = 0 is the (underflowed) value."""
    def rule(add):
        for term in add.args:
            c, rest = term.as_coeff_Mul()
            if isinstance(rest, sp.Pow) and rest.exp == 2 and isinstance(rest.base, sp.tanh) and -c in add.args:
                others = [a for a in add.args if a not in (term, -c)]
                return sp.Add(*others, -c / sp.cosh(rest.base.args[0]) ** 2)
        return add

    return expr.replace(lambda e: isinstance(e, sp.Add) and e.has(sp.tanh), rule)


def _fold_numbers(expr):
    """c*Piecewise((a, p), (b, True)) -> Piecewise((c*a, p), (c*b, True)) for a number c: one rounding
    of the constants (selu: scale*alpha as one float, exact at -inf) and no more ufunc passes."""
    def numeric_times_piecewise(e):
        return (isinstance(e, sp.Mul) and len(e.args) == 2 and e.args[0].is_number
                and isinstance(e.args[1], sp.Piecewise))

    return expr.replace(numeric_times_piecewise,
                        lambda e: sp.Piecewise(*[(e.args[0] * v, c) for v, c in e.args[1].args], evaluate=False))


def _map_pieces(expr, fn):
    """Apply `fn` to each branch of a Piecewise (or to `expr`), leaving conditions alone."""
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*[(_map_pieces(e, fn), c) for e, c in expr.args], evaluate=False)
    if expr.has(sp.Piecewise) and isinstance(expr, (sp.Add, sp.Mul)):
        return expr.func(*[_map_pieces(a, fn) for a in expr.args])
    return fn(expr)


def _erfc_rule(expr):
    """c*erf(u) + c -> c*erfc(-u) and c - c*erf(u) -> c*erfc(u): no cancellation in erf's tails."""
    def rule(add):
        terms = list(add.args)
        for term in terms:
            c, rest = term.as_coeff_Mul()
            if isinstance(rest, sp.erf) or (isinstance(rest, sp.Mul) and any(isinstance(f, sp.erf) for f in rest.args)):
                coeff, f = _split_erf(term)
                if coeff is not None and coeff in terms:
                    terms.remove(coeff), terms.remove(term)
                    return sp.Add(*terms, coeff * Erfc(-f.args[0]))
                if coeff is not None and -coeff in terms:
                    terms.remove(-coeff), terms.remove(term)
                    return sp.Add(*terms, -coeff * Erfc(f.args[0]))
        return add

    return expr.replace(lambda e: isinstance(e, sp.Add) and e.has(sp.erf), rule)


def _split_erf(term):
    """(c, erf(u)) if `term` is c*erf(u) with c a number, else (None, None)."""
    factors = sp.Mul.make_args(term)
    erfs = [f for f in factors if isinstance(f, sp.erf)]
    rest = sp.Mul(*[f for f in factors if not isinstance(f, sp.erf)])
    if len(erfs) == 1 and rest.is_number:
        return rest, erfs[0]
    return None, None


def _exp_base(expr):
    """(u, {exp atom: k}) if every exponential in `expr` is exp(k*u) for integers k, else None."""
    atoms = sorted(expr.atoms(sp.exp), key=sp.default_sort_key)
    if not atoms:
        return None
    u = atoms[0].args[0]
    ks = {}
    for a in atoms:
        k = sp.cancel(a.args[0] / u)
        if not (k.is_Integer and k != 0):
            return None
        ks[a] = int(k)
    if min(ks.values()) < 0 and max(ks.values()) < 0:
        u, ks = -u, {a: -k for a, k in ks.items()}
    return u, ks


def _two_sided(expr, one_sided=False):
    """A bounded function of exp(u) as Piecewise((f(1/z), u >= 0), (f(z), True)) with z = exp(-|u|).

    `one_sided=True`: the u >= 0 side alone with z = exp(-u), no abs and no branch (softplus' =
    1/(1 + exp(-x)); the emitter keeps it only where it is accurate on both tails)."""
    if not expr.has(sp.exp, sp.tanh, sp.cosh, sp.sinh):
        return expr
    in_tail = _tanh_in_tail(expr)

    def to_exp(e):
        """tanh in a tail-cancelling sum or of an exp/log; cosh and sinh always (log(cosh(u)) overflows)."""
        return (isinstance(e, sp.tanh) and (in_tail or e.args[0].has(sp.exp, sp.log))) or isinstance(e, (sp.cosh, sp.sinh))

    rewritten = expr.replace(to_exp, lambda e: e.rewrite(sp.exp))
    base = _exp_base(rewritten)
    if base is None:
        return expr
    u, ks = base
    in_e = rewritten.xreplace({a: _E ** k for a, k in ks.items()})
    if in_e.has(sp.exp) or u.has(sp.Piecewise):
        return expr
    sides = []
    for e_of_z in (1 / _Z, _Z):
        side = _side(in_e.subs(_E, e_of_z))
        if side is None:
            return expr
        sides.append(side)
    if one_sided:   # the side whose numerator is free of z if one is: 1/(1 + z), not z/(1 + z) (inf/inf)
        tops = [sp.fraction(sp.together(s))[0].has(_Z) for s in sides]
        if tops[0] and not tops[1]:
            return sides[1].xreplace({_Z: sp.exp(u), _A: -u})
        return sides[0].xreplace({_Z: sp.exp(-u), _A: u})
    z, a = ExpNegAbs(u), sp.Abs(u)
    slope = sp.cancel((sides[0] - sides[1]) / _A)
    if not slope.has(_Z, _A) and (slope.is_positive or slope.is_negative):
        # pos = neg + c|u| with c of known sign: neg + c max(u, 0), no numpy.where (softplus, log-sigmoid);
        # positive factors of u move out of the max, so c*beta cancels and beta*x cannot overflow
        scale = sp.Mul(*[f for f in sp.Mul.make_args(u) if f.is_positive])
        if slope.is_negative:   # c max(v, 0) = -c min(-v, 0): log-sigmoid is min(x, 0) - ..., two negations fewer
            return sides[1].xreplace({_Z: z, _A: a}) - slope * scale * sp.Min(-u / scale, 0)
        return sides[1].xreplace({_Z: z, _A: a}) + slope * scale * sp.Max(u / scale, 0)
    pos, neg = (s.xreplace({_Z: z, _A: a}) for s in sides)
    if pos == neg:
        return pos   # symmetric (sigmoid', tanh'): no numpy.where
    return sp.Piecewise((pos, u >= 0), (neg, True), evaluate=False)


def _one_sided(expr):
    """`_two_sided(expr, one_sided=True)` where that is no longer than `expr` (it never helps a long tanh form)."""
    new = _two_sided(expr, one_sided=True)
    return new if sp.count_ops(new) <= sp.count_ops(expr) else expr


def _tanh_in_tail(expr):
    """tanh appears in a sum with a constant (1 + tanh(v), 1 - tanh(v)^2): cancellation in the tails."""
    return any(isinstance(t, sp.Add) and t.has(sp.tanh) for t in sp.preorder_traversal(expr))


def _side(expr):
    """`expr` (in z = exp(-|u|)) as a rational function bounded at z = 0, logs split; None if unbounded or cancelling."""
    logs = sorted(expr.atoms(sp.log), key=sp.default_sort_key)
    repl = {}
    for lg in logs:
        if not lg.has(_Z):
            continue
        split = sp.expand_log(sp.log(sp.factor(sp.together(lg.args[0]))), force=True)
        split = split.subs(sp.log(_Z), -_A)
        if split.has(sp.log(_Z)):
            return None
        repl[lg] = split
    expr = expr.xreplace(repl)
    rational = expr.replace(lambda e: isinstance(e, sp.log), lambda e: sp.Dummy())
    num, den = sp.fraction(sp.cancel(sp.together(expr)))
    if sp.Poly(den, _Z).eval(0) == 0 if den.has(_Z) else False:
        return None
    if rational.has(_Z) and _mixed_signs(num, den):
        return None
    return _compact(expr)


def _mixed_signs(num, den):
    """A numerator or denominator in z whose numeric coefficients have both signs cancels near a root."""
    for p in (num, den):
        if not p.has(_Z) or p.has(sp.log):
            continue
        coeffs = [c for c in sp.Poly(sp.expand(p), _Z).coeffs() if c.is_number]
        if any(c > 0 for c in coeffs) and any(c < 0 for c in coeffs):
            return True
    return False


def _compact(expr):
    """`expr` as sum_k c_k log_k + r with each c_k and r (rational in z) cancelled and factored."""
    logs = sorted(expr.atoms(sp.log), key=sp.default_sort_key)
    parts = sp.collect(sp.expand(expr), logs, evaluate=False) if logs else {sp.S.One: expr}
    out = []
    for key in [*logs, sp.S.One]:
        c = parts.get(key)
        if c is not None:   # no 1/z left; products, not sums that cancel (together first: expanding 1/z nests is slow)
            out.append(sp.factor(sp.cancel(sp.together(c))) * key)
    return sp.Add(*out)


def _nan_branch(expr, variables):
    """A Piecewise whose default branch lacks a variable its conditions test keeps that variable's nan.

    `KeepNan` (`_keep_nan` in the kernels: an isnan test, a numpy.where only where a nan occurs)
    rather than a nan branch: numpy.where costs ~4 ns per element on random signs."""
    def rule(pw):
        *pieces, (last, cond) = pw.args
        tested = set().union(*[c.free_symbols for _, c in pieces]) & set(variables)
        if cond != sp.true or tested <= last.free_symbols:
            return pw
        rest = sp.And(*[sp.to_nnf(sp.Not(c)) for _, c in pieces])
        values = [e for e, _ in pieces] + [last]
        if all(not v.has(*variables) and (v == 0 or v.free_symbols) for v in values) and any(v != 0 for v in values):
            return _step_sum(pieces, last, rest, sorted(tested, key=sp.default_sort_key))
        return KeepNan(sp.Piecewise(*pieces, (last, True), evaluate=False), *sorted(tested, key=sp.default_sort_key))

    expr = expr.replace(lambda e: isinstance(e, sp.Piecewise), rule)
    for v in variables:
        if not expr.has(v):
            expr = KeepNan(expr, v)
    return expr


def _step_sum(pieces, last, rest, tested):
    """A step function (every value free of the inputs) as sum_i value_i * mask_i with exclusive masks.

    numpy.where branches per element, ~4 ns on random signs; a product with a boolean mask does
    not. nan, which no mask selects, is put back by `_keep_nan` (a no-op without nan)."""
    terms, before = [], []
    for e, c in pieces:
        if e != 0:
            terms.append(e * Mask(sp.And(c, *[sp.to_nnf(sp.Not(b)) for b in before])))
        before.append(c)
    if last != 0:
        terms.append(last * Mask(rest))
    return KeepNan(sp.Add(*terms), *tested)


def kernel_source(exprs, variables=(), two_sided=True, one_sided=False) -> tuple:
    """(assignment lines, result expressions, static cost, stabilized exprs, results written into `out`)
    for `exprs`, stabilized and shared by `sympy.cse`."""
    exprs = [fold_constants(stabilize(e, variables, two_sided, one_sided, select=True)) for e in exprs]
    names = sp.numbered_symbols("t", real=True)
    assigned, reduced = sp.cse(exprs, symbols=names, order="canonical")
    printer = StableNumPyPrinter(SETTINGS)
    lines = [f"{s} = {printer.doprint(v)}" for s, v in assigned]
    cost = sum(op_cost(e) for e in [v for _, v in assigned] + list(reduced))
    targets = ["out"] if len(reduced) == 1 else [f"out[{i}]" for i in range(len(reduced))]
    into = [printer.into(r, t) for r, t in zip(reduced, targets)]
    return lines, [printer.doprint(r) for r in reduced], cost, exprs, into


# ----- the static cost model: formulation choice without running candidates --------------------

TRANSCENDENTAL = (sp.exp, sp.log, expm1, log1p, sp.tanh, sp.cosh, sp.sinh, sp.erf, sp.erfc, Erfc, ExpNegAbs)
OP_COSTS = {"transcendental": 8, "branch": 3, "saturate": 3}


def op_cost(expr) -> int:
    """Ufunc passes of `expr`, a transcendental function weighted 8 and a branch (numpy.where) 3."""
    cost = 0
    for e in sp.preorder_traversal(expr):
        if isinstance(e, TRANSCENDENTAL):
            cost += OP_COSTS["transcendental"]
        elif isinstance(e, sp.Piecewise):
            cost += OP_COSTS["branch"] * (len(e.args) - 1)
        elif isinstance(e, (sp.Add, sp.Mul)):
            cost += len(e.args) - 1
        elif isinstance(e, (sp.Pow, sp.Abs, sp.Max, sp.Min, Clip, sp.core.relational.Relational, KeepNan, Mask)):
            cost += 1
    return cost


def hazards(expr) -> list:
    """Floating-point hazards of a direct (not two-sided) formulation, found statically.

    - "overflow": a logarithm of a growing exponential whose inf reaches the result
      (log1p(exp(x)) for x > 709; inside tanh it saturates harmlessly: mish);
    - "cancellation": a constant plus a multiple of tanh (1 + tanh(u) -> 0 for u -> -oo loses every digit);
    - "underflow": one exponential in numerator and denominator with different powers
      (exp(x)/(1 + exp(x))^2 overflows to inf/inf^2 = 0 at x = 400, where the value is 1e-174);
    - "inf/inf" (repaired by `_saturate`, so a cost, not a hazard): equal powers, exp(x)/(1 + exp(x)).
    The two-sided formulation (exp(-|u|) only) has none of them.
    """
    found = []
    bounded = set().union(*[set(sp.preorder_traversal(t.args[0])) for t in expr.atoms(sp.tanh)] or [set()])
    if any(e.has(sp.exp) and e not in bounded for e in expr.atoms(sp.log, log1p)):
        found.append("overflow")
    for add in (e for e in sp.preorder_traversal(expr) if isinstance(e, sp.Add)):
        if any(t.is_number for t in add.args) and any(sp.Mul.make_args(t) and any(
                isinstance(f, sp.tanh) for f in sp.Mul.make_args(t)) for t in add.args):
            found.append("cancellation")
            break
    for piece in _pieces(expr):
        degrees = _exp_degrees(piece)
        if degrees and degrees[0] != degrees[1]:
            found.append("underflow")
        elif degrees:
            found.append("inf/inf")
    return found


def _pieces(expr):
    if isinstance(expr, KeepNan):
        return _pieces(expr.args[0])
    if isinstance(expr, sp.Piecewise):
        return [p for e, _ in expr.args for p in _pieces(e)]
    return [expr]


def _exp_degrees(expr):
    """(degree of the numerator, of the denominator) in E = exp(u) if both hold E, else None."""
    base = _exp_base(expr)
    if base is None:
        return None
    u, ks = base
    num, den = sp.fraction(sp.together(expr.xreplace({a: _E ** k for a, k in ks.items()})))
    if not (num.has(_E) and den.has(_E)):
        return None
    try:
        return sp.Poly(num, _E).degree(), sp.Poly(den, _E).degree()
    except sp.PolynomialError:
        return None
