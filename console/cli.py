"""Command line: open the window, or run headless tools (snapshot, info, sensors).

Every failure a user can cause (a bad file, an unknown view) ends in one line on
stderr and a non-zero exit code, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from layers import districts
from layers.errors import ReadError

log = logging.getLogger("songjiang-console")

VIEWS = districts.VIEWS
# What refuses a damaged or foreign store (exit 3), by module: looked up only when a command failed
# and only in modules it imported (an error of a module never imported cannot have been raised), so
# a command (`info` on a GeoJSON) pays for no store module it does not use.
REFUSALS = (("offline.guard", "StoreRefused"), ("offline.history", "HistoryError"))


def _refusals() -> tuple:
    return tuple(getattr(sys.modules[mod], name) for mod, name in REFUSALS if mod in sys.modules)


def _views(text: str) -> list[str]:
    views = [v.strip() for v in text.split(",") if v.strip()]
    if not views:
        raise argparse.ArgumentTypeError("give bookmark names separated by commas")
    return views


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1600x900, not {text!r}") from None
    if not (16 <= w <= 16384 and 16 <= h <= 16384):
        raise argparse.ArgumentTypeError("size must be between 16 and 16384 pixels a side")
    return w, h


def _scale(text: str) -> int:
    from console.export.print_scale import parse_scale
    try:
        return parse_scale(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _hostport(text: str) -> tuple[str, int]:
    from console.cli_sensors import _hostport as parse
    return parse(text)


def _when(text: str) -> float:
    from datetime import datetime, timedelta, timezone
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"time must be ISO 8601 or seconds since 1970, not {text!r}") from None
    if moment.tzinfo is None:  # the console's users read China Standard Time
        moment = moment.replace(tzinfo=timezone(timedelta(hours=8)))
    return moment.timestamp()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="songjiang-console",
                                description="Songjiang New City operations console (松江新城运行控制台)")
    p.add_argument("--version", action="version", version="%(prog)s 0.1.0")
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command")

    op = sub.add_parser("open", help="open the window (the default command)")
    op.add_argument("files", nargs="*", help="GeoJSON, GeoPackage, GeoTIFF, IFC or .sjproj files")
    op.add_argument("--crs", dest="assume_crs", help="CRS of the files when they do not say (e.g. GCJ-02)")
    op.add_argument("--view", choices=VIEWS, help="bookmark to start on")
    op.add_argument("--lang", choices=("zh", "en"), help="interface language (remembered)")
    op.add_argument("--font-scale", type=float, metavar="F", help="interface font size factor, e.g. 2 for a "
                    "3840×2160 wall read from 3 m (remembered; 0: automatic, 2× on a 4K wall)")
    op.add_argument("--project-crs", help="projected CRS the scene works in (default EPSG:4549)")
    op.add_argument("--mqtt", type=_hostport, metavar="HOST:PORT",
                    help="listen to this MQTT broker (SensorThings and batch topics) instead of the demo simulator")
    op.add_argument("--no-feed", action="store_true", help="no demo simulator (only a broker given with --mqtt)")
    op.add_argument("--no-dialogs", action="store_true", help="never open a dialog box (errors go to the status "
                    "bar and the log; a damaged store is not offered a fresh one): for scripts and kiosks")
    op.add_argument("--demo", choices=("hbim", "sensors"),
                    help="once loaded, run a scripted demo: fly to the bridge and open arch ring 3 (hbim), "
                         "or select a terminal in alarm (sensors)")
    op.add_argument("--tls-ca", metavar="FILE", help="CA bundle of the broker; enables TLS")
    op.add_argument("--username", help="MQTT user; the password is read from the OS keyring")
    op.add_argument("--allow-insecure", action="store_true", help="send the MQTT password without TLS")
    op.add_argument("--client-id", help="persistent MQTT session id (the broker keeps readings while away)")
    op.add_argument("--history", metavar="FILE", help="sensor history to record into and replay from "
                    "(default: sensor-history.sqlite in the user data folder)")
    op.add_argument("--sta", metavar="URL", help="SensorThings server (…/v1.1) whose Things are the terminals "
                    "(instead of the built-in 200,000)")
    op.add_argument("--offline", metavar="FILE.gpkg", help="field mode: open this field package with no "
                    "network (its layers, HBIM models and records, sensor snapshot)")
    op.add_argument("--exit-after", type=float, metavar="S", help="close the window cleanly after S seconds")
    op.add_argument("--profile", metavar="NAME[/TEAM]", help="who records field edits on this machine "
                    "(saved for later sessions)")
    op.add_argument("--store", metavar="STORE", help="operations-centre store to follow and sync into: an SQLite "
                    "file or postgresql://… (default for sync: $SONGJIANG_STORE or ops-store.sqlite). Given, the "
                    "window shows the readings the recorders stored and the alarm service's alarms, and starts "
                    "no feed of its own (with --mqtt it listens to the broker itself and only syncs into the "
                    "store). No password here: PGPASSWORD, ~/.pgpass or the OS keyring")
    op.add_argument("--screenshot", help=argparse.SUPPRESS)
    op.add_argument("--bench-first-frame", action="store_true", help=argparse.SUPPRESS)
    op.add_argument("--pick", help=argparse.SUPPRESS)  # "lon,lat": click there before --screenshot
    op.set_defaults(func=cmd_open)

    sn = sub.add_parser("snapshot", help="export a view as PNG, PDF or GeoTIFF offscreen (no window)")
    sn.add_argument("files", nargs="*", help="a saved .sjproj project and/or files to show on top of "
                    "the default scene (embedded data, HBIM models, sensors)")
    sn.add_argument("--view", choices=VIEWS, help="bookmark to render (default: a project's saved camera, "
                    "else new-city)")
    sn.add_argument("--views", type=_views, metavar="A,B,…", help="several bookmarks: one file each in "
                    "--out-dir, or one page each of a PDF --out")
    sn.add_argument("--atlas", choices=("districts",), help="a PDF atlas: a contents page, then a page per key "
                    "district at its best scale (or --scale), e.g. --atlas districts --out atlas.pdf --paper A3")
    sn.add_argument("--offline", metavar="FILE.gpkg", help="render a field package's scene (as field mode "
                    "shows it) instead of the embedded one; framed on its area unless --view is given")
    sn.add_argument("--time", type=_when, help="show the sensor layer as recorded at this moment "
                    "(ISO 8601, e.g. 2026-11-29T08:30+08:00, or seconds since 1970)")
    sn.add_argument("--history", metavar="FILE", help="sensor history to read (default: sensor-history.sqlite "
                    "in the user data folder)")
    sn.add_argument("--size", type=_size, default=(1600, 900), help="PNG/GeoTIFF WIDTHxHEIGHT (default 1600x900, "
                    "up to 7680x4320)")
    where = sn.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", help="file to write: .png, .pdf (A4/A3 page) or .tif (georeferenced, top-down)")
    where.add_argument("--out-dir", help="folder for one file per --views entry")
    sn.add_argument("--format", choices=("png", "pdf", "tif"), default="png", help="with --out-dir (default png)")
    sn.add_argument("--paper", choices=("A4", "A3"), default="A4", help="PDF paper (default A4)")
    sn.add_argument("--portrait", action="store_true", help="PDF in portrait (default landscape)")
    sn.add_argument("--scale", type=_scale, metavar="1:N", help="PDF map scale (default: the first of 1:2,000, "
                    "1:5,000, 1:10,000, 1:25,000, 1:50,000 at which the district fits the page)")
    sn.add_argument("--style", choices=("map", "view"), default="map", help="PDF: a top-down map at a true scale "
                    "with a scale bar (default), or the 3D view as a picture (perspective, not to scale)")
    sn.add_argument("--dpi", type=int, default=300, help="PDF resolution of the map (default 300)")
    sn.add_argument("--title", default="", help="title on the map (default: the view's name)")
    sn.add_argument("--subtitle", default="")
    sn.add_argument("--author", default="", help="who made the map (footer and metadata)")
    sn.add_argument("--theme", choices=("light", "wall"),
                    help="the map's look: light (default; a saved project's own otherwise) or the dark video-wall one")
    sn.add_argument("--bare", action="store_true", help="PNG of the 3D view only: no title, legend or footer")
    sn.add_argument("--crs", dest="assume_crs", help="CRS of the files when they do not say")
    sn.add_argument("--project-crs", help="projected CRS the scene works in (default EPSG:4549)")
    sn.add_argument("--lang", choices=("zh", "en"), help="language of the map and of errors (default: zh "
                    "for the map, the system locale for errors)")
    sn.set_defaults(func=cmd_snapshot)

    rp = sub.add_parser("report", help="the daily report: a PDF page per key district with its vital signs "
                        "and open alarms (for a cron job or systemd timer)")
    rp.add_argument("files", nargs="*", help="a saved .sjproj project (default: the default scene)")
    rp.add_argument("--out", required=True, help="PDF file to write")
    rp.add_argument("--time", type=_when, help="the moment reported (default: the latest recorded)")
    rp.add_argument("--history", metavar="FILE", help="sensor history to report from (default: "
                    "sensor-history.sqlite in the user data folder)")
    rp.add_argument("--paper", choices=("A4", "A3"), default="A4")
    rp.add_argument("--portrait", action="store_true")
    rp.add_argument("--dpi", type=int, default=200)
    rp.add_argument("--title", default="")
    rp.add_argument("--author", default="", help="who the report is from (footer and metadata)")
    rp.add_argument("--lang", choices=("zh", "en"), help="default: zh for the report, the system locale for errors")
    rp.set_defaults(func=cmd_report)

    inf = sub.add_parser("info", help="describe what the console reads in a file (like ogrinfo/gdalinfo)")
    inf.add_argument("file", help="a data file or a saved .sjproj project")
    inf.add_argument("--json", action="store_true", help="print JSON")
    inf.add_argument("--crs", dest="assume_crs", help="CRS of the file when it does not say")
    from console.cli_datum import add_arguments, add_subcommand
    add_arguments(inf)
    inf.set_defaults(func=cmd_info)
    add_subcommand(sub)
    from console.cli_package import add_subcommand as add_package
    from console.cli_sync import add_subcommands as add_sync
    add_sync(sub, package=add_package(sub))  # create/verify, then sync/conflicts/photo
    from console.cli_store import add_subcommand as add_store
    add_store(sub)
    from console.cli_alarms import add_subcommand as add_alarms
    add_alarms(sub)

    try:
        from console.cli_sensors import add_subcommands
        add_subcommands(sub)
    except ImportError as exc:  # the sensor tools are optional in a partial install
        log.debug("sensor commands unavailable: %s", exc)
    return p


def cmd_snapshot(args) -> int:
    from layers import i18n
    args.lang = args.lang or "zh"  # the map's language; errors follow an explicit --lang or the locale
    i18n.set_language(args.lang)
    if args.atlas and (args.view or args.views or args.out_dir or args.bare):
        raise ValueError("--atlas makes its own pages: give --out FILE.pdf without --view, --views, --out-dir or --bare")
    if args.atlas and Path(args.out).suffix.lower() != ".pdf":
        raise ValueError(f"{args.out}: an atlas is a PDF (give --out FILE.pdf)")
    if args.offline and not args.view and not args.views and not args.atlas:
        args.view = "package"  # the package's own area (console/field.py)
    views = args.views or [args.view]
    from offline.workspace import Workspace
    workspace = Workspace.open(args.offline, at_time=args.time, history=args.history)  # as the window's --offline
    if args.bare:
        from console.snapshot import snapshot
        if len(views) != 1 or args.out_dir:
            raise ValueError("--bare writes one PNG: give --view and --out")
        out = snapshot(args.view, args.size, args.out, args.files, args.assume_crs, args.project_crs,
                       at_time=args.time, theme=args.theme, workspace=workspace)
        sys.stdout.write(f"{out}\n")
        return 0
    from console.export import ExportRequest, export, export_views
    from console.snapshot import build_project
    project = build_project(args.files, args.assume_crs, project_crs=args.project_crs, at_time=args.time,
                            workspace=workspace)
    project.theme = args.theme or project.theme
    common = dict(size=args.size, paper=args.paper, landscape=not args.portrait, dpi=args.dpi, title=args.title,
                  subtitle=args.subtitle, author=args.author, lang=args.lang, scale=args.scale, style=args.style,
                  atlas=args.atlas)
    for v in views:
        if v is not None and v not in project.bookmarks:
            raise KeyError(f"unknown view {v!r}; choose from {', '.join(project.bookmarks)}")
    if args.out_dir:
        outs = export_views(project, views, Path(args.out_dir), args.format, **common)
    else:
        outs = [export(project, ExportRequest(out=Path(args.out), views=views, **common))]
    sys.stdout.write("".join(f"{o}\n" for o in outs))
    return 0


def cmd_report(args) -> int:
    from layers import i18n
    from console.export import ExportRequest
    from console.export.report import write_daily_report
    from console.snapshot import build_project
    from console.export.sensor_data import NO_SENSOR_DATA, has_sensor_data, no_history_text, sensor_model
    from layers.messages import system_language
    said_in, args.lang = args.lang or system_language(), args.lang or "zh"
    i18n.set_language(args.lang)
    from offline.workspace import Workspace
    project = build_project(args.files, at_time=args.time,
                            workspace=Workspace.open(at_time=args.time, history=args.history))
    out = write_daily_report(project, ExportRequest(out=Path(args.out), paper=args.paper, landscape=not args.portrait,
                                                    dpi=args.dpi, title=args.title, author=args.author,
                                                    lang=args.lang))
    sys.stdout.write(f"{out}\n")
    if not has_sensor_data(project):  # written, but a cron job must not file it as a normal day
        model = sensor_model(project)
        source = f" ({model.history_path})" if model is not None and model.history_path else ""
        sys.stderr.write(f"songjiang-console: {out}: {no_history_text(said_in)}{source}\n")
        return NO_SENSOR_DATA
    return 0


def cmd_info(args) -> int:
    from console.cli_datum import shift_from_args
    from console.info import describe, format_text
    from layers.crs import ProjectCRS
    report = describe(args.file, args.assume_crs, ProjectCRS(datum_shift=shift_from_args(args)),
                      workspace=_package_workspace(args.file))
    text = json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_text(report)
    sys.stdout.write(text + "\n")
    return 0


def _package_workspace(path):
    """The field workspace a package opens as (checked first, as snapshot and the window open it), else None.

    Only a SQLite file can be a package: any other file (GeoJSON, GeoTIFF, IFC) is described without
    importing the package checks or the workspace (issue 25: `info` pays only for its format)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return None
    except OSError:
        return None  # describe names the file and the reason
    from offline.package.verify import is_package
    if not is_package(path):
        return None
    from offline.workspace import Workspace
    return Workspace.open(path, history="")


def cmd_open(args) -> int:
    from console import store_login
    store_login.refuse_argv_password(args.store)  # a usage error first; the window's Workspace then holds it
    from console.start import run
    if args.profile:
        from offline.field.profile import set_from_text
        set_from_text(args.profile)
    return run(args)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = {"open", "snapshot", "report", "info", "datum", "simulate", "record", "broker-config", "package", "store", "alarms", "-h", "--help",
                "--version"}
    flags = 0
    while flags < len(argv) and argv[flags] in ("-v", "--verbose"):  # the global flag goes before the command
        flags += 1
    if flags == len(argv) or argv[flags] not in commands:  # also `songjiang-console --offline FILE.gpkg`
        argv = [*argv[:flags], "open", *argv[flags:]]
    args = parser.parse_args(argv)
    from layers import i18n
    i18n.load_all()  # every catalogue, explicitly (importing one registers nothing)
    from layers.messages import localize, system_language
    error_lang = getattr(args, "lang", None) or system_language()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command != "open":
        from console.stop import exit_on_sigterm
        exit_on_sigterm()  # a kill runs the clean-up (temporary files) instead of skipping it
    try:
        return int(args.func(args) or 0)
    except ReadError as exc:
        sys.stderr.write(f"songjiang-console: {localize(str(exc), error_lang)}\n")
        return 2
    except _refusals() as exc:  # a damaged or foreign store: the file named, left as it was
        sys.stderr.write(f"songjiang-console: {localize(str(exc), error_lang)}\n")
        return 3
    except (KeyError, ValueError, OSError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        sys.stderr.write(f"songjiang-console: {localize(str(msg), error_lang)}\n")
        return 2
    except KeyboardInterrupt:
        return 130
