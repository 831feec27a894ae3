"""The two looks of the map: "light" for desks and reports, "wall" (dark) for video walls.

Pure data (no Qt, no VTK): the scene, the Qt palette and the exports read the same
colours, so a snapshot taken in the wall theme looks like the wall.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Rgb = tuple[float, float, float]


@dataclass(frozen=True)
class Theme:
    name: str
    sky_top: Rgb          # zenith of the background gradient
    sky_horizon: Rgb      # where the ground meets the sky: the ground fades into it (haze)
    dark: bool            # imagery re-toned to a dark base map, Qt palette dark
    label_bg: Rgb
    label_text: Rgb
    overlay: Rgb          # scale bar, north arrow text

    def imagery_rgb(self, rgb: np.ndarray) -> np.ndarray:
        """(…, 3) uint8 base-map colours as this theme shows them."""
        return dark_tone(rgb) if self.dark else rgb


LIGHT = Theme("light", sky_top=(0.42, 0.60, 0.82), sky_horizon=(0.86, 0.90, 0.94), dark=False,
              label_bg=(0.12, 0.13, 0.16), label_text=(1.0, 1.0, 1.0), overlay=(0.1, 0.1, 0.12))
WALL = Theme("wall", sky_top=(0.01, 0.02, 0.05), sky_horizon=(0.09, 0.13, 0.21), dark=True,
             label_bg=(0.02, 0.05, 0.10), label_text=(0.80, 0.93, 1.0), overlay=(0.85, 0.92, 1.0))
THEMES = {t.name: t for t in (LIGHT, WALL)}
DEFAULT = "light"


def theme(name: str | None) -> Theme:
    """A theme by name; unknown or empty names give the light one (old projects, typos)."""
    return THEMES.get(name or DEFAULT, LIGHT)


def dark_tone(rgb: np.ndarray) -> np.ndarray:
    """A light base map turned into a dark one that keeps its hues: lightness is inverted
    (cream land → near black), chroma kept (water stays blue, rail lines orange)."""
    c = np.asarray(rgb, float) / 255.0
    lum = c @ np.array([0.2126, 0.7152, 0.0722])
    hue = c / np.maximum(c.max(axis=-1, keepdims=True), 1e-6)
    # pull the hue towards grey-blue so neutral land reads as a cool dark, not brown
    hue = 0.55 * hue + 0.45 * np.array([0.55, 0.70, 1.0])
    out = 0.06 + (1.0 - lum)[..., None] * 1.25 * hue
    return (np.clip(out, 0.0, 1.0) * 255).astype(np.uint8)
