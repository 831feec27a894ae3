"""A package holds the BIM and the city buildings of its area (issue 23 item 5).

The hub's package carried none of the hub's BIM (the station, the CBD towers) and no package carried
the generated city buildings, so a surveyor in the field saw neither. Here a hub package is made and
read back as field mode reads it: the two hub models come out of it, byte-identical to the shipped
files, and its buildings table holds exactly the city buildings touching the area.
"""
from __future__ import annotations

import hashlib
import sqlite3

import pyogrio.raw
import shapely

import assets
from layers.hub.source import models_dir
from offline.package.areas import district_area
from offline.package.content import area_in
from offline.package.create import PackageRequest, create_package

HUB_FILES = {"hub_station.ifc", "hub_towers.ifczip"}


def _make(tmp_path, district):
    req = PackageRequest(out=tmp_path / f"{district}.gpkg", area=district_area(district), district=district,
                         hbim_store=tmp_path / "hbim.sqlite", history=tmp_path / "none.sqlite",
                         restricted=("sensors",))
    create_package(req)
    return req


def _buildings_in(area) -> int:
    meta, _, geom, _ = pyogrio.raw.read(assets.path("buildings.gpkg"))
    return int(shapely.intersects(shapely.from_wkb(geom), area_in(area, meta["crs"])).sum())


def test_the_hub_package_holds_the_hub_bim_and_its_buildings(tmp_path, monkeypatch):
    req = _make(tmp_path, "hub")
    con = sqlite3.connect(req.out)
    try:
        files = {n: (m, d) for n, m, d in con.execute("SELECT name, media_type, sha256 FROM package_files")}
        groups = dict(con.execute("SELECT table_name, grp FROM package_styles"))
        buildings = con.execute("SELECT count(*) FROM buildings").fetchone()[0]
        srs = con.execute("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name='buildings'").fetchone()[0]
    finally:
        con.close()
    assert set(files) == HUB_FILES  # no heritage model stands in the hub
    for name, (media, digest) in files.items():
        assert digest == hashlib.sha256((models_dir() / name).read_bytes()).hexdigest()
        assert media == ("application/zip" if name.endswith(".ifczip") else "application/x-step")
        assert groups[name] == "Hub BIM"
    assert srs == 4549 and buildings == _buildings_in(req.area) == req.counts["buildings"] > 100
    # field mode takes both models out of the package
    from offline.package import open_package
    from offline.package.extract import extract_models, model_styles
    monkeypatch.setenv("SONGJIANG_CACHE_DIR", str(tmp_path / "cache"))
    out = extract_models(req.out, open_package(req.out)["package_id"])
    assert {p.name for p in out} == HUB_FILES and all(p.read_bytes() for p in out)
    assert model_styles(req.out)["hub_station.ifc"][2] == "Hub BIM"


def test_an_old_town_package_holds_its_buildings_and_no_hub_bim(tmp_path):
    req = _make(tmp_path, "old-town")
    assert req.counts["package_files"] == 5  # the five heritage models, not the hub's
    assert req.counts["buildings"] == _buildings_in(req.area) > 100
