"""``package create``: one GeoPackage holding everything a surveyor needs in the area, offline.

The package is built in a temporary file beside the target and renamed into place
only when complete and verified, so an interrupted run never leaves a half package
under the name the user asked for. The rename only ever replaces a regular file: a
folder, a device or a pipe is refused, and a file that is not a field package is
replaced only with ``force`` (output.py).
"""
from __future__ import annotations

import getpass
import logging
import os
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import shapely

from layers.progress import NULL_PROGRESS, Progress
from offline.guard import StoreRefused
from offline.history import HistoryError
from layers.hub.source import GROUP as HUB_GROUP
from offline.package import area_models, capture, content, listing, qgis_project, records
from offline.package.areas import AreaError
from offline.package.output import check_output
from offline.package.signature import seal

log = logging.getLogger(__name__)
FORMAT_VERSION = "2"  # 2: integer record keys and capture triggers (capture.py); 1 is still read
# Never leaves the operations centre: camera positions (a project may add more, see Project.restricted)
DEFAULT_RESTRICTED = ("sensors:camera_status",)


@dataclass
class PackageRequest:
    out: Path
    area: object                      # shapely polygon, WGS84 lon/lat
    district: str = "custom"
    restricted: tuple = DEFAULT_RESTRICTED
    created_by: str = ""
    project_crs: str = "EPSG:4549"
    hbim_store: Path | None = None    # default: the user's store (layers/paths.py)
    history: Path | None = None       # default: the user's sensor history
    force: bool = False               # replace a file that is not a field package
    language: str = ""                # of the layer names GDAL and QGIS show ("zh"|"en"; "": the interface's)
    counts: dict = field(default_factory=dict)  # filled in: table → rows written


def restricted_of(project_path) -> tuple:
    """The defaults plus a project's ``"restricted": [...]`` list (table names, "sensors:<kind>", "hbim")."""
    from layers.project import ProjectFileError, read_project_file
    if not project_path:
        return DEFAULT_RESTRICTED
    extra = read_project_file(project_path).get("restricted", [])
    if not isinstance(extra, list) or not all(isinstance(v, str) for v in extra):
        raise ProjectFileError(f"{project_path}: damaged project file (restricted must be a list of layer names)")
    return tuple(dict.fromkeys([*DEFAULT_RESTRICTED, *extra]))


def _console_version() -> str:
    from importlib import metadata
    try:
        return metadata.version("songjiang-console")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def _restricted_table(table: str, restricted) -> bool:
    return table in restricted or f"asset:{table}" in restricted


def create_package(req: PackageRequest, progress: Progress = NULL_PROGRESS) -> Path:
    import assets
    from layers import paths
    out = Path(req.out)
    check_output(out, req.force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.part.gpkg")  # GDAL wants the .gpkg extension
    tmp.unlink(missing_ok=True)
    try:
        vectors = area_models.vector_layers()  # the default scene's and the city buildings
        rasters = [d for d in assets.DEFAULT_LAYERS if d["kind"] == "raster"]
        styles, rasters_written = {}, {}
        for i, d in enumerate(vectors):
            table = Path(d["file"]).stem
            if _restricted_table(table, req.restricted):
                continue
            progress.update(0.05 + 0.3 * i / len(vectors), table)
            written = content.write_vector(tmp, assets.path(d["file"]), table, req.area)
            req.counts.update(written)
            styles.update(listing.part_styles(d, written))
        progress.update(0.4, content.SNAPSHOT_TABLE)
        kinds = {r.split(":", 1)[1] for r in req.restricted if r.startswith("sensors:")}
        if "sensors" not in req.restricted:
            req.counts[content.SNAPSHOT_TABLE] = content.write_sensors(
                tmp, req.area, kinds, req.history if req.history is not None else paths.sensor_history())
        for i, d in enumerate(rasters):
            table = Path(d["file"]).stem
            if not _restricted_table(table, req.restricted):
                progress.update(0.5 + 0.1 * i, table)
                written = content.write_raster(tmp, assets.path(d["file"]), table, req.area)
                if written:  # None: the area lies outside this raster
                    styles[written] = rasters_written[written] = d
        if not any(req.counts.values()) and not rasters_written:
            raise AreaError(f"{out}: the area holds none of the console's data (Songjiang lies within "
                            "121.0-121.4°E, 30.9-31.2°N); no package was written")
        progress.update(0.7, "HBIM")
        _write_sql(tmp, req, styles)
        progress.update(0.9, "verify")
        from offline.package.verify import verify
        problems = verify(tmp)
        if problems:
            raise ValueError(f"{out}: the package failed its own checks: {problems[0]}")
        check_output(out, req.force)  # again: the build took a while
        os.replace(tmp, out)
        _fsync_dir(out.parent)  # the rename itself survives a power cut
    except sqlite3.Error as exc:  # a full disk, a folder gone: one line naming the package
        raise OSError(f"{out}: cannot write ({exc})") from exc
    except RuntimeError as exc:
        if isinstance(exc, (StoreRefused, HistoryError)):  # a damaged store says so itself
            raise
        raise OSError(f"{out}: cannot write ({exc})") from exc  # GDAL's errors (pyogrio)
    finally:
        tmp.unlink(missing_ok=True)
    progress.update(1.0, out.name)
    return out


def _fsync_dir(folder: Path):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not every platform opens folders (Windows)
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _interface_language() -> str:
    from layers import i18n
    return i18n.language()


def _author(given: str) -> str:
    try:
        return given or getpass.getuser()
    except (OSError, KeyError):  # no login name (a container, a service account)
        return "unknown"


def _write_sql(tmp: Path, req: PackageRequest, styles: dict):
    from layers import paths
    from offline.hbim_seeding import open_seeded
    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        con.execute("PRAGMA synchronous=OFF")  # a temporary file: fsync'd once before the rename
        records.create_tables(con)
        files = [] if "hbim" in req.restricted else area_models.models_in(req.area)  # heritage and hub BIM
        for model in files:
            records.add_file(con, model.path, model.media_type)
            records.add_tessellation(con, model.path)
            records.add_style(con, model.path.name, {"name_zh": model.name_zh, "name_en": model.name_en,
                                                     "group": "HBIM" if model.heritage else HUB_GROUP})
        models = [m.stem for m in files if m.heritage]  # the models with records
        if models:
            store = open_seeded(req.hbim_store or paths.hbim_store())  # seeded from the models on first use
            store_path = store.path
            store.close()
            req.counts["hbim"] = records.copy_hbim(con, store_path, models)
        req.counts["package_files"] = len(files)
        for table, d in styles.items():
            records.add_style(con, table, d)
        capture.install(con)  # from now on every edit of a record, by any tool, is captured
        records.set_meta(con, {
            "format_version": FORMAT_VERSION, "district": req.district,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "created_by": _author(req.created_by), "console_version": _console_version(),
            "project_crs": req.project_crs, "package_id": str(uuid.uuid4()), "base_version": 0,
            "area_wkt": shapely.to_wkt(req.area, rounding_precision=7),
            "restricted": ",".join(req.restricted)})
        language = req.language or _interface_language()
        listing.present(con, language)  # what GDAL and QGIS list, and by what name
        # the package is also a QGIS/QField project in the console's styles (outside the content checksum)
        out = Path(req.out)
        qgis_project.write_project(con, out.stem, out.name, out.stem, language, _author(req.created_by),
                                   req.project_crs)
        seal(con)  # the content checksum and this centre's signature (signature.py)
        con.execute("VACUUM")  # no free pages: the file holds what it says and nothing else
    finally:
        con.close()
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
