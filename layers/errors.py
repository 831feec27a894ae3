"""The error every reader raises (files, IFC models, sources): one line naming the file and why."""
from __future__ import annotations

from pathlib import Path


class ReadError(Exception):
    """A file the console cannot read; ``str()`` is one line naming the file and why."""

    def __init__(self, path, reason: str):
        self.path = path if isinstance(path, str) and "://" in path else Path(path)  # URLs stay URLs
        self.reason = " ".join(str(reason).split())  # one line, whatever a library's message held
        super().__init__(f"{self.path}: {self.reason}")
