"""The scene: keeps one adapter per layer in step with the layer list.

Adapters come from the scene's kind registry (console/scene/kinds.py), the same
for the window and for headless snapshots; a kind without a loadable adapter
raises SceneError naming the layer, never an empty view.
"""
from __future__ import annotations

import logging
import weakref

import numpy as np

from console.scene.backdrop import Backdrop
from console.scene.base import SceneAdapter
from console.scene.clipping import ClippingFit
from console.scene.highlight import HOVER_COLOUR, Highlight
from console.scene.labels import SceneLabels
from console.scene.overlays import MapOverlays
from console.vtk_imports import vtkRenderer
from console.scene import kinds
from layers.layer_kinds import KindError
from layers.styles import TerrainStyle
from layers.theme import theme as theme_named

log = logging.getLogger(__name__)


class SceneError(RuntimeError):
    pass


class Scene:
    def __init__(self, project, layers, renderer: vtkRenderer | None = None):
        self.project = project
        self.layers = layers
        self.renderer = renderer or vtkRenderer()
        self.renderer.SetUseFXAA(False)  # the window turns it on for still frames (console/view3d.py)
        self.interactive = False  # the camera is moving: adapters draw their cheaper level of detail
        self.theme = theme_named(None)
        # user markup (annotation pins) drawn after the place names, still depth-tested against
        # the scene: a label never hides a surveyor's pin, a building still does
        self.markup = vtkRenderer()
        self.markup.SetLayer(1)
        self.markup.SetActiveCamera(self.renderer.GetActiveCamera())
        self.markup.PreserveDepthBufferOn()
        self.markup.InteractiveOff()
        self.markup.AutomaticLightCreationOff()  # its symbols are unlit
        self._on_top: dict[int, tuple] = {}  # id(actor) → (actor, its twin in the markup layer)
        self.markup.AddObserver("StartEvent", self._sync_on_top)
        self.backdrop = Backdrop(self)
        self.adapters: dict[str, SceneAdapter] = {}
        self._shown: dict[int, weakref.ref] = {}  # every layer this scene drew (release() lets go of them)
        self.shared: dict[str, object] = {}  # helpers several adapters of a kind share (a legend)
        self._render_callback = None
        self.overlays = MapOverlays(self)
        self.labels = SceneLabels(self.renderer)
        self.highlight = Highlight(self)
        self.hover = Highlight(self, HOVER_COLOUR, 3.0, hover=True)
        self.clipping = ClippingFit(self)  # near/far from what is in view, before every frame
        self.labels.set_theme(self.theme)
        self.overlays.set_theme(self.theme)
        for layer in layers:
            self._add(layer)
        self.backdrop.rebuild(self.theme)
        layers.events.inserted.connect(lambda i, layer: self._add(layer))
        layers.events.removed.connect(lambda i, layer: self._remove(layer))
        layers.events.moved.connect(lambda *_: self.request_render())
        self.refresh_labels()

    # rendering -----------------------------------------------------------
    def set_render_callback(self, fn):
        """The GUI coalesces render requests (a single-shot timer); headless renders on demand."""
        self._render_callback = fn

    def request_render(self, data: bool = False):
        """``data``: a feed-driven change, which the window's scheduler paces (console/view3d.py)."""
        if self._render_callback is not None:
            self._render_callback(data)

    def on_top(self, actor):
        """Draw ``actor`` once more after the place names (annotation pins): labels never
        hide it, 3D objects in front still do. The twin shares mapper and property; picking and
        visibility stay with the original."""
        from console.vtk_imports import vtkActor, vtkPolyDataMapper
        src = actor.GetMapper()
        mapper = vtkPolyDataMapper()  # the same data and colours; no depth offset: sphere points
        mapper.SetInputData(src.GetInput())  # then draw nothing, and an equal depth passes LEQUAL
        mapper.SetScalarVisibility(src.GetScalarVisibility())
        mapper.SetScalarMode(src.GetScalarMode())
        mapper.SetColorMode(src.GetColorMode())
        mapper.SetLookupTable(src.GetLookupTable())
        mapper.SetUseLookupTableScalarRange(src.GetUseLookupTableScalarRange())
        mapper.SelectColorArray(src.GetArrayName())
        mapper.SetResolveCoincidentTopologyToOff()
        twin = vtkActor()
        twin.SetMapper(mapper)
        twin.SetProperty(actor.GetProperty())
        twin.PickableOff()
        self.markup.AddViewProp(twin)
        self._on_top[id(actor)] = (actor, twin)

    def off_top(self, props):
        for prop in props:
            pair = self._on_top.pop(id(prop), None)
            if pair is not None:
                self.markup.RemoveViewProp(pair[1])

    def _sync_on_top(self, *_):
        for actor, twin in self._on_top.values():
            twin.SetVisibility(actor.GetVisibility())
            twin.SetUserMatrix(actor.GetUserMatrix())

    def attach(self, window):
        """Draw this scene in a render window (the window's view, a snapshot, an export)."""
        window.SetNumberOfLayers(max(2, window.GetNumberOfLayers()))
        window.AddRenderer(self.renderer)
        window.AddRenderer(self.markup)

    def set_theme(self, name: str):
        """Light or wall (dark): sky, ground, base-map tone, labels and overlays."""
        self.theme = theme_named(name)
        for adapter in self.adapters.values():
            adapter.theme_changed()
        self.labels.set_theme(self.theme)
        self.overlays.set_theme(self.theme)
        self.backdrop.rebuild(self.theme)
        self.request_render()

    def set_interactive(self, moving: bool):
        """The camera moves (True) or has stopped: adapters read ``interactive`` before each
        frame for their level of detail; labels wait for the camera to stop."""
        self.interactive = moving
        self.labels.actor.SetVisibility(not moving)

    def terrain_covered(self, terrain) -> bool:
        """True when a visible, opaque base map covers this terrain's whole extent."""
        b = terrain.bounds
        t = (b[0], b[1], b[3], b[4])
        for adapter in self.adapters.values():
            e = adapter.opaque_extent()
            if e is not None and e[0] <= t[0] + 1 and e[1] <= t[1] + 1 and e[2] >= t[2] - 1 and e[3] >= t[3] - 1:
                return True
        return False

    # terrain --------------------------------------------------------------
    def terrain_layers(self):
        return [lyr for lyr in self.layers if kinds.of(lyr).ground and lyr.visible]

    def exaggeration(self, layer=None) -> float:
        terrain = layer or next(iter(self.terrain_layers()), None)
        return TerrainStyle.of(terrain.style).vertical_exaggeration if terrain else 1.0

    def terrain_grid(self):
        """(xs, ys, z drawn) of the topmost visible terrain's mesh, or None."""
        for terrain in reversed(self.terrain_layers()):
            adapter = self.adapters.get(terrain.id)
            if adapter is not None and adapter.grid is not None:
                return adapter.grid
        return None

    def height_at(self, x, y) -> np.ndarray:
        """Ground height (exaggerated as drawn) at project-CRS points; 0 where no terrain."""
        x = np.asarray(x, float)
        z = np.full(x.shape, np.nan)
        for terrain in reversed(self.terrain_layers()):
            missing = np.isnan(z)
            if not missing.any():
                break
            z[missing] = terrain.data.sample(x[missing], np.asarray(y, float)[missing]) \
                * self.exaggeration(terrain)
        return np.nan_to_num(z, nan=0.0)

    # layers ----------------------------------------------------------------
    def _add(self, layer):
        try:
            drawn = kinds.of(layer)
            cls = drawn.adapter_class()
        except KindError as exc:
            raise SceneError(f"no scene adapter for layer {layer.name!r} of kind {layer.kind}: {exc}") from exc
        adapter = cls(layer, self)
        self.adapters[layer.id] = adapter
        self._shown[id(layer)] = weakref.ref(layer)
        for prop in adapter.props:
            self.renderer.AddViewProp(prop)
        if drawn.ground:
            layer.events.visible.connect(self._redrape)
            layer.events.style.connect(self._redrape)
            self._redrape()
        if drawn.backdrop:
            layer.events.visible.connect(self._reground)
            layer.events.opacity.connect(self._reground)
            self._reground()
        self.refresh_labels()
        self.request_render()

    def share(self, key: str, factory):
        """One helper object per scene for ``key`` (made on first use), e.g. the BIM legend."""
        if key not in self.shared:
            self.shared[key] = factory(self)
        return self.shared[key]

    def relabel(self):
        """Labels in the interface language (after a language switch)."""
        for adapter in self.adapters.values():
            adapter.relabel()
        for helper in self.shared.values():  # a shared helper relabels too (BimLegend)
            helper.relabel()
        self.refresh_labels()
        self.request_render()

    def refresh_labels(self):
        self.labels.collect(self.adapters[lyr.id] for lyr in self.layers if lyr.id in self.adapters)

    def _remove(self, layer):
        adapter = self.adapters.pop(layer.id, None)
        if adapter is None:
            return
        self.highlight.forget(layer.id)
        self.hover.forget(layer.id)
        for prop in adapter.props:
            self.renderer.RemoveViewProp(prop)
        self.off_top(adapter.props)
        adapter.close()
        drawn = kinds.of(layer)
        if drawn.ground:
            layer.events.visible.disconnect(self._redrape)
            layer.events.style.disconnect(self._redrape)
            self._redrape()
        if drawn.backdrop:
            layer.events.visible.disconnect(self._reground)
            layer.events.opacity.disconnect(self._reground)
            self._reground()
        self.refresh_labels()
        self.request_render()

    def _reground(self, *_):
        if hasattr(self, "backdrop"):
            self.backdrop.rebuild(self.theme)
        for adapter in self.adapters.values():
            if kinds.of(adapter.layer).ground:
                adapter.apply_visibility()

    def _redrape(self, *_):
        self._reground()
        for adapter in self.adapters.values():
            if not kinds.of(adapter.layer).ground:
                adapter.terrain_changed()
        self.refresh_labels()
        self.request_render()

    def release(self):
        """The window closes: close every adapter and drop every listener of the layers shown.

        psygnal keeps a layer's signal group in a class-level map for as long as the layer lives
        (``SignalGroupDescriptor._instance_map``), so one listener holding any part of the window
        (the tree's tick-box lambda, a panel's) made window, scene, layers and their data a cycle
        rooted in that map: never collected. The project is the window's, nothing else listens."""
        self._render_callback = None
        for adapter in self.adapters.values():
            for prop in adapter.props:
                self.renderer.RemoveViewProp(prop)
            adapter.close()
        self.adapters.clear()
        for ref in self._shown.values():
            layer = ref()
            if layer is not None:
                layer.events.disconnect()
                if layer.view is not None:  # its view state's signals are kept the same way
                    layer.view.events.disconnect()
        self._shown.clear()

    def adapter_for_prop(self, prop):
        for adapter in self.adapters.values():
            if prop in adapter.props:
                return adapter
        return None
