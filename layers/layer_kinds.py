"""Every layer kind in one table: its model, where it comes from, how it is drawn, its panel.

The window, ``snapshot``, ``info`` and the loader all resolve kinds here, so a
kind registered once is seen everywhere. Entries name their Qt/VTK parts by
import path ("module:attribute") and are resolved only when used, so this
module (and ``info``) imports neither Qt nor VTK. Anything missing fails loudly
with the kind and the import path, never as a silently empty scene.
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
    adapter: str        # scene adapter (console/scene/), built for every layer of the kind
    style: str = ""     # typed style (layers/styles.py): what layer.style's keys mean
    view: str = ""      # view-state model (selection, visibility, colour-by…), saved with projects
    panel: str = ""     # install(window): the kind's docks, menus and tools in the window
    prefix: str = ""    # sources that are not files, e.g. "sensors:" …
    source: str = ""    # … built by fn(spec, project_crs, progress) -> [Layer]
    defaults: str = ""  # fn() -> [LayerSpec]: this kind's layers in the default scene
    # Which hit a click selects when several are under it, lowest first: 0 BIM/HBIM component,
    # 1 sensor, 2 building, 3 annotation, 4 vector, 5 terrain/imagery. GROUND_RANK and above are
    # draped on the ground and never shadow a 3D object standing over them (console/scene/picking.py).
    pick_rank: int = 4

    def model_class(self):
        return resolve(self.model)

    def adapter_class(self):
        return resolve(self.adapter)

    def style_class(self):
        return resolve(self.style) if self.style else None

    def make_view(self, data):
        return resolve(self.view)(data) if self.view else None


KINDS: dict[str, LayerKind] = {}


GROUND_RANK = 4


def register(kind: LayerKind) -> LayerKind:
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> LayerKind:
    try:
        return KINDS[name]
    except KeyError:
        raise KindError(f"unknown layer kind {name!r} (registered: {', '.join(KINDS)})") from None


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


def panels() -> list[str]:
    return [k.panel for k in KINDS.values() if k.panel]


for _kind in (
    LayerKind("terrain", "layers.data:RasterData", "console.scene.terrain:TerrainAdapter",
              style="layers.styles:TerrainStyle", pick_rank=5),
    LayerKind("imagery", "layers.data:RasterData", "console.scene.imagery:ImageryAdapter",
              style="layers.styles:ImageryStyle", pick_rank=5),
    LayerKind("vector", "layers.data:VectorData", "console.scene.vector:VectorAdapter",
              style="layers.styles:VectorStyle"),
    LayerKind("buildings", "layers.buildings.model:BuildingSet", "console.scene.buildings:BuildingsAdapter",
              style="layers.buildings.view:BuildingStyle", view="layers.buildings.view:BuildingView", panel="console.panels.buildings:install",
              defaults="layers.buildings.source:default_specs", pick_rank=2),
    LayerKind("flows", "layers.hub.flows:FlowNetwork", "console.scene.flows:FlowsAdapter",
              style="layers.hub.flows:FlowStyle", prefix="flows:", source="layers.hub.flow_source:build_layers",
              defaults="layers.hub.flow_source:default_specs", pick_rank=4),
    LayerKind("bim", "layers.ifc.reader:IfcModel", "console.scene.bim:BimAdapter", style="layers.styles:BimStyle",
              view="layers.bim.view:BimView", panel="console.panels.hbim:install",
              defaults="layers.bim.defaults:default_specs", pick_rank=0),
    LayerKind("sensors", "layers.sensors.model:SensorModel", "console.scene.sensors:SensorAdapter",
              style="layers.styles:SensorStyle", view="layers.sensors.view:SensorView", panel="console.panels.sensors:install", prefix="sensors:",
              source="layers.sensors.source:build_layers", defaults="layers.sensors.source:default_specs",
              pick_rank=1),
    LayerKind("annotations", "layers.annotations:AnnotationSet", "console.scene.annotations:AnnotationAdapter",
              style="layers.styles:AnnotationStyle", view="layers.annotations:AnnotationView",
              panel="console.panels.annotations:install", prefix="annotations:",
              source="layers.annotations:source_layers", pick_rank=3),
):
    register(_kind)
