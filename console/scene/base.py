"""What every layer adapter does: own its VTK props and follow its layer's events."""
from __future__ import annotations


class LayerAdapter:
    """Builds VTK props for one layer; the scene adds them to its renderer."""

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
