"""The error every reader raises (files, IFC models, sources): one line naming the file and why."""
from __future__ import annotations

from pathlib import Path


class ReadError(Exception):
    """A file the console cannot read; ``str()`` is one line naming the file and why."""

    def __init__(self, path, reason: str):
        self.path = path if isinstance(path, str) and "://" in path else Path(path)  # URLs stay URLs
        self.reason = " ".join(str(reason).split())  # one line, whatever a library's message held
        super().__init__(f"{self.path}: {self.reason}")


def library_text(exc: BaseException, path=None, limit: int = 200) -> str:
    """A library's own words for ``exc`` (libtiff/GDAL, SQLite, the IFC engine), for inside a sentence of ours.

    Library text is English whatever the interface language, so it is never a whole
    reason: it goes in the parentheses of a catalogued frame ("cannot read the raster
    (…)", layers/messages.py) that is translated around it. The innermost message of the
    chain is the one that says what was wrong (rasterio's "Read failed. See previous
    exception for details." says nothing); the file's own name, which libtiff puts first,
    is dropped since the frame names the file.
    """
    texts, seen, e = [], set(), exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        text = " ".join(str(e).split())
        if text and "see previous exception" not in text.lower():
            texts.append(text)
        e = e.__cause__ or e.__context__
    text = texts[-1] if texts else type(exc).__name__
    if path is not None:
        for prefix in (str(path), Path(str(path)).name):
            if prefix and text.startswith(prefix):
                text = text[len(prefix):].lstrip(" ,:")
                break
    return text if len(text) <= limit else text[: limit - 1] + "…"
