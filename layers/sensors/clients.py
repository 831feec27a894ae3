"""Network clients the console hands to the sensor models (layers/ names none, imports none).

console/__init__.py calls ``use_sta_reader`` once; layers/sensors/source.py reads
"sensors:sta:URL" sources through it. Kept apart from source.py so handing it in
imports nothing heavy.
"""
from __future__ import annotations

_sta_reader: list = []


def use_sta_reader(read) -> None:
    """``read(url, project_crs) -> SensorRegistry``: how "sensors:sta:" sources are listed."""
    _sta_reader[:] = [read]


def sta_reader():
    return _sta_reader[0] if _sta_reader else None
