"""What every layer adapter does: own its VTK props and follow its layer's events.

``SceneAdapter`` is what the scene, picking, labels, highlights and exports may ask
of any adapter; ``LayerAdapter`` answers all of it with "nothing here", so a kind
overrides only what it has (no ``hasattr`` probes: tests/test_kind_registries.py).
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class SceneAdapter(Protocol):
    layer: object
    props: list
    exact_pick: bool  # answers a click itself (``pick_display``) instead of through the cell picker
    grid: object      # the ground's (xs, ys, z drawn) mesh, for the kind that is the ground (terrain)

    def apply_visibility(self) -> None: ...
    def terrain_changed(self) -> None: ...
    def theme_changed(self) -> None: ...
    def relabel(self) -> None: ...
    def label_points(self): ...
    def opaque_extent(self): ...
    def pick_tiers(self) -> list[list]: ...
    def pick_feature(self, prop, cell_id: int): ...
    def pick_display(self, dx: float, dy: float): ...
    def pick_symbol(self, dx: float, dy: float): ...
    def scene_position(self, feature: int): ...
    def outline(self, features): ...
    def locators(self) -> list: ...
    def set_print_scale(self, k: float) -> None: ...
    def close(self) -> None: ...


class LayerAdapter:
    """Builds VTK props for one layer; the scene adds them to its renderer."""

    exact_pick = False
    grid = None

    def __init__(self, layer, scene):
        self.layer = layer
        self.scene = scene
        self.props = []
        self.build()
        self.apply_visibility()
        layer.events.visible.connect(self._on_visible)
        layer.events.opacity.connect(self._on_style)
        layer.events.style.connect(self._on_style)
        layer.events.data.connect(self._on_data)

    def build(self):
        raise NotImplementedError

    def apply_style(self):
        """Re-apply opacity/style to the existing props (cheap; no rebuild)."""

    def rebuild(self):
        for p in self.props:
            self.scene.renderer.RemoveViewProp(p)
        self.scene.off_top(self.props)
        self.props = []
        self.build()
        for p in self.props:
            self.scene.renderer.AddViewProp(p)
        self.apply_visibility()

    def apply_visibility(self):
        for p in self.props:
            p.SetVisibility(bool(self.layer.visible))

    def terrain_changed(self):
        """The ground under this layer moved (terrain added, removed, hidden or re-exaggerated)."""

    def pick_tiers(self) -> list[list]:
        """This layer's props from the one drawn on top to the one drawn under (draped layers draw
        points over lines over fills, whatever their height): picking tries them in this order."""
        return [self.props]

    def pick_feature(self, prop, cell_id: int):
        """Map a picked (prop, cell) to a feature index of this layer, or None."""
        return None

    def pick_display(self, dx: float, dy: float):
        """The feature under display pixel (dx, dy), for an adapter with ``exact_pick``."""
        return None

    def pick_symbol(self, dx: float, dy: float):
        """The feature whose screen-size symbol, drawn over everything, is under (dx, dy), or None."""
        return None

    def scene_position(self, feature: int):
        """A feature's position (project CRS), for a hover marker; None: not a point."""
        return None

    def outline(self, features):
        """vtkPolyData outlining these features (the hover highlight); None: use the data's geometry."""
        return None

    def locators(self) -> list:
        """Cell locators the picker may use for big meshes (city buildings)."""
        return []

    def theme_changed(self):
        """Light or wall theme: recolour what depends on it."""

    def relabel(self):
        """The interface language changed."""

    def label_points(self):
        """(xyz, texts, priority) of this layer's place names, or None."""
        return None

    def opaque_extent(self):
        """(xmin, ymin, xmax, ymax) this layer covers opaquely (a base map), or None."""
        return None

    def set_print_scale(self, k: float):
        """An export page draws at ``k`` times the screen's line widths and symbol sizes."""

    def close(self):
        self.layer.events.visible.disconnect(self._on_visible)
        self.layer.events.opacity.disconnect(self._on_style)
        self.layer.events.style.disconnect(self._on_style)
        self.layer.events.data.disconnect(self._on_data)

    def _on_data(self, *_):
        """New data on the same layer (an edit, a re-read): rebuild the props in place."""
        self.rebuild()
        self.scene.refresh_labels()
        self.scene.request_render()

    def _on_visible(self, *_):
        self.apply_visibility()
        self.scene.refresh_labels()
        self.scene.request_render()

    def _on_style(self, *_):
        self.apply_style()
        self.scene.refresh_labels()
        self.scene.request_render()
