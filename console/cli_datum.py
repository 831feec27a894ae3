"""`songjiang-console datum PROJECT.sjproj`: the project's own datum transformation (Helmert set).

Chinese survey data in Beijing 1954, Xian 1980 or a city grid usually comes with a
7-parameter (Bursa-Wolf) or 4-parameter set from the surveying bureau; PROJ has no
published transformation for most of China, so without one it falls back to a
ballpark route that is 100 m and more off. The set is saved in the project file.
"""
from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a Helmert set is given: pyproj is not every command's start-up cost
    from layers.helmert import DatumShift

CONVENTIONS = ("coordinate_frame", "position_vector")


def add_arguments(p):
    """The options `info` and `datum` share: a Helmert set given on the command line."""
    p.add_argument("--datum-from", metavar="CRS", help="CRS (or datum) the Helmert parameters start from, "
                   "e.g. EPSG:2437 (Beijing 1954 / 3-degree GK CM 120E)")
    p.add_argument("--datum-params", metavar="LIST", help="7 numbers dx,dy,dz (m),rx,ry,rz (arc-seconds),ds (ppm) "
                   "or 4 numbers dx,dy (m),rotation (arc-seconds),ds (ppm)")
    p.add_argument("--convention", choices=CONVENTIONS, default="coordinate_frame",
                   help="rotation sign of a 7-parameter set (default coordinate_frame, the Bursa-Wolf form)")
    p.add_argument("--datum-target", metavar="CRS", default="",
                   help="for a 4-parameter set: the plane it gives coordinates in (default the project CRS)")


def shift_from_args(args) -> DatumShift | None:
    """The DatumShift the options describe, None if none; ValueError with a clear message."""
    if not args.datum_from and not args.datum_params:
        return None
    if not (args.datum_from and args.datum_params):
        raise ValueError("--datum-from and --datum-params go together")
    from layers.helmert import DatumShift
    return DatumShift.parse(args.datum_from, args.datum_params, convention=args.convention,
                            target=args.datum_target)


def add_subcommand(sub):
    d = sub.add_parser("datum", help="show or set the project's own datum transformation (Helmert parameters)")
    d.add_argument("project", help="a saved .sjproj project")
    add_arguments(d)
    d.add_argument("--clear", action="store_true", help="remove the project's datum transformation")
    d.set_defaults(func=cmd_datum)


def cmd_datum(args) -> int:
    from layers.files import atomic_write
    from layers.project import read_project_file
    doc = read_project_file(args.project)
    crs = doc.setdefault("crs", {})
    shift = shift_from_args(args)
    if args.clear:
        crs.pop("datum_shift", None)
    elif shift is not None:
        crs["datum_shift"] = shift.to_dict()
    if args.clear or shift is not None:
        text = json.dumps(doc, ensure_ascii=False, indent=2)
        atomic_write(args.project, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    sys.stdout.write(json.dumps(crs.get("datum_shift"), ensure_ascii=False) + "\n")
    return 0
