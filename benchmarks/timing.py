"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Wall-clock seconds of each call."""
    return _measure(fn, repeat, time.perf_counter)


def cpu_timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    """CPU seconds of each call: steadier than wall time when the machine is shared."""
    return _measure(fn, repeat, time.process_time)


def _measure(fn: Callable[[], Any], repeat: int, clock: Callable[[], float]) -> list[float]:
    out = []
    for _ in range(repeat):
        start = clock()
        fn()
        out.append(clock() - start)
    return out
