"""The one error IFC loading raises: a line naming the file and the reason."""
from __future__ import annotations

from layers.errors import ReadError


class IfcReadError(ReadError):
    """An IFC file the console cannot read (bad content, crash, limit, timeout)."""
