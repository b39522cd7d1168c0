"""Put this folder on PYTHONPATH to run Python as if scipy, torch and jax were not installed
(used to show that the build's output does not depend on them)."""

import sys

HIDDEN = ("scipy", "torch", "jax", "jaxlib")


class _Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden)", name=name)
        return None


sys.meta_path.insert(0, _Hide())
