"""A project: the project CRS, the layer list, bookmarks and the camera, saved as one JSON file.

Data is not copied into the project: layers are saved by source path (and
GeoPackage table), and re-read through the readers when the project opens.
Embedded layers are saved by asset name so a project opens on any machine.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from layers.bookmarks import Bookmark
from layers.crs import ProjectCRS
from layers.layer import LayerList
from layers.undo import UndoStack

FORMAT = "songjiang-console-project"
VERSION = 2


def _v1_to_v2(doc: dict) -> dict:
    """Version 1 kept a BIM model's colour-by in its style; version 2 keeps it in the view state."""
    for entry in doc.get("layers") or []:
        style = entry.get("style") if isinstance(entry, dict) else None
        if isinstance(style, dict) and str(entry.get("source", "")).lower().endswith(".ifc") and "colour_by" in style:
            mode = style.pop("colour_by")
            if mode in ("condition", "damage") and not entry.get("view"):
                entry["view"] = {"colour_by": mode}
    return doc


MIGRATIONS = {1: _v1_to_v2}  # version → function to the next version; a file is brought up step by step


@dataclass
class Project:
    crs: ProjectCRS = field(default_factory=ProjectCRS)
    layers: LayerList = field(default_factory=LayerList)
    bookmarks: dict[str, Bookmark] = field(default_factory=dict)
    camera: dict | None = None
    theme: str = "light"      # "light" or "wall" (dark): the map's look in the window and in exports
    path: Path | None = None
    undo: UndoStack = field(default_factory=UndoStack, repr=False)

    def to_dict(self) -> dict:
        return {
            "format": FORMAT, "version": VERSION, "crs": self.crs.to_dict(),
            "layers": [lyr.to_dict() for lyr in self.layers if not lyr.meta.get("transient")],
            "bookmarks": [b.to_dict() for b in self.bookmarks.values()],
            "camera": self.camera,
            "theme": self.theme,
        }

    def save(self, path) -> Path:
        """Write atomically: a crash mid-save leaves the previous file intact (OSError names the file)."""
        from layers.files import atomic_write
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
        path = atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        self.path = path
        return path


class ProjectFileError(ValueError):
    pass


def read_project_file(path) -> dict:
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProjectFileError(f"{path}: not a readable project file ({exc})") from exc
    except RecursionError:
        raise ProjectFileError(f"{path}: not a readable project file (nested too deeply)") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ProjectFileError(f"{path}: not a Songjiang console project")
    if not isinstance(doc.get("version", 0), int) or isinstance(doc.get("version"), bool):
        raise ProjectFileError(f"{path}: damaged project file (version is not a number)")
    if doc.get("version", 0) > VERSION:
        raise ProjectFileError(f"{path}: made by a newer version (format {doc['version']})")
    version = max(1, doc.get("version", 1))
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
    doc["version"] = VERSION
    return doc


def _numbers(value, n: int) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) == n
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value))


def _check_document(doc: dict):
    """Every part a window or snapshot relies on, checked before anything is touched (ValueError)."""
    crs = doc.get("crs")
    crs = {} if crs is None else crs  # absent means the default; [] or "" are damage, not absence
    if not isinstance(crs, dict) or not isinstance(crs.get("crs", ""), str) \
            or ("origin" in crs and not _numbers(crs["origin"], 3)):
        raise ValueError("crs must be {crs: text, origin: [x, y, z]}")
    for key in ("layers", "bookmarks"):
        if not isinstance(doc.get(key, []), list):
            raise ValueError(f"{key} must be a list")
    for b in doc.get("bookmarks", []):
        if not (isinstance(b, dict) and isinstance(b.get("id"), str) and _numbers(b.get("focal"), 3)
                and _numbers([b.get("distance", 0.0), b.get("heading", 0.0), b.get("pitch", 0.0)], 3)
                and isinstance(b.get("name_zh", ""), str) and isinstance(b.get("name_en", ""), str)):
            raise ValueError(f"bookmark {str(b)[:80]} is not {{id, name_zh, name_en, focal[3], distance, heading, pitch}}")
    camera = doc.get("camera")
    if camera is not None and not (isinstance(camera, dict)
                                   and all(_numbers(camera.get(k), 3) for k in ("position", "focal", "up"))):
        raise ValueError("camera must be {position[3], focal[3], up[3]}")


def open_project(path):
    """A saved project, not yet loaded: (Project with CRS, bookmarks and camera, [LayerSpec]).

    The window loads the specs on its workers; ``layers.loading.load_project`` loads them in place.
    """
    from layers.bookmarks import Bookmark
    from layers.crs import CRSNotUnderstood
    from layers.spec import LayerSpec
    path = Path(path)
    doc = read_project_file(path)
    try:
        _check_document(doc)
        crs = ProjectCRS.from_dict(doc.get("crs") or {})
        bookmarks = {b["id"]: Bookmark.from_dict(b) for b in doc.get("bookmarks", [])}
        specs = [LayerSpec.from_dict(entry) for entry in doc.get("layers", [])]
    except CRSNotUnderstood as exc:
        raise ProjectFileError(f"{path}: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise ProjectFileError(f"{path}: damaged project file ({exc})") from exc
    theme = doc.get("theme") if doc.get("theme") in ("light", "wall") else "light"
    project = Project(crs=crs, camera=doc.get("camera"), path=path, bookmarks=bookmarks, theme=theme)
    return project, specs
