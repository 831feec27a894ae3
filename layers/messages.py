"""The one-line errors of readers, stores and feeds in Chinese (gettext-style: the English text is the key).

Messages are written in English where they are raised (logs, tests and bug reports read one
language); ``localize(message)`` gives the user's language at the edge — the window's error
reports and the command line's one-line errors. Each entry is a pattern over the English
reason with named parts; the parts (file names, CRS codes, numbers, a library's own words) are
carried over as they are. A message with no entry stays English: ``tests/test_languages.py``
checks that every reason the readers raise has one.
"""
from __future__ import annotations

import re

# (English pattern, Chinese template); {name} takes the pattern's group of that name
CATALOGUE = [
    (r"file not found", "文件不存在"),
    (r"is not a file", "不是普通文件"),
    (r"is a folder, not a file", "是文件夹，不是文件"),
    (r"file is empty \(0 bytes\)", "文件为空（0 字节）"),
    (r"file larger than 2 GiB", "文件超过 2 GiB"),
    (r"unsupported file type \(expected GeoJSON, GeoPackage, GeoTIFF or IFC\)",
     "不支持的文件类型（应为 GeoJSON、GeoPackage、GeoTIFF 或 IFC）"),
    (r"does not look like a (?P<kind>.+?) file \(unexpected content at start\)", "看起来不是 {kind} 文件（开头内容不符）"),
    (r"not UTF-8 text \((?P<why>.+)\)", "不是 UTF-8 文本（{why}）"),
    (r"invalid JSON at line (?P<line>\S+) column (?P<col>\S+): (?P<why>.+)", "JSON 格式错误：第 {line} 行第 {col} 列：{why}"),
    (r"JSON nested too deeply", "JSON 嵌套层数过多"),
    (r"JSON is not a GeoJSON object", "JSON 不是 GeoJSON 对象"),
    (r"FeatureCollection without a 'features' list", "FeatureCollection 缺少 features 列表"),
    (r"JSON has no GeoJSON 'type' \(not a geographic file\)", "JSON 没有 GeoJSON 的 type（不是地理数据文件）"),
    (r"malformed geometry \((?P<why>.+)\)", "几何格式错误（{why}）"),
    (r"feature (?P<i>\S+): non-finite coordinates", "要素 {i}：坐标不是有限数值"),
    (r"malformed ECharts map encoding \((?P<why>.+)\)", "ECharts 地图编码错误（{why}）"),
    (r"no CRS declared and coordinates are not longitude/latitude; pass the CRS explicitly",
     "文件未声明坐标系，且坐标不是经纬度；请用 --crs 指定坐标系"),
    (r"the file says (?P<crs>\S+) but its coordinates are not longitude/latitude; pass the CRS explicitly",
     "文件声明为 {crs}，但坐标不是经纬度；请用 --crs 指定坐标系"),
    (r"(?P<why>.+); pass the CRS explicitly", "{why}；请用 --crs 指定坐标系"),
    (r"raster has no CRS \(not georeferenced\); pass the CRS explicitly", "栅格没有坐标系（未地理配准）；请用 --crs 指定坐标系"),
    (r"raster has no CRS and no georeferencing (?P<rest>.*)", "栅格既无坐标系也无地理配准 {rest}"),
    (r"raster has no valid pixels", "栅格没有有效像元"),
    (r"cannot be read or warped into (?P<crs>\S+): (?P<why>.+)", "无法读取或重投影到 {crs}：{why}"),
    (r"cannot be read \((?P<why>.+)\)", "无法读取（{why}）"),
    (r"PROJ cannot convert (?P<a>.+?) to (?P<b>\S+?)(?: \((?P<why>.+)\))?", "PROJ 无法将 {a} 转换为 {b}"),
    (r"not a readable GeoPackage \((?P<why>.+)\)", "不是可读的 GeoPackage（{why}）"),
    (r"GeoPackage has no tables listed in gpkg_contents", "GeoPackage 的 gpkg_contents 中没有登记任何表"),
    (r"no table (?P<t>.+?) in gpkg_contents", "gpkg_contents 中没有表 {t}"),
    (r"no readable table: (?P<why>.+)", "没有可读的表：{why}"),
    (r"table (?P<t>.+?): coordinates fall outside what (?P<crs>\S+) can project", "表 {t}：坐标超出 {crs} 可投影的范围"),
    (r"table (?P<t>.+?): PROJ cannot convert (?P<a>.+?) to (?P<b>\S+)", "表 {t}：PROJ 无法将 {a} 转换为 {b}"),
    (r"tile table (?P<t>.+?) has no tile matrix set", "瓦片表 {t} 没有瓦片矩阵集"),
    (r"tile table (?P<t>.+?) holds no tiles", "瓦片表 {t} 中没有瓦片"),
    (r"table (?P<t>.+?): tile (?P<tile>\S+) cannot be decoded \((?P<why>.+)\)", "表 {t}：瓦片 {tile} 无法解码（{why}）"),
    (r"not an IFC file \(no ISO-10303-21 STEP header\)", "不是 IFC 文件（没有 ISO-10303-21 STEP 文件头）"),
    (r"IFC header has no FILE_SCHEMA", "IFC 文件头缺少 FILE_SCHEMA"),
    (r"file is truncated \(no END-ISO-10303-21; at the end\)", "文件被截断（结尾缺少 END-ISO-10303-21;）"),
    (r"unsupported IFC schema (?P<s>\S+) \(supported: IFC2X3, IFC4, IFC4X3\)", "不支持的 IFC 版本 {s}（支持 IFC2X3、IFC4、IFC4X3）"),
    (r"not a readable \.ifczip \((?P<why>.+)\)", "不是可读的 .ifczip（{why}）"),
    (r"an \.ifczip must hold exactly one \.ifc file, this one holds (?P<n>\d+)", ".ifczip 必须只含一个 .ifc 文件，此文件含 {n} 个"),
    (r"(?P<name>\S+) unpacks to (?P<n>\d+) bytes; refused as unsafe", "{name} 解压后为 {n} 字节，出于安全拒绝"),
    (r"cannot unpack \((?P<why>.+)\)", "无法解压（{why}）"),
    (r"reading took longer than (?P<s>\S+) s and was stopped", "读取超过 {s} 秒，已停止"),
    # buildings and CityJSON (layers/buildings/)
    (r"holds no footprints to extrude \(not a vector table\)", "没有可拉伸的建筑轮廓（不是矢量表）"),
    (r"no height attribute to extrude footprints by \((?P<names>.+)\)", "没有用于拉伸建筑轮廓的高度属性（{names}）"),
    (r"holds no polygon footprints to extrude", "没有可拉伸的多边形建筑轮廓"),
    (r"CityJSON has no metadata\.referenceSystem; give its CRS \(--crs EPSG:…\)",
     "CityJSON 没有 metadata.referenceSystem（坐标系）；请用 --crs EPSG:… 指定"),
    (r"CityJSON referenceSystem (?P<ref>.+) is not a CRS PROJ knows; give its CRS \(--crs EPSG:…\)",
     "CityJSON 的 referenceSystem {ref} 不是 PROJ 认识的坐标系；请用 --crs EPSG:… 指定"),
    (r"CityJSON has no vertices", "CityJSON 没有顶点（vertices）"),
    (r"CityJSON vertices are not \[x, y, z\] number triples", "CityJSON 的顶点不是 [x, y, z] 数值三元组"),
    (r"CityJSON transform needs scale and translate of 3 numbers", "CityJSON 的 transform 需要各含 3 个数的 scale 和 translate"),
    (r"CityJSON object (?P<o>.+?): malformed boundaries", "CityJSON 对象 {o}：boundaries 结构错误"),
    (r"CityJSON object (?P<o>.+?) refers to vertex (?P<i>\S+), but the file has (?P<n>\S+) vertices",
     "CityJSON 对象 {o} 引用了第 {i} 号顶点，但文件只有 {n} 个顶点"),
    (r"unsupported CityJSON version (?P<v>.+?) \(supported: 1\.0, 1\.1, 2\.0\)",
     "不支持的 CityJSON 版本 {v}（支持 1.0、1.1、2.0）"),
    (r"CityJSON has no CityObjects", "CityJSON 没有 CityObjects"),
    (r"CityJSON transform gives non-finite coordinates", "CityJSON 的 transform 导致坐标不是有限数值"),
    (r"CityJSON holds no Building or BuildingPart with geometry", "CityJSON 中没有带几何的 Building 或 BuildingPart"),
    (r"coordinates fall outside what (?P<crs>\S+) can project", "坐标超出 {crs} 可投影的范围"),
    (r"unknown view (?P<v>'[^']*'); choose from (?P<list>.+)", "未知视图 {v}；可选：{list}"),
    (r"cannot write here \((?P<why>.+)\)", "无法在此写入（{why}）"),
    (r"cannot write \((?P<why>.+)\)", "无法写入（{why}）"),
    (r"(?P<what>.+): no such sensor history", "{what}：不存在该感知历史记录"),
    # stores (offline/guard.py, hbim.py, history.py, pipeline.py)
    (r"not a (?P<what>.+?) \(not an SQLite database\)", "不是{what}（不是 SQLite 数据库）"),
    (r"cannot open (?P<what>.+?) \((?P<why>.+)\)", "无法打开{what}（{why}）"),
    (r"not a (?P<what>.+?) \((?P<kind>.+)\); choose another file", "不是{what}（{kind}）；请选择其他文件"),
    (r"damaged (?P<what>.+?) \((?P<why>.+)\); restore it from a backup or move it away",
     "{what}已损坏（{why}）；请从备份恢复或将其移走"),
    (r"the record was not saved \((?P<why>.+)\)", "记录未保存（{why}）"),
    (r"damaged (?P<what>.+?) \((?P<why>.+)\)", "{what}已损坏（{why}）"),
    # field packages, photos and the operations-centre store (offline/field/, offline/store/)
    (r"not a field package \(no package_meta table\)", "不是外业数据包（缺少 package_meta 表）"),
    (r"field package not found", "找不到外业数据包"),
    (r"cannot connect to the operations-centre store \((?P<why>.+)\)", "无法连接运营中心数据库（{why}）"),
    (r"cannot set up the operations-centre store \((?P<why>.+)\)", "无法初始化运营中心数据库（{why}）"),
    (r"photo (?P<p>\S+) is missing or damaged in the package; nothing of it was sent",
     "数据包中的照片 {p} 缺失或已损坏；其内容均未发送"),
    (r"photo (?P<p>.+?): its bytes do not match SHA-256 (?P<h>\S+)", "照片 {p}：内容与 SHA-256 {h} 不符"),
    (r"photo (?P<p>.+?): the store holds different bytes under (?P<h>\S+)", "照片 {p}：数据库中 {h} 下的内容不同"),
    (r"cannot read photo \((?P<why>.+)\)", "无法读取照片（{why}）"),
    (r"photos are kept in field packages only", "照片只保存在外业数据包中"),
    (r"annotations are kept in field packages only", "标注只保存在外业数据包中"),
    (r"the annotation was not saved \((?P<why>.+)\)", "标注未保存（{why}）"),
    (r"no photos \(\.jpg, \.jpeg, \.png, \.tif\) in this folder", "此文件夹中没有照片（.jpg、.jpeg、.png、.tif）"),
    (r"conflict (?P<c>\S+) is not open", "冲突 {c} 已处理或不存在"),
    (r"field profile (?P<t>.+?): give a surveyor name, e\.g\. (?P<e>.+)", "外业身份 {t}：请填写调查员姓名，例如 {e}"),
    (r"cannot store observations \((?P<why>.+)\); recording stopped", "无法保存观测数据（{why}）；记录已停止"),
    # field packages (offline/package)
    (r"field package refused by the (?P<check>.+?) check \((?P<why>.+)\)", "外业数据包未通过 {check} 检查（{why}）"),
    (r"the package failed its own checks: (?P<why>.+)", "数据包未通过自检：{why}"),
    (r"(?P<what>.+?): not a polygon in WKT or GeoJSON(?: \((?P<why>.+)\))?", "{what}：不是 WKT 或 GeoJSON 多边形"),
    (r"the polygon is not in longitude/latitude degrees \(WGS84\)", "多边形不是经纬度（WGS84）坐标"),
    (r"unknown district (?P<d>'[^']*'); choose from (?P<list>.+)", "未知区域 {d}；可选：{list}"),
    # feeds (console/feeds/mqtt.py)
    (r"broker refused connection: (?P<why>.+)", "服务器拒绝连接：{why}"),
    (r"(?P<who>\S+) refused the login of (?P<user>.+?): (?P<why>.+)", "{who} 拒绝了 {user} 的登录：{why}"),
    (r"TLS failed, the broker's certificate is not trusted \((?P<why>.+)\)", "TLS 失败：服务器证书不受信任（{why}）"),
    (r"TLS failed \((?P<why>.+)\)", "TLS 失败（{why}）"),
    (r"OS keyring unavailable for MQTT user (?P<u>.+?): (?P<why>.+)", "MQTT 用户 {u} 无法使用系统密钥环：{why}"),
    (r"no password for MQTT user (?P<u>.+?) in the OS keyring \(service (?P<s>.+)\)",
     "系统密钥环中没有 MQTT 用户 {u} 的密码（服务 {s}）"),
    (r"cannot keep the password of MQTT user (?P<u>.+?): no usable OS keyring \((?P<why>.+)\)",
     "无法保存 MQTT 用户 {u} 的密码：没有可用的系统密钥环（{why}）"),
    (r"refusing to send the password of MQTT user (?P<u>.+?) unencrypted to (?P<b>\S+?); (?P<rest>.+)",
     "拒绝以明文向 {b} 发送 MQTT 用户 {u} 的密码；请提供 CA 文件启用 TLS，或明确允许"),
    (r"no SensorThings client in this installation \((?P<why>.+)\)", "本安装缺少 SensorThings 客户端（{why}）"),
    (r"cannot list the SensorThings terminals \((?P<why>.+)\)", "无法获取 SensorThings 终端列表（{why}）"),
]
_COMPILED = [(re.compile(p + r"$"), t) for p, t in CATALOGUE]
# the stores' names, where a message says which store it is (guard.check_store's "what" and "kind")
NOUNS = {"sensor history": "感知历史记录", "HBIM record store": "遗产档案库", "history store": "历史库",
         "an HBIM record store": "遗产档案库", "a sensor history": "感知历史记录", "a GeoPackage": "GeoPackage",
         "another program's database": "其他程序的数据库", "field package": "外业数据包",
         "operations-centre store": "运营中心数据库"}


def localize_reason(reason: str, lang: str) -> str:
    if lang != "zh":
        return reason
    for pattern, template in _COMPILED:
        m = pattern.match(reason)
        if m:
            parts = {k: NOUNS.get(v, v) if k in ("what", "kind") else (v or "") for k, v in m.groupdict().items()}
            return template.format(**parts)
    return reason


def localize(message: str, lang: str | None = None) -> str:
    """A one-line error ("FILE: reason", or a bare reason) in ``lang`` (default: the interface's)."""
    from layers import i18n
    lang = lang or i18n.language()
    if lang != "zh":
        return message
    whole = localize_reason(message, lang)
    if whole != message:
        return whole
    at = message.find(": ")
    while at >= 0:  # "WHERE: reason"; WHERE may itself hold ": " (a URL, a tr() prefix)
        reason = localize_reason(message[at + 2:], lang)
        if reason != message[at + 2:]:
            return f"{message[:at]}：{reason}"
        at = message.find(": ", at + 2)
    return message


def system_language() -> str:
    """zh when the system locale is Chinese (LANG/LC_ALL/LC_MESSAGES), else en."""
    import os
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
