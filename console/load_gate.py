"""A batch of layers that holds a terrain: the others reach the scene after it, not before.

The loader reads two sources at once and hands each over as it finishes. Imagery and vector layers
lie on the terrain: one that arrives first is built on flat ground, then rebuilt when the terrain
comes (Scene._redrape: the draped base map's texture and mesh, every vector's heights and labels), on
the GUI thread, on the way to the window's first frame (py-spy: ~0.5–1 s of it here). So within one
``load_specs`` batch that has a terrain (its spec's role), what finishes before the terrain waits for
it; failures are told at once. The terrain failing or being cancelled lets the rest through as read.
"""
from __future__ import annotations


class TerrainFirst:
    def __init__(self, deliver, specs):
        self.deliver = deliver  # the window's insertion of loaded layers
        self.active = any(spec.role == "terrain" for spec in specs)  # else everything passes straight on
        self.pending = 0        # terrain loads of the batch not ended yet
        self.held: list = []

    def on_loaded(self, spec):
        """What the loader calls with ``spec``'s layers."""
        if not self.active:
            return self.deliver
        if spec.role == "terrain":
            self.pending += 1
            return self._terrain_ended
        return self._other

    def watch(self, spec, job):
        """The terrain's load job failing or cancelled ends the wait too (a failure is told as ever)."""
        if self.active and spec.role == "terrain":
            job.on("failed", lambda _msg: self._terrain_ended([])).on("cancelled", lambda: self._terrain_ended([]))
        return job

    def _other(self, layers):
        if self.pending:
            self.held.append(layers)
        else:
            self.deliver(layers)

    def _terrain_ended(self, layers):
        self.pending -= 1
        if layers:
            self.deliver(layers)
        if not self.pending:
            held, self.held = self.held, []
            for other in held:
                self.deliver(other)
