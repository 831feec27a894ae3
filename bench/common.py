"""Helpers shared by the bench scripts."""
from __future__ import annotations

import json
import statistics
import sys


def emit(name: str, value: float, unit: str, target: str, ok: bool, **extra):
    sys.stdout.write(json.dumps({"name": name, "value": value, "unit": unit, "target": target,
                                 "ok": bool(ok), **extra}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def median(values) -> float:
    return float(statistics.median(values))
