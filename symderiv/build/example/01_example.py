# A lecture document: the title, and a function that returns the document built against the catalog.
# Build it with `symderiv build` in the project folder (the one holding derivations/).
import sympy as sp

from symderiv.calculus.derivative import derivative
from symderiv.lecture.blocks import ClaimBox, Document, E, Figure, P, Plot, S, Series
from symderiv.lecture.checks import equal
from symderiv.verify.claims import Claim

TITLE = "The softplus and the sigmoid"


def document(catalog):
    softplus, sigmoid = catalog.get("softplus"), catalog.get("sigmoid")
    x = softplus.var
    d = derivative(softplus).subs(softplus.defaults())
    f = sp.lambdify(x, softplus.expr.subs(softplus.defaults()), "numpy")
    curve = [(v / 4, float(f(v / 4))) for v in range(-16, 17)]
    plot = Plot((Series("softplus", "y", "softplus"),), xlabel=("x",), ylabel=("softplus(x)",))
    return Document(TITLE, (S(
        "Derivative",
        P("The softplus ", sp.Eq(sp.Function("softplus")(x), softplus.expr.subs(softplus.defaults()), evaluate=False),
          " is a smooth ReLU. SymPy differentiates it:"),
        E((sp.Derivative(sp.Function("softplus")(x), x), d)),
        P("which is the logistic sigmoid:"),
        ClaimBox(Claim("derivative_is_sigmoid", "the softplus derivative is the sigmoid", "symbolic",
                       lambda: equal(d, sigmoid.expr))),
        Figure("softplus", (plot,), ("The softplus on [-4, 4].",), data={"softplus": (("x", "y"), *curve)}),
    ),))
