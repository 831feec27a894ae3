"""Kind → its panel: the ``install(window)`` that adds a kind's docks, menus and tools.

The panels' half of the kind registry (layers/layer_kinds.py holds the headless
facts, console/scene/kinds.py how a kind is drawn). ``install_all``
(console/panels/__init__.py) runs them in this order; a kind without a panel has
no entry. Named by import path and resolved when installed.
"""
from __future__ import annotations

PANELS: dict[str, str] = {
    "buildings": "console.panels.buildings:install",
    "bim": "console.panels.hbim:install",
    "sensors": "console.panels.sensors:install",
    "annotations": "console.panels.annotations:install",
}

OWN_INSPECTOR = ("bim",)  # kinds whose panel shows a picked feature itself (the HBIM inspector)


def panels() -> list[str]:
    return list(PANELS.values())


def shows_own_inspector(layer) -> bool:
    """A pick on this layer is shown by its kind's panel, not the attribute tab."""
    return layer.kind in OWN_INSPECTOR
