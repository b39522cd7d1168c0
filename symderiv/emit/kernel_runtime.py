"""The runtime helpers of the generated NumPy kernel modules, rendered verbatim into each of them.

This is a real module (imported by the tests and by the emitter's nan probe); the template
`numpy/runtime.py.jinja` copies everything after these imports (`templating.python_source`).
"""

import numpy

_BLOCK_BYTES = 131072   # bytes per block (16384 float64, 32768 float32): a body's temporaries stay in the CPU cache


def _check(function, name, value, low, high, open_low, open_high):
    """Raise ValueError naming the function, the parameter and its allowed range."""
    if numpy.ndim(value) != 0:
        return
    v = float(value)
    bad = (v != v or (low is not None and (v < low or (open_low and v == low)))
           or (high is not None and (v > high or (open_high and v == high))))
    if bad:
        lo = "(-inf" if low is None else ("(" if open_low else "[") + repr(low)
        hi = "inf)" if high is None else repr(high) + (")" if open_high else "]")
        raise ValueError(f"{function}: {name}={value!r} is outside {lo}, {hi}")


def _dtype(arrays):
    """The floating result type of the inputs (float32 stays float32; integers become float64)."""
    dtype = numpy.result_type(*[a if isinstance(a, (float, int)) else numpy.asarray(a) for a in arrays], 1.0)
    if dtype.kind != "f":
        raise TypeError(f"expected real floating-point input, got {dtype}")
    return dtype


def _run(body, arrays, params, out=None, n=1):
    """Evaluate `body(*arrays, *params)` elementwise with broadcasting into `n` output arrays.

    Large contiguous inputs are processed in blocks of `_BLOCK_BYTES` bytes, so the temporaries of
    the body stay in cache. Floating-point warnings are silenced here: every branch of a
    `numpy.where` is evaluated, and an unused branch may overflow; the results are verified.
    """
    dtype = _dtype(arrays)   # Python scalars are weak: a float32 array stays float32
    arrays = [numpy.asarray(a, dtype) for a in arrays]
    params = [dtype.type(p) if numpy.ndim(p) == 0 else numpy.asarray(p, dtype) for p in params]
    shape = numpy.broadcast_shapes(*[a.shape for a in arrays])
    outs = list(out) if isinstance(out, (tuple, list)) else [out] if n == 1 else [None] * n
    outs = [numpy.empty(shape, dtype) if o is None else o for o in outs]
    for o in outs:
        if o.shape != shape:
            raise ValueError(f"out has shape {o.shape}, expected {shape}")
    chunk = _BLOCK_BYTES // dtype.itemsize
    blocked = (outs[0].size > 2 * chunk and all(o.flags.c_contiguous for o in outs)
               and all(a.size == 1 or (a.shape == shape and a.flags.c_contiguous) for a in arrays))
    with numpy.errstate(all="ignore"):
        if blocked and n == 1:   # the common case, with the least work per block
            flat = [a.reshape(-1) if a.size > 1 else a for a in arrays]
            whole = [a.size > 1 for a in flat]
            o = outs[0].reshape(-1)
            for i in range(0, o.size, chunk):
                block = slice(i, i + chunk)
                target = o[block]
                r = body(*[a[block] if w else a for a, w in zip(flat, whole)], *params, out=target)
                if r is not target:
                    target[...] = r
        elif blocked:
            flat = [a.reshape(-1) if a.size > 1 else a for a in arrays]
            flat_outs = [o.reshape(-1) for o in outs]
            for i in range(0, flat_outs[0].size, chunk):
                block = slice(i, i + chunk)
                _store(body, [a[block] if a.size > 1 else a for a in flat], params, [o[block] for o in flat_outs])
        else:
            _store(body, arrays, params, outs)
    outs = [o[()] if o.ndim == 0 else o for o in outs]
    return outs[0] if n == 1 else tuple(outs)


def _store(body, arrays, params, outs):
    """Run `body` with its last operations writing into `outs` (out=); copy a result that did not."""
    results = body(*arrays, *params, out=outs[0] if len(outs) == 1 else tuple(outs))
    for o, r in zip(outs, (results,) if len(outs) == 1 else results):
        if r is not o:
            o[...] = r


def _convention(function, convention, pytorch, jax, seeds):
    """The backward body for `convention`: whose value the derivative takes at a kink."""
    bodies = {"pytorch": pytorch, "jax": jax, "seeds": seeds}
    if convention not in bodies:
        raise ValueError(f"{function}: convention={convention!r} is not one of 'pytorch', 'jax', 'seeds'")
    return bodies[convention]


def _saturate(r, x, low, high):
    """Where r is nan but x is not (inf*0 or inf/inf at a huge |x|), the limit at x -> -inf / +inf.

    `r` is the body's own result array: it is changed in place. A sum is nan only if r holds a nan
    (or both infinities): one cheap pass decides whether the exact test is needed."""
    if not numpy.isnan(numpy.sum(r)):
        return r
    bad = numpy.isnan(r)
    bad &= ~numpy.isnan(x)
    if bad.any():
        r = numpy.asarray(r)
        numpy.copyto(r, numpy.where(x > 0, high, low), where=bad)
    return r


def _switch(r, where, value):
    """`r` with `value` where `where` holds, in place (PyTorch's softplus returns x where beta*x > threshold).

    numpy.copyto with a mask skips the elements it leaves: a rarely true mask costs little."""
    r = numpy.asarray(r)
    numpy.copyto(r, value, where=where)
    return r


def _has_nan(x) -> bool:
    """Whether `x` holds a nan: one summing pass, the exact test only when the sum is nan (inf - inf)."""
    with numpy.errstate(invalid="ignore"):
        return bool(numpy.isnan(numpy.sum(x)) and numpy.isnan(x).any())


def _keep_nan(r, *inputs):
    """`r` with nan where an input is nan (a result free of that input, or a branch-free step function).

    `r` is the body's own result array: it is changed in place."""
    for x in inputs:
        if _has_nan(x):
            r = numpy.asarray(r)
            numpy.copyto(r, x, where=numpy.isnan(x))
    return r


def _axis_input(x):
    """`x` as a floating array of its result dtype (float32 stays float32), for the axis kernels."""
    x = numpy.asarray(x)
    return x.astype(_dtype([x]), copy=False)


def _axis_target(input, target, axis):
    """`target` as probabilities in the dtype of `input`: integer targets are class indices along `axis`."""
    t = numpy.asarray(target)
    if t.dtype.kind in "iu":
        classes = numpy.arange(input.shape[axis]).reshape((-1,) + (1,) * (input.ndim - 1 - axis % input.ndim))
        t = numpy.expand_dims(t, axis) == classes
    return t.astype(input.dtype, copy=False)


def _logsumexp(u, axis):
    """log sum_k exp(u_k) along `axis` (kept as a length-1 axis), with the max shifted out: no
    overflow for u = 1e4, and -inf / nan rows stay -inf / nan."""
    m = numpy.max(u, axis=axis, keepdims=True)
    m = numpy.where(numpy.isfinite(m), m, 0)
    return m + numpy.log(numpy.sum(numpy.exp(u - m), axis=axis, keepdims=True))


def _zero_times(t, u):
    """t*u, and 0 where t = 0 even if u is -inf (0 log 0 = 0: a class the target does not hold adds nothing)."""
    return numpy.where(t == 0, 0, t * u)


def _reduce(values, reduction, function):
    """PyTorch's reduction: "mean", "sum" or "none"."""
    if reduction == "none":
        return values
    if reduction == "sum":
        return values.sum(dtype=values.dtype)[()]
    if reduction == "mean":
        return values.mean(dtype=values.dtype)[()]
    raise ValueError(f"{function}: reduction={reduction!r} is not one of 'mean', 'sum', 'none'")


def _scale_grad(grad_output, shape, reduction, function):
    """grad_output divided by the number of elements for reduction="mean"."""
    _reduce(numpy.zeros(()), reduction, function)
    g = numpy.asarray(grad_output)
    if reduction == "mean":
        n = max(int(numpy.prod(shape)), 1)
        return g / g.dtype.type(n) if g.dtype.kind == "f" else g / n
    return g


def _sum_to(grad, shape):
    """`grad` summed over the axes that broadcasting added or stretched, to `shape`."""
    shape = tuple(shape)
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and grad.shape[i + lead] != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape) if axes else grad.reshape(shape)
