"""How each layer kind is drawn: kind → scene adapter, pick rank, its part in the ground, its legend.

The scene's half of the kind registry (the headless half, layers/layer_kinds.py,
knows nothing of VTK). The window, ``snapshot`` and exports all draw through
``Scene``, which builds every layer's adapter from here. Entries name their parts
by import path ("module:attribute"), resolved when used: a kind whose adapter
cannot load fails loudly naming the layer (console/scene/scene.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from layers.layer_kinds import KindError, resolve

# Which hit a click selects when several are under it, lowest first: 0 BIM/HBIM component,
# 1 sensor, 2 building, 3 annotation, 4 vector, 5 terrain/imagery. GROUND_RANK and above are
# draped on the ground and never shadow a 3D object standing over them (console/scene/picking.py).
GROUND_RANK = 4


@dataclass(frozen=True)
class SceneKind:
    name: str
    adapter: str            # "module:Class" (console/scene/), built for every layer of the kind
    pick_rank: int = GROUND_RANK
    ground: bool = False    # its heights are the ground every other layer drapes on (terrain)
    backdrop: str = ""      # a base map the backdrop continues: "colour" (its border colour) or "ground"
    solid: bool = False     # its geometry fills its box (near/far clipping, console/scene/clipping.py)
    legend: str = "console.export.kind_legend:styled"  # fn(layer, lang, extent) -> [(title, colour)] on a page

    def adapter_class(self):
        return resolve(self.adapter)

    def legend_rows(self, layer, lang: str, extent=None) -> list:
        """What of the layer is on a page showing ``extent`` (project-CRS ground; None: all of it)."""
        return resolve(self.legend)(layer, lang, extent) if self.legend else []


SCENE_KINDS: dict[str, SceneKind] = {}
BACKDROP_ORDER = ("colour", "ground")  # a coloured base map before bare terrain


def register(kind: SceneKind) -> SceneKind:
    SCENE_KINDS[kind.name] = kind
    return kind


def of(layer) -> SceneKind:
    try:
        return SCENE_KINDS[layer.kind]
    except KeyError:
        raise KindError(f"no scene entry for kind {layer.kind!r} (registered: {', '.join(SCENE_KINDS)})") from None


_L = "console.export.kind_legend:"
for _kind in (
    SceneKind("terrain", "console.scene.terrain:TerrainAdapter", pick_rank=5, ground=True, backdrop="ground",
              legend=""),
    SceneKind("imagery", "console.scene.imagery:ImageryAdapter", pick_rank=5, backdrop="colour", legend=""),
    SceneKind("vector", "console.scene.vector:VectorAdapter"),
    SceneKind("buildings", "console.scene.buildings:BuildingsAdapter", pick_rank=2),
    SceneKind("flows", "console.scene.flows:FlowsAdapter", pick_rank=4),
    SceneKind("bim", "console.scene.bim:BimAdapter", pick_rank=0, solid=True, legend=_L + "bim"),
    SceneKind("sensors", "console.scene.sensors:SensorAdapter", pick_rank=1, legend=_L + "sensors"),
    SceneKind("annotations", "console.scene.annotations:AnnotationAdapter", pick_rank=3, legend=_L + "annotations"),
):
    register(_kind)
