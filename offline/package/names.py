"""What a package may name: its id and its members are data, never paths.

A package comes from outside (a laptop, a USB stick, a mail): ``package_id`` picks the folder
field mode extracts into and member names pick the files there, so an id that is a path
(``/home/li``, ``../..``) or a member named ``../x`` or ``.bashrc`` would write wherever the
package says. verify refuses such a package, and extraction checks again (extract.py).
"""
from __future__ import annotations

import re

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# no separators, drive or stream colons, wildcards, quotes or control characters (any platform)
_PLAIN = re.compile(r"[^\x00-\x1f\x7f/\\:*?\"<>|]{1,200}")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def is_package_id(value) -> bool:
    """A UUID in its canonical lower-case form, as ``package create`` writes it."""
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def is_plain_name(value) -> bool:
    """A plain, visible file name: no folder part, no leading dot, nothing a platform reads specially."""
    return (isinstance(value, str) and _PLAIN.fullmatch(value) is not None and not value.startswith(".")
            and value == value.rstrip(". ") and value == value.lstrip()
            and value.split(".")[0].upper() not in _RESERVED)


def shown(value, limit: int = 80) -> str:
    """A value from the package as it may appear in a one-line message (quoted, escaped, cut)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"
