"""A package's QGIS project and styles must not carry code QGIS would run.

The project (``qgis_projects``) and default styles (``layer_styles``) are outside the content
checksum, so that a surveyor may re-save them in QGIS (offline/package/checksum.py). That also means
anyone can put something there after the centre signed the package, and QGIS runs some of what a
project or style may hold: Python macros and project expression functions (``pythonCode``), a
form's Python init code, and layer actions that start programs or Python. The console never
writes any of these (offline/package/qgis_project.py), so ``package verify`` refuses a package
that carries them, before a surveyor opens it in QGIS.

Read as text, never parsed as XML: a crafted project could hold an entity bomb, and QGIS itself
declares no entity (its DOCTYPE names qgis.dtd only), so an entity is refused too. Sizes are capped before anything is unzipped.
"""
from __future__ import annotations

import io
import re
import sqlite3
import zipfile

MAX_TEXT = 64 * 2 ** 20     # a project or style larger than this is not one the console or QGIS makes
_RUNS = [
    (re.compile(r"<pythonCode\b(?![^>]*/>)[^>]*>(?P<body>.*?)</pythonCode>", re.S | re.I), "Python macros or functions"),
    # a form runs Python when it names an init function, or takes code from a file, the dialog or the
    # environment (source 1-3); the template comment QGIS itself writes into editforminitcode runs nowhere
    (re.compile(r"<editforminit\b(?![^>]*/>)[^>]*>(?P<body>.*?)</editforminit>", re.S | re.I), "a form init Python function"),
    (re.compile(r"<editforminitcodesource\b[^>]*>\s*(?P<body>[1-3])\s*<", re.I), "form init Python code"),
    # QgsAction types 0-4: generic command, Python, macOS, Windows and Unix commands (5+: open a URL)
    (re.compile(r"<actionsetting\b[^>]*\btype=[\"'](?P<body>[0-4])[\"']", re.I), "an action that runs a command"),
    (re.compile(r"<!ENTITY", re.I), "an XML entity (QGIS writes none)"),
]


def code_problems(con: sqlite3.Connection) -> list[str]:
    """One line per project or style that carries code QGIS would run; [] when there is none."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    out = []
    if "qgis_projects" in tables:
        for name, content in con.execute("SELECT name, content FROM qgis_projects"):
            out += [f"qgis project: {_shown(name)} {why}" for why in _project_problems(content)]
    if "layer_styles" in tables:
        for name, qml in con.execute("SELECT f_table_name, styleQML FROM layer_styles"):
            out += [f"qgis project: the style of {_shown(name)} {why}" for why in _text_problems(qml)]
    return out


def _project_problems(content) -> list[str]:
    """QGIS keeps the zipped project as a hex string (or, written by others, as bytes)."""
    try:
        data = bytes.fromhex(content) if isinstance(content, str) else bytes(content or b"")
    except (ValueError, TypeError):
        return ["is not a zipped QGIS project"]
    if len(data) > MAX_TEXT:
        return ["is larger than any QGIS project the console makes"]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [m for m in z.infolist() if m.filename.lower().endswith(".qgs")]
            if not members or sum(m.file_size for m in members) > MAX_TEXT:
                return ["is not a zipped QGIS project of a sensible size"]
            return [p for m in members for p in _text_problems(z.read(m))]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return ["is not a zipped QGIS project"]


def _text_problems(text) -> list[str]:
    if text is None:
        return []
    if isinstance(text, (bytes, bytearray)):
        if len(text) > MAX_TEXT:
            return ["is larger than any style the console makes"]
        text = bytes(text).decode("utf-8", "replace")
    if len(text) > MAX_TEXT:
        return ["is larger than any style the console makes"]
    found = []
    for pattern, what in _RUNS:
        if any(m.group("body").strip() if "body" in pattern.groupindex else True for m in pattern.finditer(text)):
            found.append(f"carries {what}, which QGIS would run; the console never writes it")
    return found


def _shown(name) -> str:
    return repr(str(name)[:60])
