"""`songjiang-console package create|verify|sign|qgis`: field packages for surveyors working offline.

`create` writes one GeoPackage for a district, the whole new city or a drawn polygon;
`verify` runs the checks every open runs and says the first failing check in one line; on the
centre's machine (which holds the signing key) "ok" also means the centre made the package.
`qgis` writes the package's QGIS project as a .qgz file beside it, the project file QField opens.
"""
from __future__ import annotations

import sys
from pathlib import Path

from layers.districts import DISTRICT_IDS, WHOLE


def add_subcommand(sub):
    pk = sub.add_parser("package", help="field packages (one GeoPackage per area) for offline work")
    cmds = pk.add_subparsers(dest="package_command", required=True)
    cr = cmds.add_parser("create", help="write a field package for a district or a polygon")
    where = cr.add_mutually_exclusive_group(required=True)
    where.add_argument("--district", choices=DISTRICT_IDS, help=f"a key district, or {WHOLE} for all of it")
    where.add_argument("--polygon", metavar="WKT|FILE", help="a polygon in WGS84 lon/lat: WKT text, "
                       "or a .wkt/.geojson file")
    cr.add_argument("--out", required=True, help="the .gpkg file to write (an older package there is replaced "
                    "when complete; a folder or device never is)")
    cr.add_argument("--force", action="store_true", help="replace --out even when it is not a field package")
    cr.add_argument("--project", metavar="FILE.sjproj", help="take the restricted layers from this project")
    cr.add_argument("--author", default="", help="who made the package (default: the login name)")
    cr.add_argument("--lang", choices=("zh", "en"), help="language of errors, and of the layer names GDAL and QGIS "
                    "show (default: Chinese)")
    cr.set_defaults(func=cmd_create)
    ve = cmds.add_parser("verify", help="check a field package (GeoPackage rules, files, checksum)")
    ve.add_argument("file")
    ve.add_argument("--lang", choices=("zh", "en"), help="language of errors")
    ve.set_defaults(func=cmd_verify)
    si = cmds.add_parser("sign", help="vouch for a package this centre did not sign (made before signatures or "
                         "by another centre): every other check must pass")
    si.add_argument("file")
    si.add_argument("--lang", choices=("zh", "en"), help="language of errors")
    si.set_defaults(func=cmd_sign)
    qg = cmds.add_parser("qgis", help="write the package's QGIS project as a .qgz file beside it (what QField "
                         "opens: copy both into one folder)")
    qg.add_argument("file")
    qg.add_argument("--out", help="the .qgz file to write (default: beside the package, FILE.qgz)")
    qg.add_argument("--lang", choices=("zh", "en"), help="language of errors and of the project's layer names "
                    "(default: Chinese)")
    qg.set_defaults(func=cmd_qgis)
    return cmds


def cmd_create(args) -> int:
    from offline.package import PackageRequest, create_package
    from offline.package.areas import district_area, polygon_area
    from offline.package.create import restricted_of
    area = district_area(args.district) if args.district else polygon_area(args.polygon)
    req = PackageRequest(out=Path(args.out), area=area, district=args.district or "custom",
                         restricted=restricted_of(args.project), created_by=args.author, force=args.force,
                         language=args.lang or "zh")
    out = create_package(req)
    size = out.stat().st_size / 1e6
    sys.stdout.write(f"{out} ({size:.1f} MB): " + ", ".join(f"{k} {v}" for k, v in req.counts.items()) + "\n")
    return 0


def cmd_verify(args) -> int:
    from layers.messages import localize, system_language
    from offline.package import verify
    from offline.package.signature import load_key
    problems = verify(args.file)
    if problems:
        check, _, detail = problems[0].partition(": ")
        text = f"{args.file}: field package refused by the {check} check ({detail})"
        sys.stderr.write(f"songjiang-console: {localize(text, args.lang or system_language())}\n")
        return 3
    signed = "signed by this centre" if load_key() is not None else \
        "whole; who made it is not checked (this machine holds no centre key)"
    sys.stdout.write(f"{args.file}: ok ({signed})\n")
    return 0


def cmd_sign(args) -> int:
    from offline.package.adopt import adopt
    adopt(args.file)  # StoreRefused (exit 3) when any other check fails
    sys.stdout.write(f"{args.file}: signed by this centre\n")
    return 0


def cmd_qgis(args) -> int:
    from offline.package.qfield import write_qgz
    out = write_qgz(args.file, args.out, args.lang or "zh")  # StoreRefused (exit 3) when a check fails
    sys.stdout.write(f"{out}: QGIS project of {args.file} (QField: import the folder holding both)\n")
    return 0
