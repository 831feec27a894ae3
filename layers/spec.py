"""A layer spec: what a project remembers of a layer, and what the loader is asked to load.

One constructor (``LayerSpec``), one reader of saved entries (``from_dict``), one
writer (``to_dict``), one place that applies a spec to loaded layers (``apply``).
Data is never in a spec: ``source`` names a file, an embedded asset
("asset:…") or a built-in source ("sensors:default") — except a project's own
annotations ("annotations:project"), which are project content and live in ``data``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from layers import layer_kinds

ASSET_PREFIX = "asset:"
_TYPES = {"source": (str,), "name": (str,), "name_en": (str,), "role": (str,), "style": (dict,),
          "visible": (bool,), "opacity": (int, float), "group": (str,), "table": (str,),
          "assume_crs": (str,), "placement": (dict,), "view": (dict,), "id": (str,), "order": (int,), "data": (list,)}


@dataclass
class LayerSpec:
    source: str
    name: str = ""
    name_en: str | None = None
    role: str | None = None          # "terrain" | "imagery": how to read an ambiguous raster
    style: dict = field(default_factory=dict)
    visible: bool = True
    opacity: float = 1.0
    group: str = ""
    table: str | None = None         # one GeoPackage table of a file that has many
    assume_crs: str | None = None    # the CRS a file does not state (e.g. "GCJ-02")
    placement: dict | None = None    # where to put an IFC model without georeference
    view: dict | None = None         # the kind's saved view state (layers/bim/view.py…)
    id: str | None = None
    data: list | None = None         # only a project's annotations (layers/annotations.py)
    order: int = 0                   # load order, so parallel loads insert in the order asked

    def __post_init__(self):
        # built-in data is "asset:…" wherever it came from (an old project, a file given on the
        # command line): projects and provenance never carry the install path (or the user's name in it)
        if isinstance(self.source, str) and Path(self.source).is_absolute():
            import assets
            name = assets.name_of(self.source)
            if name is not None:
                self.source = ASSET_PREFIX + name

    @classmethod
    def for_file(cls, path, assume_crs: str | None = None, role: str | None = None) -> "LayerSpec":
        return cls(source=str(Path(path).resolve()), assume_crs=assume_crs, role=role)

    @classmethod
    def from_dict(cls, entry: dict) -> "LayerSpec":
        """A saved project entry, checked field by field (ValueError names the field).

        Unknown keys (a newer version's) are ignored, not fatal; a known key of the wrong
        type is an error, so a damaged project is refused before anything is loaded.
        """
        if not isinstance(entry, dict) or not isinstance(entry.get("source"), str) or not entry["source"]:
            raise ValueError(f"layer entry without a source: {entry!r}"[:200])
        known = {f.name: f for f in fields(cls)}
        values = {k: v for k, v in entry.items() if k in known and v is not None}
        for name, value in values.items():
            wanted = _TYPES.get(name)
            if wanted and (not isinstance(value, wanted) or isinstance(value, bool) and bool not in wanted):
                raise ValueError(f"layer {entry['source']!r}: {name} is {type(value).__name__}, "
                                 f"not {' or '.join(w.__name__ for w in wanted)}")
        if "opacity" in values and not 0.0 <= float(values["opacity"]) <= 1.0:
            raise ValueError(f"layer {entry['source']!r}: opacity {values['opacity']} is not between 0 and 1")
        values["style"] = dict(values.get("style") or {})
        return cls(**values)

    @classmethod
    def of_layer(cls, layer) -> "LayerSpec":
        """What a project saves of a loaded layer."""
        view = getattr(layer, "view", None)
        return cls(source=layer.source, name=layer.name, name_en=layer.meta.get("name_en"),
                   role=layer.meta.get("role"), style=dict(layer.style), visible=layer.visible,
                   opacity=layer.opacity, group=layer.group, table=layer.meta.get("table"),
                   assume_crs=layer.meta.get("assume_crs"), placement=layer.meta.get("placement"),
                   view=view.to_dict() if view is not None else None, id=layer.id,
                   data=layer.data.to_list() if layer_kinds.of(layer).inline else None)

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "order"}
        out["style"] = dict(self.style)
        return out

    def with_order(self, order: int) -> "LayerSpec":
        return replace(self, order=order)

    def resolve(self) -> Path:
        if self.source.startswith(ASSET_PREFIX):
            import assets
            return Path(assets.path(self.source[len(ASSET_PREFIX):]))
        return Path(self.source)

    def apply(self, layers: list) -> list:
        """Give freshly read layers what the spec says about them (the one place this happens)."""
        if self.table:
            layers = [lyr for lyr in layers if lyr.meta.get("table") == self.table] or layers
        single = len(layers) == 1
        for lyr in layers:
            lyr.source = self.source
            if single and self.name:
                lyr.name = self.name
            if self.name_en:
                lyr.meta["name_en"] = self.name_en
            if self.assume_crs:
                lyr.meta["assume_crs"] = self.assume_crs
            lyr.style = {**lyr.style, **self.style}
            lyr.visible = bool(self.visible)
            lyr.opacity = self.opacity
            lyr.group = self.group
            lyr.order = self.order
            if single and self.id:
                lyr.id = self.id
            if self.view and getattr(lyr, "view", None) is not None:
                lyr.view.update_from_dict(self.view)
        return layers
