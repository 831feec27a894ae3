"""Every layer kind in one table: the headless facts of a kind, and its headless hooks.

A kind here is what a layer *is*: its model class, its typed style, its view state
(saved with projects), a built-in source, its layers in the default scene, whether
its data is saved inside the project, and ``describe`` (what ``info`` reports of a
layer). Entries name these by import path ("module:attribute"), resolved when used.

How a kind is drawn and picked lives with the scene (console/scene/kinds.py), its
docks and tools with the panels (console/panels/kinds.py): this module names no
GUI module (tests/test_architecture.py). A layer's kind is compared here only
(``is_kind``, ``layers_of``); everywhere else asks the kind's hooks
(tests/test_architecture.py walks the code for ``kind == "…"``).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


class KindError(LookupError):
    pass


def resolve(target: str):
    module, _, attr = target.partition(":")
    try:
        return getattr(import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise KindError(f"cannot load {target}: {exc}") from exc


@dataclass(frozen=True)
class LayerKind:
    name: str
    model: str          # class of Layer.data
    style: str = ""     # typed style (layers/styles.py): what layer.style's keys mean
    view: str = ""      # view-state model (selection, visibility, colour-by…), saved with projects
    prefix: str = ""    # sources that are not files, e.g. "sensors:" …
    source: str = ""    # … built by fn(spec, project_crs, progress) -> [Layer]
    defaults: str = ""  # fn() -> [LayerSpec]: this kind's layers in the default scene
    describe: str = ""  # fn(layer) -> dict: what `info` says of a layer beyond name, CRS, bounds
    inline: bool = False  # its data is saved inside the project (annotations), not read from a source
    prepare: str = ""   # fn(layer): work done off the GUI thread before the layer is shown

    def model_class(self):
        return resolve(self.model)

    def style_class(self):
        return resolve(self.style) if self.style else None

    def make_view(self, data):
        return resolve(self.view)(data) if self.view else None

    def prepare_layer(self, layer) -> None:
        if self.prepare:
            resolve(self.prepare)(layer)

    def describe_layer(self, layer) -> dict:
        return resolve(self.describe)(layer) if self.describe else {}


KINDS: dict[str, LayerKind] = {}


def register(kind: LayerKind) -> LayerKind:
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> LayerKind:
    try:
        return KINDS[name]
    except KeyError:
        raise KindError(f"unknown layer kind {name!r} (registered: {', '.join(KINDS)})") from None


def of(layer) -> LayerKind:
    return get(layer.kind)


def is_kind(layer, name: str) -> bool:
    """The one comparison of a layer's kind (a panel finding its own layers)."""
    return layer is not None and layer.kind == get(name).name


def layers_of(layers, name: str) -> list:
    """The layers of kind ``name``, in list order."""
    return [lyr for lyr in layers if is_kind(lyr, name)]


def check(layer) -> None:
    """The layer's data is what its kind says (a reader bug shows here, not as a blank view)."""
    cls = get(layer.kind).model_class()
    if layer.data is not None and not isinstance(layer.data, cls):
        raise KindError(f"layer {layer.name!r} of kind {layer.kind} holds a {type(layer.data).__name__}, "
                        f"not a {cls.__name__}")


def kinds_of(data) -> list[str]:
    """Kinds whose model class ``data`` is (terrain and imagery share RasterData)."""
    return [k.name for k in KINDS.values() if isinstance(data, k.model_class())]


def source_for(source: str) -> LayerKind | None:
    return next((k for k in KINDS.values() if k.prefix and source.startswith(k.prefix)), None)


def default_specs() -> list:
    """The start-up layers that kinds add to the embedded data (HBIM models, sensors)."""
    return [spec for k in KINDS.values() if k.defaults for spec in resolve(k.defaults)()]


_D = "layers.describe:"
for _kind in (
    LayerKind("terrain", "layers.data:RasterData", style="layers.styles:TerrainStyle", describe=_D + "terrain"),
    LayerKind("imagery", "layers.data:RasterData", style="layers.styles:ImageryStyle", describe=_D + "raster"),
    LayerKind("vector", "layers.data:VectorData", style="layers.styles:VectorStyle", describe=_D + "vector",
              prepare="layers.loading:tessellate"),
    LayerKind("buildings", "layers.buildings.model:BuildingSet", style="layers.buildings.view:BuildingStyle",
              view="layers.buildings.view:BuildingView", defaults="layers.buildings.source:default_specs",
              describe=_D + "buildings"),
    LayerKind("flows", "layers.hub.flows:FlowNetwork", style="layers.hub.flows:FlowStyle", prefix="flows:",
              source="layers.hub.flow_source:build_layers", defaults="layers.hub.flow_source:default_specs",
              describe=_D + "flows"),
    LayerKind("bim", "layers.ifc.reader:IfcModel", style="layers.styles:BimStyle", view="layers.bim.view:BimView",
              defaults="layers.bim.defaults:default_specs", describe=_D + "bim"),
    LayerKind("sensors", "layers.sensors.model:SensorModel", style="layers.styles:SensorStyle",
              view="layers.sensors.view:SensorView", prefix="sensors:", source="layers.sensors.source:build_layers",
              defaults="layers.sensors.source:default_specs", describe=_D + "sensors"),
    LayerKind("annotations", "layers.annotations:AnnotationSet", style="layers.styles:AnnotationStyle",
              view="layers.annotations:AnnotationView", prefix="annotations:",
              source="layers.annotations:source_layers", inline=True),
):
    register(_kind)
