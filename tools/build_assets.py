#!/usr/bin/env python3
"""Build the embedded Songjiang New City dataset the console opens on.

    python tools/build_assets.py [--shared ../shared] [--out assets/songjiang]

Inputs are the read-only shared material (geofacts.md facts are transcribed
below with their sources; the district outline and OSM heritage features are
read from ``<shared>/data/shanghai``). Outputs are GeoJSON (RFC 7946, WGS84)
and two GeoTIFFs in the project CRS EPSG:4549. Everything is deterministic:
fixed seeds, fixed rounding, sorted output, no timestamps, so a re-run gives
byte-identical GeoJSON and pixel-identical rasters.

Most geometry here is approximate: the plan publishes no boundaries and no
survey data exists offline. Each feature says so in its own properties.
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import re
import sys
from pathlib import Path

import numpy as np
import rasterio
from pyproj import Transformer
from rasterio import features as rfeatures
from rasterio.transform import from_origin
import shapely
from shapely import affinity
from shapely.geometry import LineString, Point, Polygon, mapping, shape
from shapely.geometry.polygon import orient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # so the repo's own GCJ-02 code is used, not a copy
from layers import districts  # noqa: E402
from layers.gcj02 import gcj_to_wgs  # noqa: E402
from layers.heritage_keys import MODEL_OF  # noqa: E402

log = logging.getLogger("build_assets")

PROJECT_CRS = "EPSG:4549"  # CGCS2000 / 3-degree Gauss-Kruger CM 120E
_TO_GK = Transformer.from_crs("EPSG:4326", PROJECT_CRS, always_xy=True)
_TO_LL = Transformer.from_crs(PROJECT_CRS, "EPSG:4326", always_xy=True)
SEED = 20220927  # the plan's issue date; any fixed value keeps runs identical
GEOFACTS = "geofacts.md (compiled public facts; see its row sources)"
PLAN = "松江新城数字化转型“十四五”规划 (松科委〔2022〕35号), chapter 5"
OSM = "© OpenStreetMap contributors, ODbL"
ECHARTS = "apache/echarts test/data/map/json/province/shanghai.json (Apache-2.0)"
RASTER_BOUNDS_LL = (121.14, 30.95, 121.34, 31.11)  # new city + Sheshan hills to the NW


# ---------------------------------------------------------------- geometry helpers

def to_gk(geom):
    return shapely.transform(geom, _TO_GK.transform, interleaved=False)


def to_ll(geom):
    return shapely.transform(geom, _TO_LL.transform, interleaved=False)


def area_km2(geom_ll) -> float:
    """Area measured in the project CRS, as the console would measure it."""
    return to_gk(geom_ll).area / 1e6


def scale_to_area(poly_ll: Polygon, target_km2: float, origin) -> Polygon:
    """Scale a drawn outline about `origin` so it has a published area."""
    for _ in range(3):  # lon/lat scaling is only locally linear; repeat to converge
        f = math.sqrt(target_km2 / area_km2(poly_ll))
        poly_ll = affinity.scale(poly_ll, f, f, origin=origin)
    return poly_ll


def _round(obj, nd=7):
    # 1e-7 deg ≈ 1 cm: plenty for approximate shapes and keeps the bytes stable
    if isinstance(obj, float):
        return round(obj, nd)
    if isinstance(obj, (list, tuple)):
        return [_round(v, nd) for v in obj]
    return obj


def geojson_geom(geom) -> dict:
    if geom.geom_type == "Polygon":
        geom = orient(geom, 1.0)  # RFC 7946: exterior rings counter-clockwise
    g = mapping(geom)
    return {"type": g["type"], "coordinates": _round(g["coordinates"])}


def feature(fid: str, geom, props: dict) -> dict:
    return {"type": "Feature", "id": fid, "properties": {"id": fid, **props},
            "geometry": geojson_geom(geom)}


def write_geojson(path: Path, name: str, feats: list[dict]) -> None:
    """One feature per line: readable diffs, stable bytes."""
    rows = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in feats]
    head = '{"type":"FeatureCollection","name":%s,"features":[\n' % json.dumps(name)
    path.write_text(head + ",\n".join(rows) + "\n]}\n", encoding="utf-8")
    log.info("wrote %s (%d features)", path, len(feats))


# ---------------------------------------------------------------- districts (plan ch. 5)

# Vertices are (lon, lat) WGS84, hand-drawn around the geofacts.md anchors.
# Shapes follow named lines where geofacts gives them: old-town N edge stays
# south of the G60, S edge on the Shanghai–Kunming railway near Songjiang North.
DISTRICT_SHAPES = {
    "hub": [(121.2168, 30.9905), (121.2215, 30.9921), (121.2290, 30.9926), (121.2342, 30.9912),
            (121.2356, 30.9868), (121.2338, 30.9806), (121.2290, 30.9779), (121.2222, 30.9784),
            (121.2176, 30.9801), (121.2160, 30.9850)],
    "film-city": [(121.2395, 30.9935), (121.2425, 30.9982), (121.2500, 30.9990),
                  (121.2580, 30.9986), (121.2638, 30.9958), (121.2652, 30.9902),
                  (121.2608, 30.9852), (121.2530, 30.9840), (121.2452, 30.9846),
                  (121.2402, 30.9882)],
    "old-town": [(121.1980, 31.0045), (121.1985, 31.0112), (121.2050, 31.0135),
                 (121.2150, 31.0150), (121.2260, 31.0162), (121.2360, 31.0165),
                 (121.2445, 31.0150), (121.2500, 31.0120), (121.2505, 31.0060),
                 (121.2460, 31.0020), (121.2350, 31.0012), (121.2250, 31.0005),
                 (121.2150, 31.0010), (121.2050, 31.0018), (121.2000, 31.0025)],
    "industry-east": [(121.2560, 31.0100), (121.2575, 31.0230), (121.2610, 31.0315),
                      (121.2700, 31.0330), (121.2800, 31.0340), (121.2880, 31.0290),
                      (121.2895, 31.0180), (121.2860, 31.0085), (121.2760, 31.0060),
                      (121.2650, 31.0070)],
    "industry-west": [(121.1620, 30.9980), (121.1610, 31.0100), (121.1650, 31.0210),
                      (121.1750, 31.0240), (121.1860, 31.0230), (121.1935, 31.0170),
                      (121.1955, 31.0060), (121.1910, 30.9970), (121.1800, 30.9940),
                      (121.1700, 30.9950)],
}
# Published areas, where there is one: hub core 2.47 km²; film-city urban-design core 4.5 km².
DISTRICT_TARGET_AREA = {"hub": (2.47, (121.2258, 30.985)), "film-city": (4.5, (121.2515, 30.9915))}

DISTRICT_TEXT = {
    "hub": dict(
        name_zh="松江枢纽核心区", name_en="Songjiang Hub core area",
        description_zh="以松江枢纽为核心建设“站城一体”开发示范区，努力建成数字赋能、虚实映射、功能多元的“城市客厅”。"
        "围绕国家高铁网、轨交地铁网、有轨电车网和地面公交网“四网融合”，实现车流、客流、货流等交通数据的整合汇聚与一体应用；"
        "建设现代智慧中央商务区，力争新建规模化楼宇BIM全覆盖，开展CIM试点，适时推进中央商务区数字孪生平台。",
        description_en="Station–city integrated development around the new Shanghai Songjiang railway station: "
        "a digitally enabled 'city living room'. Four-network integration (HSR, metro, tram, bus) with joint "
        "monitoring of vehicle, passenger and freight flows; a smart CBD with BIM for all new large buildings, "
        "a CIM pilot and a business-district digital twin.",
        geometry_note="Approximate: the plan publishes no boundary; drawn as an irregular ~1.6 km block around "
        "Shanghai Songjiang railway station (30.985, 121.2258) and scaled to the published 2.47 km² core area "
        "(geofacts.md table B).",
        sources=[PLAN + " §(一) items 26–27", GEOFACTS + " table B (n.eastday.com 2.47 km²; Wikidata Q4390917)"]),
    "film-city": dict(
        name_zh="上海科技影都核心区", name_en="Shanghai Science & Technology Film City core area",
        description_zh="融合松江枢纽核心功能区总体布局，以总部型、服务型、体验型影视产业为重点，推动数字、影视、文创、旅游多业态融合发展。"
        "以华阳湖片区为主要承载空间，环湖打造立体复合的数字影视产业体验环，建设国际化影视中央服务区；"
        "积极推动电影预览、虚拟制片、后期特效制作、VR展映等影视科技创新应用，加强与车墩特色影视小镇等周边资源整合联动。",
        description_en="Digital film industry core around Huayang Lake: a lakeside ring of digital film "
        "experiences and an international film central service area; previsualisation, virtual production, "
        "VFX and VR screening; linked with the Chedun film town.",
        geometry_note="Approximate: the plan publishes no boundary and Huayang Lake is not geolocated in any "
        "public source found; drawn around the estimated lake position (~30.995, 121.250, between 通波塘 and "
        "洞泾港) and scaled to the 4.5 km² urban-design core of the concept plan (geofacts.md table B).",
        sources=[PLAN + " §(二) items 28–29", GEOFACTS + " table B (shine.cn 2208179285; ifadur.com projects/74)"]),
    "old-town": dict(
        name_zh="老城历史风貌片区", name_en="Old-town historic area (Zhongshan Road and Cangcheng)",
        description_zh="以数字的画笔重绘“松江有仓城，悠悠一水间”的独特历史记忆。以仓城历史文化风貌区为核心，"
        "以大仓桥、徐氏当铺、灌顶禅院、杜氏雕花楼等文保单位及古运河为重点，在老城建筑修缮中运用HBIM（历史建筑信息模型），"
        "整合历史建筑构件、结构、材料、残损和修缮做法等信息；推动醉白池、西林塔等文化资源的数字化升级，"
        "建设“松江根脉”老城历史文化保护资源平台。",
        description_en="Cangcheng historic area and the old canal as the core: HBIM for Dacang Bridge, the Xu "
        "pawnshop, Guanding temple and the Du carved mansion (components, structure, materials, damage, repair "
        "methods); IoT sensing in the old town; digital upgrades of Zuibaichi garden and Xilin Pagoda; the "
        "'Songjiang roots' heritage platform with 3D/VR presentation.",
        geometry_note="Approximate: the plan publishes no boundary; drawn along the 中山路 'ten-li street' "
        "spine from Kuatang Bridge (W) past Cangcheng to Fangta Park (E), south of the G60 and north of the "
        "Shanghai–Kunming railway (geofacts.md tables A, A2, B; suggested bbox 31.000–31.016 N, 121.198–121.250 E).",
        sources=[PLAN + " §(三) items 30–31", GEOFACTS + " tables A, A2, B (kmw.com 4574709; shcafe.org 110443)"]),
    "industry-east": dict(
        name_zh="产城融合示范片区（东翼）", name_en="Industry–city integration demo zone, east wing",
        description_zh="以数字产业化为重点，发挥松江新城G60数字经济创新产业示范区引领带动作用，引进和培育一批在线新经济头部企业，"
        "打造长三角G60工业互联网平台应用创新体验中心等特色场景；优先推进中山工业园区和新效路园区产城融合发展。",
        description_en="Digital industrialisation: the G60 digital-economy innovation demonstration zone, "
        "online-new-economy leaders, the G60 industrial-internet application experience centre; Zhongshan "
        "industrial park and the Xinxiao Road park first.",
        geometry_note="Approximate: the plan publishes no boundary; drawn around the estimated centre of the "
        "Songjiang ETDZ east park (~31.02, 121.27), east of the old town and south of the G60 (geofacts.md table B, "
        "confidence L). 新效路 was not located.",
        sources=[PLAN + " §(四) item 32", GEOFACTS + " table B (baike ETDZ pages)"]),
    "industry-west": dict(
        name_zh="产城融合示范片区（西翼）", name_en="Industry–city integration demo zone, west wing",
        description_zh="以产业数字化为重点，增强数字经济和新制造业“双引擎”驱动，推动经开区西区、综合保税区B区和永丰街道都市产业园区建设；"
        "促进以集成电路、新能源汽车等为主导的产业智能化升级，引领区内智能工厂建设，打造无人或少人化新型工厂。",
        description_en="Industrial digitalisation: the ETDZ west park, Comprehensive Bonded Zone B and the "
        "Yongfeng urban industrial parks; smart-factory upgrades of integrated-circuit and new-energy-vehicle "
        "industries; unmanned or lightly manned factories.",
        geometry_note="Approximate: the plan publishes no boundary; drawn around the estimated centre of the "
        "ETDZ west park (~31.01, 121.18), west of Yongfeng subdistrict and the old town (geofacts.md table B, "
        "confidence L).",
        sources=[PLAN + " §(四) item 33", GEOFACTS + " table B (ETDZ sources; apruizhe.com)"]),
}


def district_polygons() -> dict[str, Polygon]:
    polys = {k: Polygon(v) for k, v in DISTRICT_SHAPES.items()}
    for key, (target, origin) in DISTRICT_TARGET_AREA.items():
        polys[key] = scale_to_area(polys[key], target, origin)
    return polys


def district_features(polys: dict[str, Polygon]) -> list[dict]:
    out = []
    for key, text in DISTRICT_TEXT.items():
        props = {k: v for k, v in text.items() if k not in ("geometry_note", "sources")}
        props.update(area_km2=round(area_km2(polys[key]), 3), approximate=True,
                     geometry_note=text["geometry_note"], sources=text["sources"])
        out.append(feature(key, polys[key], props))
    return out


# ---------------------------------------------------------------- outline and new-city extent

def read_outline_wgs84(shared: Path) -> Polygon:
    """Songjiang district outline, converted from GCJ-02 (ECharts) to WGS84."""
    src = shared / "data/shanghai/DERIVED_songjiang_310117_decoded_gcj02.geojson"
    geom = shape(_read_json(src)["features"][0]["geometry"])
    ring = np.asarray(geom.exterior.coords)
    lon, lat = gcj_to_wgs(ring[:, 0], ring[:, 1])
    return Polygon(np.column_stack([lon, lat]))


def outline_features(outline: Polygon) -> list[dict]:
    props = dict(name_zh="松江区", name_en="Songjiang District", adcode=310117,
                 datum_note="Converted from GCJ-02 (the ECharts map's datum) to WGS84 with "
                 "layers.gcj02.gcj_to_wgs (iterative inverse); the source is ~500 m off WGS84 here.",
                 approximate=False, area_km2=round(area_km2(outline), 2),
                 source=ECHARTS + ", decoded in shared/data/shanghai/DERIVED_songjiang_310117_decoded_gcj02.geojson",
                 attribution="Outline derived from Apache ECharts test map data, Apache License 2.0",
                 accuracy_note="ECharts outlines are simplified (1/1024° quantisation, 565 vertices).")
    return [feature("songjiang-district", outline, props)]


# Drawn inside the published bbox (30.96–31.08 N, 121.15–121.33 E): S along S32, W along
# G1501, N around the university town, E to the district boundary / Jinshan branch line.
NEW_CITY_SHAPE = [(121.152, 30.968), (121.150, 31.000), (121.153, 31.030), (121.163, 31.052),
                  (121.185, 31.066), (121.212, 31.076), (121.240, 31.079), (121.262, 31.068),
                  (121.286, 31.052), (121.310, 31.038), (121.328, 31.018), (121.326, 30.992),
                  (121.308, 30.975), (121.280, 30.965), (121.245, 30.961), (121.210, 30.962),
                  (121.180, 30.963)]
NEW_CITY_KM2 = 158.4


def new_city_polygon(outline: Polygon) -> Polygon:
    """Drawn shape, clipped to the district, scaled (bisection) so the clipped area is 158.4 km²."""
    base, origin = Polygon(NEW_CITY_SHAPE), (121.238, 31.020)
    lo, hi = 0.7, 1.3
    for _ in range(40):
        mid = (lo + hi) / 2
        clipped = affinity.scale(base, mid, mid, origin=origin).intersection(outline)
        lo, hi = (mid, hi) if area_km2(clipped) < NEW_CITY_KM2 else (lo, mid)
    return affinity.scale(base, lo, lo, origin=origin).intersection(outline)


def new_city_features(poly: Polygon) -> list[dict]:
    props = dict(name_zh="松江新城", name_en="Songjiang New City", area_km2=round(area_km2(poly), 2),
                 approximate=True,
                 geometry_note="Approximate: drawn from the published boundary description (E district "
                 "boundary/Jinshan branch railway, S S32, W G1501, N university town) inside the rough bbox "
                 "30.96–31.08 N, 121.15–121.33 E, clipped to the district outline and scaled to the "
                 "published 158.4 km². Not an official line.",
                 sources=[GEOFACTS + " table B (shangbiao.366861.com; zh-Wikipedia 松江区)"])
    return [feature("songjiang-new-city", poly, props)]


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(f"build_assets: input file missing: {path} (pass --shared)")
    except (ValueError, UnicodeDecodeError) as exc:
        raise SystemExit(f"build_assets: cannot parse {path}: {exc}")


# ---------------------------------------------------------------- heritage (geofacts tables A, A2)

def _site(sid, zh, en, lat, lon, period, protection, height, conf, desc, src, kind="heritage_site"):
    # sid: the site's one key (layers/heritage_keys.py); hbim_model: its model's stem, the join field
    return dict(id=sid, name_zh=zh, name_en=en, lat=lat, lon=lon, period=period, protection_level=protection,
                height_m=height, confidence=conf, description=desc, source=src, kind=kind,
                hbim_model=MODEL_OF.get(sid))


HERITAGE = [
    _site("dacang_bridge", "大仓桥（永丰桥、西仓桥）", "Dacang Bridge (Yongfeng Bridge)", 31.00767, 121.20483,
          "Ming, rebuilt Tianqi 6 (1626)", "上海市文物保护单位 Shanghai municipal protected site (2014)", 8.0, "H",
          "Five-arch stone arch bridge over the old canal (市河) south of 中山西路; ≈50 m long, ≈5 m wide, 92 steps; "
          "largest surviving stone arch bridge in Songjiang.", "zh-Wikipedia 大仓桥 / Wikidata Q19850032"),
    _site("xu_pawnshop", "徐氏当铺", "Xu Family Pawnshop", 31.00840, 121.20585, "Qing, mid–late",
          "文物保护点 registered cultural relic point", None, "M",
          "中山西路368号: gatehouse, pawn hall, storage tower and residence; 3 courtyards, 7 bays, ≈1,745 m²; "
          "restored 2016, now a bookshop.", "Shanghai Library heritage list (BD-09 geocode, converted)"),
    _site("guanding_temple", "灌顶禅院（水次仓关帝庙）", "Guanding Chan Temple (former Shuicicang Guandi Temple)",
          31.00496, 121.20451, "Ming (Tianqi 2 = 1622 or Wanli); renamed Qianlong era",
          "区级文物保护单位 district-level protected site", None, "L",
          "Riverside temple south of Dacang Bridge, founded as a Guandi shrine for the grain granary; "
          "restored 2014. Geocode may be ~300 m south of the true site.", "Shanghai Library heritage list (BD-09, converted)"),
    _site("du_mansion", "杜氏雕花楼", "Du Family Carved Mansion", 31.00850, 121.20796, "Qing Jiaqing (1796–1820)",
          "区级文物保护单位 district-level protected site (1998)", None, "M",
          "中山西路266号: gentry residence, 4 surviving courtyards of 2-storey timber buildings, 12.2 m × 44.5 m; "
          "Republican-era carved third courtyard.", "Shanghai Library heritage list (BD-09, converted)"),
    _site("xilin_pagoda", "西林塔（圆应塔）", "Xilin Pagoda (Yuanying Pagoda), Xilin Chan Temple", 31.00893, 121.21977,
          "S. Song 1265–74; rebuilt Ming 1387", "上海市文物保护单位 Shanghai municipal protected site", 46.5, "M",
          "Octagonal 7-storey brick-and-timber pagoda, 46.5 m, tallest ancient pagoda in Shanghai; restored 1992–94.",
          "Shanghai Library heritage list (BD-09, converted); chuimin.cn; shine.cn"),
    _site("zuibaichi", "醉白池", "Zuibaichi Garden", 31.0035, 121.2265, "Qing Shunzhi (1644–61) on a Ming garden",
          "上海市文物保护单位 Shanghai municipal protected site", None, "M",
          "人民南路64号: classical Jiangnan garden around a rectangular lotus pond, ≈5 ha; oldest of Shanghai's "
          "five classical gardens. Point is the midpoint of two sources 464 m apart.",
          "Shanghai Library list; Wikidata Q8075048; shtong.gov.cn"),
    _site("square_pagoda", "兴圣教寺塔（松江方塔）", "Square Pagoda of Xingshengjiao Temple", 31.00657, 121.24167,
          "N. Song 1068–1094", "全国重点文物保护单位 national key protected site (4-83)", 42.5, "H",
          "Square 9-storey brick-and-timber pagoda in Fangta Park; 42.5 m in most Chinese sources "
          "(42.65 m and 48.5 m also quoted); leans ~0.53 m NW.", "OSM way/461743815; Wikidata Q41841"),
    _site("fangta_park", "方塔园", "Fangta Park", 31.00639, 121.24167, "opened 1982", "park containing national and "
          "municipal protected sites", None, "M",
          "中山东路235号, ≈11.5 ha: the Square Pagoda, Ming screen wall, Song Wangxian Bridge, relocated Tianfei Palace.",
          "Wikidata Q11084700", kind="park"),
    _site("ming_screen_wall", "照壁（松江明代砖雕照壁）", "Ming brick-carved screen wall", 31.0071, 121.2417,
          "Ming Hongwu 3 (1370)", "上海市文物保护单位 Shanghai municipal protected site", 4.75, "L",
          "3-bay brick relief wall, centre 4.75 m high × 6.10 m wide, showing the beast '贪'; oldest and largest "
          "brick relief in Shanghai. Position estimated north of the pagoda (±80 m).", "115sou.com; idealshanghai.com"),
    _site("yunjian_first_tower", "云间第一楼", "First Tower of Yunjian (prefectural gate tower)", 31.00938, 121.24013,
          "Yuan 1295/1349; rebuilt 1999–2000", "区级文物保护单位 district-level protected site (1985)", 16.3, "M",
          "Two-storey double-eave gate tower, 24.8 m × 10.1 m, ≈16–16.6 m high, gate of Songjiang No. 2 High School.",
          "OSM way/257738728; twwiki.net"),
    _site("tang_sutra_pillar", "松江唐经幢", "Tang-dynasty Dharani Sutra Pillar", 31.00776, 121.23722,
          "Tang Dazhong 13 (859)", "全国重点文物保护单位 national key protected site (3-179)", 9.3, "H",
          "Octagonal stone dharani pillar, 9.3 m, 21 tiers; oldest above-ground structure in Shanghai.",
          "OSM node/4880995941; Wikidata Q41818"),
    _site("kuatang_bridge", "跨塘桥（云间第一桥）", "Kuatang Bridge ('First Bridge of Yunjian')", 31.0078, 121.2000,
          "Song origin (Anlong Bridge)", "not stated", 8.0, "L",
          "3-arch bluestone bridge over 古浦塘 at the west end of 中山西路, 49.3 m × 5.25 m, 8 m high. Not located in "
          "any source: position estimated here at the west end of the old street.", "v7time.com 786290 (position ~ estimated)"),
    _site("cangcheng_historic_area", "仓城历史文化风貌区", "Cangcheng Historic & Cultural Area (centre)", 31.0080, 121.2090,
          "Ming–Qing (granary founded 1433)", "历史文化风貌区 historic & cultural area (core zone 19.5 ha, 127 relic points)",
          None, "M", "Ming–Qing grain-storage and tribute-shipping base west of the prefectural city, both sides of "
          "the old canal and 中山西路.", "shsjb.com 8921534", kind="historic_area"),
    _site("xiutang_bridge", "秀塘桥（三秀）", "Xiutang Bridge (canal junction 'Sanxiu')", 31.0081, 121.2134,
          "Ming Chenghua; rebuilt 1960s", "not stated", None, "L",
          "Bridge at the T-junctions of 沈泾塘, 市河 and 黄墙港, the east node of the Cangcheng canal.",
          "ttnews.xyz 5ba1e726 (position ~ estimated)"),
]


def heritage_table_features() -> list[dict]:
    out = []
    for s in HERITAGE:
        props = {k: v for k, v in s.items() if k not in ("id", "lat", "lon")}
        props["source"] = f"{GEOFACTS} table A/A2: {props['source']}"
        out.append(feature(s["id"], Point(s["lon"], s["lat"]), props))
    return out


OSM_KEEP = ("name", "name:zh", "name:en", "historic", "tourism")


def osm_features_in(district: Polygon, shared: Path, known: list[dict]) -> list[dict]:
    """Named OSM heritage features inside the old town that table A does not already hold."""
    src = shared / "data/shanghai/hui5_shanghai-heritage-map_openstreetmap.geojson"
    taken = [(to_gk(shape(f["geometry"])), f["properties"]["name_zh"]) for f in known]
    out = []
    for f in sorted(_read_json(src)["features"], key=lambda f: f["properties"].get("@id", "")):
        tags, pt = f["properties"], shape(f["geometry"]).centroid
        if "name" not in tags or not district.contains(pt) or _is_duplicate(to_gk(pt), tags["name"], taken):
            continue
        taken.append((to_gk(pt), tags["name"]))
        out.append(_osm_feature(tags, pt))
    return out


def _is_duplicate(pt_gk, name: str, taken) -> bool:
    def base(n):  # "兴圣教寺塔（松江方塔）" and "兴圣教寺塔" are the same site
        return re.split(r"[（(]", n)[0].strip()
    return any(pt_gk.distance(p) < 60 or base(name) == base(n) for p, n in taken)


def _osm_feature(tags: dict, pt: Point) -> dict:
    osm_id = tags["@id"]
    props = {"name_zh": tags.get("name:zh", tags["name"]), "name_en": tags.get("name:en")}
    props.update({k: tags[k] for k in OSM_KEEP if k in tags})  # OSM tags kept verbatim
    props.update(kind="osm_feature", osm_id=osm_id, confidence="H", source=OSM)
    return feature("osm-" + osm_id.replace("/", "-"), pt, props)


# ---------------------------------------------------------------- transport (geofacts table C)

# (id, zh, en, lat, lon, confidence) – BD-09 metro list converted to WGS84 (±50–150 m)
LINE9 = [
    ("line9-songjiang-university-town", "松江大学城站", "Songjiang University Town", 31.05620, 121.22829, "M"),
    ("line9-songjiang-xincheng", "松江新城站", "Songjiang Xincheng", 31.03234, 121.22635, "M"),
    ("line9-songjiang-sports-center", "松江体育中心站", "Songjiang Sports Center", 31.01819, 121.22620, "M"),
    ("line9-zuibaichi", "醉白池站", "Zuibaichi", 31.00310, 121.22490, "M"),
    ("line9-shanghai-songjiang-station", "上海松江站（原松江南站站）", "Shanghai Songjiang Station (ex-Songjiang South)",
     30.98712, 121.22674, "M"),
]
# ENE–WSW through (31.025, 121.226) where it crosses Line 9 between Xincheng and Sports Center
G60 = [(121.135, 30.986), (121.170, 31.001), (121.200, 31.0145), (121.226, 31.025),
       (121.255, 31.037), (121.290, 31.050), (121.340, 31.068)]
RAIL_STATIONS = [
    ("shanghai-songjiang-station", "上海松江站（原松江南站）", "Shanghai Songjiang railway station", 30.985, 121.22583,
     False, "H", "Wikidata Q4390917; opened 2010, renamed 22 May 2024, hub expansion opened 26 Dec 2024"),
    ("songjiang-north-station", "松江北站（老松江站）", "Songjiang North (old Songjiang station)", 31.00182, 121.22363,
     False, "M", "Wikidata Q11104680; conventional Shanghai–Kunming line, original station 1907"),
]


def transport_features() -> list[dict]:
    src = GEOFACTS + " table C"
    out = [feature(i, Point(lon, lat), dict(kind="metro_station", name_zh=zh, name_en=en, line="9",
                                             confidence=c, approximate=True, source=src + " (BD-09 metro list, converted)"))
           for i, zh, en, lat, lon, c in LINE9]
    out.append(feature("metro-line-9", LineString([(lon, lat) for *_, lat, lon, _c in LINE9]),
                       dict(kind="metro_line", name_zh="轨道交通9号线（松江段）", name_en="Metro Line 9 (Songjiang section)",
                            colour="#71c5e8", approximate=True, source=src,
                            geometry_note="Approximate: straight segments through the station points; the real "
                            "track alignment is not in the shared data.")))
    for i, zh, en, lat, lon, approx, c, note in RAIL_STATIONS:
        out.append(feature(i, Point(lon, lat), dict(kind="rail_station", name_zh=zh, name_en=en, confidence=c,
                                                     approximate=approx, source=f"{src}: {note}")))
    out.append(feature("g60-expressway", LineString(G60),
                       dict(kind="expressway", name_zh="G60 沪昆高速（沪杭高速）", name_en="G60 Shanghai–Kunming Expressway",
                            ref="G60", approximate=True, source=src,
                            geometry_note="Approximate (confidence L): drawn ENE–WSW through its inferred crossing "
                            "with Line 9 at ~31.025 N, 121.226 E, north of the old town.")))
    return out


# ---------------------------------------------------------------- water

# geofacts A2 suggested polyline (lat, lon) 121.2030–121.2134, extended W to Kuatang Bridge / 古浦塘
# and E along the south side of 中山路 towards the old prefectural city (extensions ~, L).
SHIHE = [(121.1995, 31.0076), (121.2030, 31.0077), (121.2048, 31.0077), (121.2090, 31.0080),
         (121.2134, 31.0081), (121.2175, 31.0079), (121.2215, 31.0076)]
# Upper Huangpu: through the Chenta Rd bridge (30.9550,121.1828) and Jiasong Rd bridge (30.9627,121.2306)
HUANGPU = [(121.130, 30.9505), (121.1600, 30.9528), (121.1828, 30.9550), (121.2050, 30.9580),
           (121.2306, 30.9627), (121.2600, 30.9665), (121.2900, 30.9745), (121.3450, 30.9900)]
HUANGPU_HALF_WIDTH_M = 160  # upper reach ≈300 m wide
LAKE_CENTRE = (121.2500, 30.9950)
LAKE_M2 = 300_000  # 30 ha (450 mu)


def huayang_lake() -> Polygon:
    """Sinuous ENE-elongated lake (links 通波塘 W and 洞泾港 E): 30 ha, ~3 km shoreline."""
    cx, cy = _TO_GK.transform(*LAKE_CENTRE)
    t = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    r = 1 + 0.10 * np.sin(3 * t + 0.7) + 0.06 * np.sin(7 * t + 1.9)  # irregular, man-made bays
    x, y = 700 * r * np.cos(t), 160 * r * np.sin(t)
    lake = affinity.rotate(Polygon(np.column_stack([x, y])), 12, origin=(0, 0))
    f = math.sqrt(LAKE_M2 / lake.area)
    lake = affinity.translate(affinity.scale(lake, f, f, origin=(0, 0)), cx, cy)
    return to_ll(lake)


def water_features() -> list[dict]:
    src = GEOFACTS
    lake = huayang_lake()
    river = to_ll(to_gk(LineString(HUANGPU)).buffer(HUANGPU_HALF_WIDTH_M, cap_style="flat"))
    return [
        feature("shihe-canal", LineString(SHIHE), dict(
            kind="canal", name_zh="市河（古运河）", name_en="Old Canal (Shi River)", approximate=True,
            source=src + " table A2 suggested polyline (extended W to 古浦塘 and E along 中山路, ~)")),
        feature("huayang-lake", lake, dict(
            kind="lake", name_zh="华阳湖", name_en="Huayang Lake", approximate=True,
            area_ha=round(area_km2(lake) * 100, 1), shoreline_km=round(to_gk(lake).length / 1000, 2),
            source=src + " table B (shine.cn 2208179285: 30 ha, 3 km shoreline); position not geolocated (L)")),
        feature("huangpu-upper", river, dict(
            kind="river", name_zh="黄浦江上游", name_en="Huangpu River (upper reach)", approximate=True,
            source=src + " table C (Jiasong Rd bridge Wikidata Q135651897; Chenta Rd bridge Q15894944); width ~")),
        feature("huangpu-upper-centreline", LineString(HUANGPU), dict(
            kind="river_centreline", name_zh="黄浦江上游", name_en="Huangpu River (upper reach)",
            approximate=True, source=src + " table C")),
    ]


# ---------------------------------------------------------------- rasters: grid and terrain

def raster_grid(pixel: float):
    """Grid in EPSG:4549 covering RASTER_BOUNDS_LL, snapped to 30 m so both rasters align."""
    w, s, e, n = RASTER_BOUNDS_LL
    lon = np.array([w, e, e, w, (w + e) / 2, (w + e) / 2])
    lat = np.array([s, s, n, n, s, n])
    x, y = _TO_GK.transform(lon, lat)
    x0, y1 = math.floor(x.min() / 30) * 30, math.ceil(y.max() / 30) * 30
    x1, y0 = math.ceil(x.max() / 30) * 30, math.floor(y.min() / 30) * 30
    width, height = int(round((x1 - x0) / pixel)), int(round((y1 - y0) / pixel))
    return from_origin(x0, y1, pixel, pixel), width, height


def pixel_centres(transform, width, height):
    xs = transform.c + (np.arange(width) + 0.5) * transform.a
    ys = transform.f + (np.arange(height) + 0.5) * transform.e
    return np.meshgrid(xs, ys)


PLAIN_M = 4.0  # district yearbook: ≈4 m a.s.l. (datum unstated, probably Wusong)
# (name, lat, lon, summit m, sigma m): smooth Gaussian hills on the SW–NE Nine Peaks ridge
HILLS = [("West Sheshan 西佘山", 31.0963, 121.1885, 100.8, 330),
         ("East Sheshan 东佘山", 31.1010, 121.1975, 72.4, 260),
         ("Tianma Shan 天马山", 31.0660, 121.1520, 98.2, 340)]


def elevation(x, y) -> np.ndarray:
    """Analytic synthetic terrain (m) at GK coordinates; same function for DEM and hillshade."""
    rng = np.random.default_rng(SEED)
    z = np.full(x.shape, PLAIN_M)
    for _ in range(8):  # gentle ±0.4 m undulation, wavelengths 2–9 km
        k = 2 * np.pi / rng.uniform(2000, 9000)
        a = rng.uniform(0, np.pi)
        z += rng.uniform(0.03, 0.08) * np.sin(k * (x * np.cos(a) + y * np.sin(a)) + rng.uniform(0, 2 * np.pi))
    for _name, lat, lon, top, sigma in HILLS:
        hx, hy = _TO_GK.transform(lon, lat)
        z += (top - PLAIN_M) * np.exp(-((x - hx) ** 2 + (y - hy) ** 2) / (2 * sigma ** 2))
    return z


def water_masks(water: list[dict], transform, shape_):
    """(lake-or-river mask, canal mask) on a grid; canal is thin so all_touched keeps it continuous."""
    areas = [to_gk(shape(f["geometry"])) for f in water if f["properties"]["kind"] in ("lake", "river")]
    canal = [to_gk(shape(f["geometry"])).buffer(12) for f in water if f["properties"]["kind"] == "canal"]
    a = rfeatures.rasterize(areas, out_shape=shape_, transform=transform, dtype="uint8").astype(bool)
    c = rfeatures.rasterize(canal, out_shape=shape_, transform=transform, dtype="uint8",
                            all_touched=True).astype(bool)
    return a, c


DEM_NOTE = ("Synthetic approximation, not survey data: plain at ~4 m with gentle low-amplitude variation, "
            "river/lake beds lowered 1-2 m, Sheshan hills as smooth Gaussian hills with published summit "
            "heights (West Sheshan 100.8 m, East Sheshan 72.4 m, Tianma Shan 98.2 m). Heights in metres, "
            "vertical datum assumed to be the local Wusong datum used by the district yearbook "
            "(unstated in sources; the ~2 m datum uncertainty is below this model's accuracy). "
            "Generated by tools/build_assets.py from geofacts.md.")


def build_dem(out: Path, water: list[dict]) -> None:
    transform, w, h = raster_grid(30.0)
    z = elevation(*pixel_centres(transform, w, h))
    areas, canal = water_masks(water, transform, (h, w))
    z = z - 2.0 * areas - 1.5 * (canal & ~areas)
    z = np.round(z, 2).astype("float32")  # cm steps: honest precision, compresses well
    profile = dict(driver="GTiff", width=w, height=h, count=1, dtype="float32", crs=PROJECT_CRS,
                   transform=transform, nodata=-9999.0, compress="deflate", predictor=3, tiled=True,
                   blockxsize=256, blockysize=256)
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(z, 1)
        dst.update_tags(TIFFTAG_IMAGEDESCRIPTION=DEM_NOTE, SYNTHETIC="yes", VERTICAL_DATUM="assumed Wusong (unstated)",
                        UNITS="metre", SOURCE="tools/build_assets.py; geofacts.md table C")
        dst.set_band_description(1, "synthetic elevation (m)")
        dst.units = ("metre",)
    log.info("wrote %s (%dx%d)", out, w, h)


# ---------------------------------------------------------------- rasters: basemap

DISTRICT_COLOURS = {p.id: p.colour for p in districts.PARTS}  # layers/districts.py: the 3D view's too


def rgb(hexcol: str) -> np.ndarray:
    return np.array([int(hexcol[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def hillshade(z, pixel, azimuth=315.0, altitude=45.0) -> np.ndarray:
    """Lambertian shade from the surface normal, scaled to 1.0 on flat ground (plain keeps its colour)."""
    dz_drow, dz_dx = np.gradient(z, pixel)
    dz_dy = -dz_drow  # rows run south; y (north) is the other way
    az, alt = np.radians(azimuth), np.radians(altitude)
    light = np.array([np.sin(az) * np.cos(alt), np.cos(az) * np.cos(alt), np.sin(alt)])
    shade = (-dz_dx * light[0] - dz_dy * light[1] + light[2]) / np.sqrt(1 + dz_dx ** 2 + dz_dy ** 2)
    return np.clip(shade, 0, 1) / np.sin(alt)


class Canvas:
    """A float RGB image on the basemap grid; paint() burns GK geometries with alpha."""

    def __init__(self, transform, width, height, colour):
        self.transform, self.shape = transform, (height, width)
        self.img = np.empty((height, width, 3)) + rgb(colour)

    def mask(self, geoms_gk, all_touched=False):
        return rfeatures.rasterize(list(geoms_gk), out_shape=self.shape, transform=self.transform,
                                   dtype="uint8", all_touched=all_touched).astype(bool)

    def paint(self, geoms_gk, colour, alpha=1.0, all_touched=False):
        m = self.mask(geoms_gk, all_touched)
        self.img[m] = self.img[m] * (1 - alpha) + rgb(colour) * alpha


def render_basemap(layers: dict, transform, w, h) -> np.ndarray:
    c = Canvas(transform, w, h, "#e4e1d8")  # outside Songjiang: greyer
    gk = {k: [to_gk(shape(f["geometry"])) for f in v] for k, v in layers.items()}
    c.paint(gk["outline"], "#f3f0e6")
    z = elevation(*pixel_centres(transform, w, h))
    hill = np.clip((z - 8) / 90, 0, 1)[..., None]  # hypsometric tint only on the hills
    c.img = c.img * (1 - 0.45 * hill) + rgb("#b7c79a") * 0.45 * hill
    c.img *= np.clip(0.35 + 0.65 * hillshade(z, transform.a), 0.3, 1.15)[..., None]
    for g, f in zip(gk["districts"], layers["districts"]):
        c.paint([g], DISTRICT_COLOURS[f["id"]], 0.16)
        c.paint([g.boundary.buffer(10)], DISTRICT_COLOURS[f["id"]], 0.7)
    c.paint([g.boundary.buffer(12) for g in gk["new_city"]], "#9a7f5a", 0.8)
    c.paint([g.boundary.buffer(20) for g in gk["outline"]], "#6b6b6b", 0.9)
    _paint_water_and_lines(c, gk, layers)
    return np.clip(np.round(c.img), 0, 255).astype("uint8")


def _paint_water_and_lines(c: Canvas, gk: dict, layers: dict) -> None:
    def pick(layer, kind):
        return [g for g, f in zip(gk[layer], layers[layer]) if f["properties"]["kind"] == kind]

    c.paint(pick("water", "lake") + pick("water", "river"), "#a9cde6")
    c.paint([g.buffer(12) for g in pick("water", "canal")], "#8fbfe0", all_touched=True)
    c.paint([g.buffer(34) for g in pick("transport", "expressway")], "#b86e12")
    c.paint([g.buffer(22) for g in pick("transport", "expressway")], "#f2a93b")
    # thin lines burn with all_touched so they stay continuous at 15 m pixels
    c.paint([g.buffer(20) for g in pick("transport", "metro_line")], "#2a6f97", all_touched=True)
    c.paint([g.buffer(9) for g in pick("transport", "metro_line")], "#71c5e8", all_touched=True)
    stations = pick("transport", "metro_station") + pick("transport", "rail_station")
    c.paint([g.buffer(75) for g in stations], "#2a6f97")
    c.paint([g.buffer(50) for g in stations], "#ffffff")
    # Heritage sites are not burnt in: they are their own layer, and under the HBIM models a
    # 60 m dot magnified to street scale reads as a stain on the ground.


BASEMAP_NOTE = ("Generated cartographic basemap, not imagery: rendered by tools/build_assets.py from the "
                "vector layers of this dataset and the synthetic DEM hillshade. No aerial or satellite "
                "imagery was used. Shapes are approximate (see assets/README.md).")


def build_basemap(out: Path, layers: dict) -> None:
    transform, w, h = raster_grid(15.0)
    img = render_basemap(layers, transform, w, h)
    profile = dict(driver="GTiff", width=w, height=h, count=3, dtype="uint8", crs=PROJECT_CRS,
                   transform=transform, compress="deflate", predictor=2, tiled=True,
                   blockxsize=256, blockysize=256, photometric="RGB")
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(np.moveaxis(img, 2, 0))
        dst.update_tags(TIFFTAG_IMAGEDESCRIPTION=BASEMAP_NOTE, GENERATED_BASEMAP="yes",
                        SOURCE="tools/build_assets.py")
    log.info("wrote %s (%dx%d)", out, w, h)


# ---------------------------------------------------------------- main

def build(shared: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    outline = read_outline_wgs84(shared)
    polys = district_polygons()
    sites = heritage_table_features()
    layers = {
        "districts": district_features(polys),
        "outline": outline_features(outline),
        "new_city": new_city_features(new_city_polygon(outline)),
        "heritage": sites + osm_features_in(polys["old-town"], shared, sites),
        "transport": transport_features(),
        "water": water_features(),
    }
    files = {"districts": "districts.geojson", "outline": "songjiang_outline.geojson",
             "new_city": "new_city_extent.geojson", "heritage": "heritage_sites.geojson",
             "transport": "transport.geojson", "water": "water.geojson"}
    for key, name in files.items():
        write_geojson(out / name, Path(name).stem, layers[key])
    build_dem(out / "dem.tif", layers["water"])
    build_basemap(out / "basemap.tif", layers)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="shared read-only material")
    ap.add_argument("--out", type=Path, default=REPO / "assets" / "songjiang", help="output directory")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    build(args.shared, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
