"""One id scheme (issue 23 item 5): a heritage point, its HBIM model and its records share one key.

A QGIS user joins the heritage points to the HBIM records of a package; with `dacang-bridge` on one side
and `dacang_bridge` on the other no join matched. The sensor generator kept its own spellings of the sites
(`screen-wall`), so a monitor's "heritage:<key>" named no point. Registries saved before still carry the
old spellings: they must read as today's keys, not break the link to the site.
"""
from __future__ import annotations

import json
import sqlite3

import numpy as np

import assets
from layers.heritage_keys import MODEL_OF
from layers.sensors import loaders

HBIM = assets.path("hbim/components.json").parent


def _sites() -> dict:
    fc = json.loads(assets.path("heritage_sites.geojson").read_text(encoding="utf-8"))
    return {f["id"]: f["properties"] for f in fc["features"]}


def test_sites_models_and_records_share_one_key():
    sites = _sites()
    models = {c["model"] for c in json.loads((HBIM / "components.json").read_text(encoding="utf-8"))["components"]}
    records = set(json.loads((HBIM / "records.json").read_text(encoding="utf-8"))) - {"_note"}
    assert models == records == set(MODEL_OF.values())
    joined = {p["hbim_model"]: key for key, p in sites.items() if p.get("hbim_model")}
    assert set(joined) == models  # every model joins exactly one site point
    assert {joined[m] for m in models} == set(MODEL_OF)
    for key in ("dacang_bridge", "xilin_pagoda", "du_mansion", "xu_pawnshop"):
        assert sites[key]["hbim_model"] == key and (HBIM / f"{key}.ifc").exists()  # the model is the site
    assert sites["guanding_temple"]["hbim_model"] == "guanding_hall"  # a model of the temple's hall only
    table_a = [k for k, p in sites.items() if p.get("kind") != "osm_feature"]
    assert len(table_a) == 14 and all("-" not in k for k in table_a)


def test_monitors_name_site_points_that_exist():
    from layers.sensors.generate import generate
    reg = generate(2000, seed=7)
    on_sites = {m.split(":", 1)[1] for m in reg.mounted_on if m.startswith("heritage:")}
    assert on_sites and on_sites <= set(_sites())
    assert {"ming_screen_wall", "yunjian_first_tower", "tang_sutra_pillar", "square_pagoda"} <= on_sites


def test_a_registry_saved_with_old_ids_reads_as_todays_keys(tmp_path):
    old = tmp_path / "sensors.csv"
    old.write_text("id,kind,lon,lat,district,mounted_on\n"
                   "T1,tilt,121.20483,31.00767,old-town,heritage:dacang-bridge\n"
                   "T2,crack_width,121.2417,31.0071,old-town,heritage:screen-wall\n"
                   "T3,tilt,121.2417,31.0071,old-town,heritage:kuatang-bridge\n"
                   "T4,noise,121.2258,30.985,hub,\n", encoding="utf-8")
    before = old.read_bytes()
    reg = loaders.read_csv(old)
    assert list(reg.mounted_on) == ["heritage:dacang_bridge", "heritage:ming_screen_wall",
                                    "heritage:kuatang_bridge", ""]
    assert old.read_bytes() == before


def test_a_package_joins_its_sites_to_their_records(tmp_path):
    from offline.package.create import DEFAULT_RESTRICTED, PackageRequest, create_package
    from offline.package.areas import district_area
    out = tmp_path / "old-town.gpkg"
    create_package(PackageRequest(out=out, area=district_area("old-town"), district="old-town",
                                  hbim_store=tmp_path / "hbim.sqlite", history=tmp_path / "none.sqlite",
                                  restricted=(*DEFAULT_RESTRICTED, "sensors")))
    con = sqlite3.connect(out)
    try:
        cols = {r[1] for r in con.execute("PRAGMA table_info(heritage_sites)")}
        assert "hbim_model" in cols
        rows = con.execute("SELECT s.id, count(c.guid) FROM heritage_sites s JOIN hbim_components c "
                           "ON c.model = s.hbim_model GROUP BY s.id").fetchall()
        direct = con.execute("SELECT count(*) FROM heritage_sites s JOIN hbim_components c ON c.model = s.id")
        direct = direct.fetchone()[0]
    finally:
        con.close()
    assert {k for k, n in rows if n > 0} == set(MODEL_OF)
    assert direct > 0 and np.all([n > 0 for _k, n in rows])
