"""Central finite differences, the independent reference of the gradient tests."""

import numpy as np


def central(f, arr, h=1e-6):
    """Central finite differences of the scalar f() with respect to every element of `arr` (in place)."""
    g = np.zeros_like(arr)
    for i in np.ndindex(arr.shape):
        old = arr[i]
        arr[i] = old + h
        up = f()
        arr[i] = old - h
        down = f()
        arr[i] = old
        g[i] = (up - down) / (2 * h)
    return g
