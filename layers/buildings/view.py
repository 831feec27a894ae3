"""What the user chose to see of a buildings layer: colour by an attribute, the selected building.

Lives on ``layer.view`` (like layers/bim/view.py): tools change it, the adapter
draws it, projects save it. An evented dataclass: ``view.events.colour_by``,
``selected`` and ``hidden`` fire when they change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from psygnal import evented

COLOUR_MODES = ("none", "height", "use", "year")


@evented
@dataclass(eq=False)
class BuildingView:
    model: Any = field(default=None, repr=False)
    colour_by: str = "none"
    selected: int | None = None
    hidden: frozenset = frozenset()   # building indices not drawn (the hub's massing, close up)

    def set_colour_by(self, mode: str):
        self.colour_by = mode if mode in COLOUR_MODES else "none"

    def select(self, index: int | None, add: bool = False):
        self.selected = None if index is None else int(index)

    def set_hidden(self, indices):
        self.hidden = frozenset(int(i) for i in indices)

    def to_dict(self) -> dict:
        return {"colour_by": self.colour_by, "selected": self.selected}

    def update_from_dict(self, d: dict):
        d = d or {}
        self.set_colour_by(d.get("colour_by") or "none")
        selected = d.get("selected")
        self.select(selected if isinstance(selected, int) and not isinstance(selected, bool) else None)


@dataclass(frozen=True)
class BuildingStyle:
    """What ``layer.style`` of a buildings layer means (layers/styles.py does the same for other kinds)."""
    colour: str = "#d9d2c5"   # the buildings' colour when not coloured by an attribute

    @classmethod
    def of(cls, style: dict) -> "BuildingStyle":
        from layers.styles import _coerce
        return _coerce(cls, style)
