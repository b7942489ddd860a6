"""The server's heap after its warm start: collected once, then left out of later collections.

The warm start loads every open incident with its log (hundreds of thousands of Python
objects). CPython's cyclic collector traverses every tracked object on a full (oldest
generation) collection, holding the interpreter meanwhile, so each one stopped every request
thread for hundreds of milliseconds under the control-room load (docs/PERFORMANCE.md,
"Control-room load", ninth round). ``gc.freeze`` moves what exists after start-up into a
permanent generation the collector skips; objects made later are collected as before.
Reference counting still frees anything, frozen or not, once nothing refers to it.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping

from watchkeeper.kernel.errors import ConfigurationError

GC_FREEZE_ENV = "WATCHKEEPER_GC_FREEZE"  # "1" (default) freezes the heap after warm start


def settle_heap(environ: Mapping[str, str] | None = None) -> bool:
    """Collect once and freeze the surviving heap, unless ``WATCHKEEPER_GC_FREEZE=0``.

    Returns whether the heap was frozen.
    """
    value = (environ if environ is not None else os.environ).get(GC_FREEZE_ENV, "1")
    if value not in ("0", "1"):
        raise ConfigurationError(f"{GC_FREEZE_ENV}={value!r}: use 1 (freeze) or 0 (do not)")
    if value == "0":
        return False
    gc.collect()
    gc.freeze()
    return True
