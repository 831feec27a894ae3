"""What the user chose to see of one BIM model: visibility per element, selection, section, colour-by.

A Qt- and VTK-free state object on ``layer.view`` (the napari/glue pattern):
tools change it, the scene adapter only renders it, projects save it
(``to_dict``), exports read it, and the undo stack restores it.
A psygnal evented dataclass: each field is one aspect and has its own signal,
``view.events.visibility`` / ``selection`` / ``section`` / ``colour_by`` / ``grades``
(a value that does not change emits nothing).

Visibility is a default state for every element plus exceptions by GlobalId,
so "isolate one arch ring" saves as two entries, not one per element.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from psygnal import evented

HIDDEN, GHOST, SOLID = 0, 1, 2
STATE_NAMES = {"hidden": HIDDEN, "ghost": GHOST, "solid": SOLID}
COLOUR_MODES = ("none", "condition", "damage", "sensors")  # sensors: building systems by their terminal's state
VISIBILITY_ACTIONS = ("isolate", "hide", "xray", "show_all")


@dataclass(frozen=True)
class Visibility:
    """Every element's state: ``default`` unless ``exceptions`` names its GlobalId."""
    default: int = SOLID
    exceptions: dict = field(default_factory=dict)


@evented
@dataclass(eq=False)
class BimView:
    model: Any = field(default=None, repr=False)
    visibility: Visibility = field(default_factory=Visibility)
    selection: tuple[str, ...] = ()     # GlobalIds: the main one first, then those picked with Ctrl
    section: tuple | None = None        # plane (ox, oy, oz, nx, ny, nz), project CRS; keeps the +normal side
    colour_by: str = "none"
    grades: dict = field(default_factory=dict)  # mode → {GlobalId: grade}, from the record store (not saved)

    @property
    def default(self) -> int:
        return self.visibility.default

    @property
    def exceptions(self) -> dict:
        return self.visibility.exceptions

    @property
    def selected(self) -> str | None:
        return self.selection[0] if self.selection else None

    @property
    def also(self) -> tuple[str, ...]:
        """More components picked with Ctrl, besides ``selected``."""
        return self.selection[1:]

    # what the adapter reads ------------------------------------------------------------
    def states(self) -> np.ndarray:
        """(E,) int8 state of every element of the model."""
        elements = self.model.elements if self.model is not None else []
        out = np.full(len(elements), self.default, np.int8)
        if self.exceptions:
            for i, e in enumerate(elements):
                s = self.exceptions.get(e.get("guid"))
                if s is not None:
                    out[i] = s
        return out

    def selected_index(self) -> int | None:
        if self.selected is None or self.model is None:
            return None
        try:
            return self.model.index_of(self.selected)
        except KeyError:
            return None

    def selected_indices(self) -> list[int]:
        """Every selected element (the main one first), skipping GlobalIds the model lacks."""
        out = []
        for guid in ([self.selected] if self.selected else []) + list(self.also):
            try:
                out.append(self.model.index_of(guid))
            except (KeyError, AttributeError):
                continue
        return out

    def grade_of(self) -> dict:
        return self.grades.get(self.colour_by, {})

    # what tools change -------------------------------------------------------------------
    def set_visibility(self, default: int, exceptions: dict | None = None):
        default, exceptions = int(default), {str(k): int(v) for k, v in (exceptions or {}).items()}
        self.visibility = Visibility(default, exceptions)

    def apply(self, how: str, guid: str | None):
        """isolate / hide / x-ray the element ``guid`` (None: it is in another model); show_all resets.

        Isolating or x-raying in one model hides or ghosts every other model too.
        """
        if how not in VISIBILITY_ACTIONS:
            raise ValueError(f"unknown visibility action {how!r}")
        if how == "show_all":
            self.set_visibility(SOLID)
        elif how == "isolate":
            self.set_visibility(HIDDEN, {guid: SOLID} if guid else {})
        elif how == "xray":
            self.set_visibility(GHOST, {guid: SOLID} if guid else {})
        elif how == "hide" and guid:
            self.set_visibility(self.default, {**self.exceptions, guid: HIDDEN})

    def select(self, guid: str | None, add: bool = False):
        """Select one component; with ``add`` (Ctrl+click) toggle it in the selection instead."""
        if add and guid is not None:
            chosen = list(self.selection)
            self.selection = tuple(g for g in chosen if g != guid) if guid in chosen else (*chosen, guid)
        elif not add:
            self.selection = () if guid is None else (guid,)

    def set_section(self, plane):
        self.section = None if plane is None else tuple(float(v) for v in plane)

    def set_colour_by(self, mode: str):
        self.colour_by = mode if mode in COLOUR_MODES else "none"

    def set_grades(self, grades: dict):
        self.grades = {k: dict(v) for k, v in grades.items()}

    # saving ---------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        names = {v: k for k, v in STATE_NAMES.items()}
        return {"default": names[self.default], "exceptions": {g: names[s] for g, s in self.exceptions.items()},
                "selected": self.selected, "also": list(self.also), "section": list(self.section) if self.section else None,
                "colour_by": self.colour_by}

    def update_from_dict(self, d: dict):
        """A saved state (unknown names fall back to the defaults rather than failing the project)."""
        d = d or {}
        default = STATE_NAMES.get(d.get("default"), SOLID)
        exceptions = {g: STATE_NAMES[s] for g, s in (d.get("exceptions") or {}).items() if s in STATE_NAMES}
        self.set_visibility(default, exceptions)
        section = d.get("section")
        self.set_section(section if isinstance(section, (list, tuple)) and len(section) == 6 else None)
        self.set_colour_by(d.get("colour_by") or "none")
        chosen = [d.get("selected"), *(d.get("also") or [])]
        self.selection = tuple(dict.fromkeys(str(g) for g in chosen if g))


def section_plane(bounds, camera_position=None) -> tuple:
    """A vertical plane through the model's centre across its long axis, keeping the half away from the camera.

    ``bounds`` is (xmin, ymin, zmin, xmax, ymax, zmax) in the project CRS, as is the camera position.
    """
    centre = np.array([(bounds[0] + bounds[3]) / 2, (bounds[1] + bounds[4]) / 2, (bounds[2] + bounds[5]) / 2])
    normal = np.array([1.0, 0.0, 0.0]) if bounds[4] - bounds[1] >= bounds[3] - bounds[0] else np.array([0.0, 1.0, 0.0])
    if camera_position is not None and np.dot(normal, centre - np.asarray(camera_position, float)) < 0:
        normal = -normal
    return (*map(float, centre), *map(float, normal))
