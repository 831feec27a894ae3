"""Style helpers shared by adapters."""
from __future__ import annotations


def rgb(colour, default=(0.8, 0.8, 0.8)) -> tuple[float, float, float]:
    """'#rrggbb' or an (r, g, b) tuple in 0-1 or 0-255 → floats 0-1."""
    if colour is None:
        return default
    if isinstance(colour, str) and colour.startswith("#") and len(colour) == 7:
        return tuple(int(colour[i:i + 2], 16) / 255.0 for i in (1, 3, 5))
    if isinstance(colour, (list, tuple)) and len(colour) >= 3:
        scale = 255.0 if max(colour[:3]) > 1 else 1.0
        return tuple(float(c) / scale for c in colour[:3])
    return default


PALETTE = ["#e6550d", "#3182bd", "#31a354", "#756bb1", "#de2d26", "#636363", "#fd8d3c", "#6baed6"]

