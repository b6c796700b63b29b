"""What a warm kernel puts back before each park, so the park runs as on a fresh kernel.

Runs *inside* the kernel, from the hidden first cell :mod:`parkdata.batch.kernels` adds to every
notebook. The first call records the kernel's state as it was before any park ran; every call
restores it: matplotlib rcParams (and closes pyplot figures), pandas options, warnings filters,
``os.environ``, ``sys.path``, the working directory (the notebook's folder, as papermill sets it
for a fresh kernel) and the global random seeds of numpy and ``random`` (re-seeded from the
operating system, as a fresh kernel is). What is *not* put back is listed in docs/reports.md
(attributes a notebook sets on imported modules, modules it imported, threads it started).
"""

from __future__ import annotations

import os
import random
import sys
import warnings
from typing import Any, cast

import matplotlib as mpl
import numpy as np
import pandas as pd

_SAVED: dict[str, Any] | None = None


def _snapshot() -> dict[str, Any]:
    return {
        "rc": dict(mpl.rcParams),
        "filters": list(warnings.filters),
        "environ": dict(os.environ),
        "path": list(sys.path),
    }


def restore(cwd: str) -> None:
    """Put the kernel back as it was before the first park, and work in ``cwd``."""
    global _SAVED
    if _SAVED is None:
        _SAVED = _snapshot()
    else:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecated rc keys warn on every update
            mpl.rcParams.update(_SAVED["rc"])
        warnings.resetwarnings()  # empties the filters and invalidates cached decisions
        cast(list[Any], warnings.filters).extend(_SAVED["filters"])
        os.environ.clear()
        os.environ.update(_SAVED["environ"])
        sys.path[:] = _SAVED["path"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # resetting deprecated options warns
        pd.reset_option("all")
    np.random.seed()
    random.seed()
    os.chdir(cwd)
