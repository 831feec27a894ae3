"""The 3D scene: one adapter per layer kind, bound to the layer model."""
