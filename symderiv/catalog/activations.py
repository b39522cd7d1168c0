"""Activation functions: one entry each, PyTorch's names, defaults and kink values.

To add an activation, append one `Entry` to `ACTIVATIONS`. The derivative, the checks, the
kernel, the LaTeX and the docs table all follow from it.
"""

import sympy as sp

from symderiv.catalog.entry import Entry, Kink, Param
from symderiv.symbols import x, xs

TORCH = "https://pytorch.org/docs/stable/generated/torch.nn.functional.{}.html"
SEEDS_H1 = "seeds 000/001: H(0) = 1"


def _p(name, default, doc, **kw):
    return Param(name, default, doc, **kw)


negative_slope = _p("negative_slope", 0.01, "slope for x < 0")
alpha_elu = _p("alpha", 1.0, "saturation value -alpha for x -> -inf", low=0.0, open_low=True)
beta_sp = _p("beta", 1.0, "sharpness", low=0.0, open_low=True)
threshold = _p("threshold", 20.0, "PyTorch returns x (gradient 1) where beta*x > threshold", symbolic=False)
min_val = _p("min_val", -1.0, "lower clip value")
max_val = _p("max_val", 1.0, "upper clip value")
weight = _p("weight", 0.25, "learned slope for x < 0", learnable=True)
lower = _p("lower", 1 / 8, "lower bound of the random slope", low=0.0, high=1.0)
upper = _p("upper", 1 / 3, "upper bound of the random slope", low=0.0, high=1.0)
beta_sw = _p("beta", 1.0, "sharpness (swish-beta; beta = 1 is SiLU)")
alpha_celu = _p("alpha", 1.0, "scale of the negative part", low=0.0, open_low=True)

S = {p.name: p.symbol for p in (negative_slope, alpha_elu, min_val, max_val, weight, lower, upper)}
a_elu, ns, wt = S["alpha"], S["negative_slope"], S["weight"]
lo, hi = S["lower"], S["upper"]
beta = beta_sp.symbol
SELU_ALPHA = sp.Float("1.6732632423543772848170429916717", 40)
SELU_SCALE = sp.Float("1.0507009873554804934193349852946", 40)
sigmoid = 1 / (1 + sp.exp(-x))


def _leaky(slope):
    return sp.Piecewise((slope * x, x < 0), (x, True))


def _softmax(v):
    e = [sp.exp(vi) for vi in v]
    return sp.ImmutableMatrix([ei / sum(e) for ei in e])


ACTIVATIONS = (
    Entry("identity", "activation", x, (x,), "the identity, f(x) = x", TORCH.format("linear"), torch=None),
    Entry(
        "sigmoid", "activation", sigmoid, (x,),
        "logistic sigmoid, squashes to (0, 1)", TORCH.format("sigmoid"), torch="sigmoid", latex=r"\sigma",
    ),
    Entry("tanh", "activation", sp.tanh(x), (x,), "hyperbolic tangent, squashes to (-1, 1)",
          TORCH.format("tanh"), torch="tanh"),
    Entry(
        "relu", "activation", sp.Piecewise((0, x < 0), (x, True)), (x,),
        "rectified linear unit max(0, x)", TORCH.format("relu"),
        kinks=(Kink(0, 0, "PyTorch and JAX: relu'(0) = 0 (the gradient passes where x > 0)",
                    alternatives={SEEDS_H1: 1, "seed 004": 0}, seeds=1),),
        torch="relu",
    ),
    Entry(
        "relu6", "activation", sp.Piecewise((0, x < 0), (6, x > 6), (x, True)), (x,),
        "ReLU clipped at 6, min(max(0, x), 6)", TORCH.format("relu6"),
        kinks=(Kink(0, 0, "PyTorch: hardtanh(0, 6) backward, 0 at both ends"),
               Kink(6, 0, "PyTorch: hardtanh(0, 6) backward, 0 at both ends")),
        torch="relu6",
    ),
    Entry(
        "leaky_relu", "activation", _leaky(ns), (x,),
        "leaky ReLU: x for x >= 0, negative_slope * x for x < 0", TORCH.format("leaky_relu"),
        params=(negative_slope,),
        kinks=(Kink(0, ns, "PyTorch: the gradient is negative_slope where x <= 0",
                    alternatives={"seed 000: H(0) = 1": 1, "JAX": 1}, jax=1, seeds=1),),
        torch="leaky_relu",
    ),
    Entry(
        "prelu", "activation", _leaky(wt), (x,),
        "parametric ReLU: leaky ReLU with a learned slope `weight`", TORCH.format("prelu"),
        params=(weight,),
        kinks=(Kink(0, wt, "PyTorch: the input gradient is weight where x <= 0",
                    alternatives={"seed 004": wt}),),
        torch="prelu",
    ),
    Entry(
        "rrelu", "activation", _leaky((lo + hi) / 2), (x,),
        "randomized leaky ReLU; training: slope a ~ U(lower, upper) per element for x < 0; "
        "evaluation (this expression): slope (lower + upper)/2",
        TORCH.format("rrelu"), params=(lower, upper),
        kinks=(Kink(0, (lo + hi) / 2, "PyTorch (evaluation): leaky_relu backward, slope where x <= 0"),),
        torch="rrelu",
        extra={"random": {"symbol": sp.Symbol("a", positive=True), "law": "uniform", "between": (lo, hi),
                          "train_expr": _leaky(sp.Symbol("a", positive=True))}},
    ),
    Entry(
        "elu", "activation", sp.Piecewise((a_elu * (sp.exp(x) - 1), x < 0), (x, True)), (x,),
        "exponential linear unit", TORCH.format("elu"), params=(alpha_elu,),
        kinks=(Kink(0, a_elu, "PyTorch: the gradient is alpha*exp(x) where x <= 0, so alpha at 0",
                    alternatives={"seed 004": 1}),),
        torch="elu",
    ),
    Entry(
        "selu", "activation",
        SELU_SCALE * sp.Piecewise((SELU_ALPHA * (sp.exp(x) - 1), x < 0), (x, True)), (x,),
        "scaled ELU with the self-normalising constants of Klambauer et al. (2017)",
        TORCH.format("selu"),
        kinks=(Kink(0, SELU_SCALE * SELU_ALPHA, "PyTorch: scale*alpha*exp(x) where x <= 0"),),
        torch="selu",
    ),
    Entry(
        "celu", "activation",
        sp.Piecewise((a_elu * (sp.exp(x / a_elu) - 1), x < 0), (x, True)),
        (x,), "continuously differentiable ELU", TORCH.format("celu"), params=(alpha_celu,),
        torch="celu",
        extra={"reference_tolerance": {"torch.gradient": (1e-7, "PyTorch 2.13's celu gradient for alpha != 1 "
                                                          "is off by about 1e-8 relative (measured)")}},
    ),
    Entry(
        "softplus", "activation", sp.log(1 + sp.exp(beta * x)) / beta, (x,),
        "smooth ReLU, log(1 + exp(beta x)) / beta", TORCH.format("softplus"),
        params=(beta_sp, threshold), torch="softplus",
        extra={"switch": (beta * x > threshold.symbol, x)},
    ),
    Entry("softsign", "activation", x / (1 + sp.Abs(x)), (x,), "x / (1 + |x|)",
          TORCH.format("softsign"), torch="softsign"),
    Entry(
        "hardtanh", "activation",
        sp.Piecewise((S["min_val"], x < S["min_val"]), (S["max_val"], x > S["max_val"]), (x, True)), (x,),
        "hard tanh: x clipped to [min_val, max_val]", TORCH.format("hardtanh"),
        params=(min_val, max_val),
        kinks=(Kink(S["min_val"], 0, "PyTorch: the gradient is 0 where x <= min_val",
                    alternatives={"seed 004": 1, "JAX": 1}, jax=1),
               Kink(S["max_val"], 0, "PyTorch: the gradient is 0 where x >= max_val",
                    alternatives={"seed 004": 1, "JAX": 1}, jax=1)),
        torch="hardtanh",
    ),
    Entry("swish", "activation", x / (1 + sp.exp(-beta_sw.symbol * x)), (x,),
          "swish: x * sigmoid(beta x) (Ramachandran et al. 2017)", "https://arxiv.org/abs/1710.05941",
          params=(beta_sw,), torch=None),
    Entry("silu", "activation", x * sigmoid, (x,), "sigmoid linear unit x * sigmoid(x) (swish, beta = 1)",
          TORCH.format("silu"), torch="silu"),
    Entry("gelu", "activation", x * (1 + sp.erf(x / sp.sqrt(2))) / 2, (x,),
          "Gaussian error linear unit x * Phi(x) (exact)", TORCH.format("gelu"), torch="gelu"),
    Entry(
        "gelu_tanh", "activation",
        x * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (x + sp.Rational(44715, 1000000) * x**3))) / 2, (x,),
        "GELU, tanh approximation (PyTorch gelu(approximate='tanh'))", TORCH.format("gelu"), torch="gelu",
        extra={"variant_of": ("gelu", "approximate", "tanh", "none"), "torch_kwargs": {"approximate": "tanh"}},
    ),
    Entry("mish", "activation", x * sp.tanh(sp.log(1 + sp.exp(x))), (x,), "x * tanh(softplus(x))",
          TORCH.format("mish"), torch="mish"),
    Entry(
        "hardsigmoid", "activation",
        sp.Piecewise((0, x < -3), (1, x > 3), (x / 6 + sp.Rational(1, 2), True)), (x,),
        "piecewise-linear sigmoid relu6(x + 3) / 6", TORCH.format("hardsigmoid"),
        extra={"reference_tolerance": {"torch.gradient": (1e-7, "PyTorch 2.13's hardsigmoid gradient is 1/6 "
                                                          "rounded to float32 (measured)")}},
        kinks=(Kink(-3, 0, "PyTorch: gradient 1/6 only where -3 < x < 3"),
               Kink(3, 0, "PyTorch: gradient 1/6 only where -3 < x < 3")),
        torch="hardsigmoid",
    ),
    Entry(
        "hardswish", "activation",
        sp.Piecewise((0, x < -3), (x, x > 3), (x * (x + 3) / 6, True)), (x,),
        "x * relu6(x + 3) / 6", TORCH.format("hardswish"),
        kinks=(Kink(-3, 0, "PyTorch (measured, see the reference records): 0 where x <= -3, x/3 + 1/2 only where -3 < x < 3"),
               Kink(3, 1, "PyTorch (measured, see the reference records): 1 where x >= 3")),
        torch="hardswish",
    ),
    Entry("logsigmoid", "activation", -sp.log(1 + sp.exp(-x)), (x,), "log(sigmoid(x))",
          TORCH.format("logsigmoid"), torch="logsigmoid"),
    Entry(
        "maxout", "activation", sp.Piecewise((xs[0], xs[0] >= xs[1]), (xs[1], True)), xs[:2],
        "maxout of two affine pieces z_1 = w_1.x + b_1, z_2 = w_2.x + b_2: max(z_1, z_2)",
        "Goodfellow et al. (2013), https://arxiv.org/abs/1302.4389",
        kinks=(Kink(xs[1], 1, "a tie sends the gradient to the first piece (argmax picks the first)", wrt=xs[0],
                    alternatives={"JAX (jnp.maximum)": sp.Rational(1, 2)}, jax=sp.Rational(1, 2)),
               Kink(xs[0], 0, "a tie sends the gradient to the first piece (argmax picks the first)", wrt=xs[1],
                    alternatives={"JAX (jnp.maximum)": sp.Rational(1, 2)}, jax=sp.Rational(1, 2))),
        extra={"inputs": xs[:2]},
    ),
    Entry("softmax", "activation", _softmax(xs), xs, "softmax exp(x_i) / sum_j exp(x_j)",
          TORCH.format("softmax"), torch="softmax",
          extra={"axis": True}),
    Entry("log_softmax", "activation", sp.ImmutableMatrix([xi - sp.log(sum(sp.exp(v) for v in xs)) for xi in xs]), xs,
          "log-softmax x_i - log sum_j exp(x_j)", TORCH.format("log_softmax"), torch="log_softmax",
          extra={"axis": True}),
)
