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
# what a PostgreSQL role was refused (offline/store: ``tx(what)``), as the zh sentence says it
STORE_ACTIONS = {
    "read the store": "读取运营中心数据库",
    "write to the store": "写入运营中心数据库",
    "edit HBIM records": "编辑遗产档案记录",
    "add records to the store": "向运营中心数据库添加记录",
    "add annotations": "添加标注",
    "submit field edits (sync)": "提交外业编辑（同步）",
    "resolve conflicts": "处理冲突",
    "update the store's schema; its owner runs songjiang-console store init":
        "更新数据库结构；请由其所有者运行 songjiang-console store init",
    "create the store's roles and grant their privileges": "创建数据库角色并授予权限",
    "record sensor observations": "记录传感器观测数据",
    "make the day partitions of sensor observations": "创建传感器观测数据的日分区",
    "delete old sensor observations": "删除过期的传感器观测数据",
    "drop old sensor observations": "删除过期的传感器观测数据分区",
    "evaluate alarms": "评估报警",
    "acknowledge alarms": "确认报警",
    "clear alarms": "清除报警",
    "annotate alarms": "为报警添加备注",
    "assign alarms": "指派报警",
}

CATALOGUE = [
    (r"file not found", "文件不存在"),
    (r"scale must look like 1:10000, not (?P<t>.+)", "比例尺应写作 1:10000，而不是 {t}"),
    (r"--atlas makes its own pages: give --out FILE.pdf without --view, --views, --out-dir or --bare",
     "--atlas 自行生成各页：请只给 --out FILE.pdf，不要同时给 --view、--views、--out-dir 或 --bare"),
    (r"(?P<f>.+): an atlas is a PDF \(give --out FILE.pdf\)", "{f}：图集为 PDF 文件（请给 --out FILE.pdf）"),
    (r"the project has no key district to make an atlas of", "项目中没有可制成图集的重点区域"),
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
    (r"raster has no CRS \(not georeferenced\); pass the CRS explicitly", "栅格没有坐标系（未地理配准）；请用 --crs 指定坐标系"),
    (r"(?P<why>.+); pass the CRS explicitly", "{why}；请用 --crs 指定坐标系"),
    (r"raster has no CRS and no georeferencing \(no geotransform, no ground control points\): "
     r"it cannot be placed on the map", "栅格既无坐标系也无地理配准（没有地理变换，也没有地面控制点）：无法放到地图上"),
    (r"raster has no valid pixels", "栅格没有有效像元"),
    # a library's own words (libtiff/GDAL, SQLite, the IFC engine) stay as they are inside a sentence of ours
    (r"not a readable raster \(GDAL does not recognise the format\)", "不是可读的栅格文件（GDAL 无法识别其格式）"),
    (r"cannot read the raster \((?P<why>.+)\)", "无法读取该栅格文件（{why}）"),
    (r"CRS not understood \(unknown CRS (?P<c>.+)\)", "无法识别坐标系 {c}"),
    (r"CRS not understood \(no coordinate reference system\)", "无法识别坐标系（未给出坐标系）"),
    (r"CRS not understood \((?P<why>.+)\)", "无法识别坐标系（{why}）"),
    (r"invalid JSON \((?P<c>\S+) is not valid JSON\)", "JSON 格式错误（{c} 不是合法的 JSON 值）"),
    (r"invalid JSON \((?P<why>.+)\)", "JSON 格式错误（{why}）"),
    (r"the IFC engine cannot read it \((?P<why>.+)\)", "IFC 引擎无法读取（{why}）"),
    (r"the IFC engine ran out of memory \(limit (?P<mb>\S+) MB\): (?P<why>.+)", "IFC 引擎内存不足（上限 {mb} MB）：{why}"),
    (r"the IFC engine ran out of memory \(limit (?P<mb>\S+) MB\)", "IFC 引擎内存不足（上限 {mb} MB）"),
    (r"the IFC engine was killed \(SIGKILL; out of memory\? limit (?P<mb>\S+) MB\): (?P<why>.+)",
     "IFC 引擎被终止（SIGKILL；可能内存不足，上限 {mb} MB）：{why}"),
    (r"the IFC engine was killed \(SIGKILL; out of memory\? limit (?P<mb>\S+) MB\)",
     "IFC 引擎被终止（SIGKILL；可能内存不足，上限 {mb} MB）"),
    (r"the IFC engine crashed \((?P<sig>[^)]+)\): (?P<why>.+)", "IFC 引擎崩溃（{sig}）：{why}"),
    (r"the IFC engine crashed \((?P<sig>[^)]+)\)", "IFC 引擎崩溃（{sig}）"),
    (r"the IFC engine stopped unexpectedly \(exit code (?P<code>\S+)\): (?P<why>.+)", "IFC 引擎意外退出（退出码 {code}）：{why}"),
    (r"the IFC engine stopped unexpectedly \(exit code (?P<code>\S+)\)", "IFC 引擎意外退出（退出码 {code}）"),
    (r"cannot be read or warped into (?P<crs>\S+): (?P<why>.+)", "无法读取或重投影到 {crs}：{why}"),
    (r"cannot be read \((?P<why>.+)\)", "无法读取（{why}）"),
    (r"PROJ cannot convert (?P<a>.+?) to (?P<b>\S+?)(?: \((?P<why>.+)\))?", "PROJ 无法将 {a} 转换为 {b}"),
    (r"not a readable GeoPackage \((?P<why>.+)\)", "不是可读的 GeoPackage（{why}）"),
    (r"GeoPackage has no tables listed in gpkg_contents", "GeoPackage 的 gpkg_contents 中没有登记任何表"),
    (r"no table (?P<t>.+?) in gpkg_contents", "gpkg_contents 中没有表 {t}"),
    (r"no readable table: (?P<tables>.+)", "没有可读的表：{tables}"),
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
    (r"(?P<what>.+?) busy \((?P<why>.+)\); try again when the program writing it lets go",
     "{what}正被占用（{why}）；请在写入它的程序释放后重试"),
    (r"not a (?P<what>.+?) \((?P<kind>.+)\); choose another file", "不是{what}（{kind}）；请选择其他文件"),
    (r"damaged (?P<what>.+?) \((?P<why>.+)\); restore it from a backup or move it away",
     "{what}已损坏（{why}）；请从备份恢复或将其移走"),
    (r"the record was not saved \((?P<why>.+)\)", "记录未保存（{why}）"),
    (r"text that is not UTF-8 in (?P<col>\S+)", "{col} 中有不是 UTF-8 的文本"),
    (r"damaged (?P<what>.+?) \((?P<why>.+)\)", "{what}已损坏（{why}）"),
    # field packages, photos and the operations-centre store (offline/field/, offline/store/)
    (r"not a field package \(no package_meta table\)", "不是外业数据包（缺少 package_meta 表）"),
    (r"field package not found", "找不到外业数据包"),
    (r"damaged field package \((?P<why>.+)\)", "外业数据包已损坏（{why}）"),
    (r"cannot connect to the operations-centre store \((?P<why>.+)\)", "无法连接运营中心数据库（{why}）"),
    (r"cannot set up the operations-centre store \((?P<why>.+)\)", "无法初始化运营中心数据库（{why}）"),
    (r"cannot listen to the operations-centre store \((?P<why>.+)\)", "无法监听运营中心数据库的变更（{why}）"),
    (r"the store's connection is lost \((?P<why>.+)\)", "与运营中心数据库的连接已断开（{why}）"),
    (r"PostgreSQL role (?P<role>\S+) may not (?P<action>" + "|".join(map(re.escape, STORE_ACTIONS)) + r") \((?P<why>.+)\)",
     "PostgreSQL 角色 {role} 无权{action}（{why}）"),
    (r"permission denied for (?:table|schema|sequence|relation|database) (?P<name>\S+)", "无权访问 {name}"),
    (r"(?P<option>--login-role|--project): an SQLite store has no roles \(whoever may read the file reads all of it\); "
     r"roles are PostgreSQL's", "{option}：SQLite 数据库没有角色（能读该文件者即可读取全部内容）；角色仅适用于 PostgreSQL"),
    (r"expected NAME:GROUP \(GROUP one of (?P<groups>.+)\)", "应为 NAME:GROUP（GROUP 为 {groups} 之一）"),
    (r"not a store role \(one of (?P<groups>.+)\)", "不是数据库角色（应为 {groups} 之一）"),
    (r"not a PostgreSQL role name \(letters, digits, _ \. -; at most 63\)",
     "不是 PostgreSQL 角色名（字母、数字、_ . -，最多 63 个）"),
    (r"not a PostgreSQL connection string libpq can read", "不是 libpq 能读取的 PostgreSQL 连接串"),
    (r"an '@' or '/' in the store URL's password must be written %40 or %2F; (?P<rest>.+)",
     "数据库 URL 密码中的“@”或“/”须写作 %40 或 %2F；更好的做法是用 PGPASSWORD、~/.pgpass 或系统密钥环提供密码"),
    (r"not a store \(an SQLite file or a postgresql:// URL\)", "不是数据库（应为 SQLite 文件或 postgresql:// URL）"),
    (r"a password on the command line is visible to every user of this machine; give it by PGPASSWORD, "
     r"~/\.pgpass or the OS keyring \(keyring set (?P<s>\S+) USER@HOST:PORT\)",
     "命令行中的密码对本机所有用户可见；请用 PGPASSWORD、~/.pgpass 或系统密钥环提供（keyring set {s} 用户@主机:端口）"),
    (r"photo (?P<p>.+?): its bytes do not match SHA-256 (?P<h>\S+)", "照片 {p}：内容与 SHA-256 {h} 不符"),
    (r"photo (?P<p>.+?): the store holds different bytes under (?P<h>\S+)", "照片 {p}：数据库中 {h} 下的内容不同"),
    (r"cannot read photo \((?P<why>.+)\)", "无法读取照片（{why}）"),
    (r"photos are kept in field packages only", "照片只保存在外业数据包中"),
    (r"annotations are kept in field packages only", "标注只保存在外业数据包中"),
    (r"the annotation was not saved \((?P<why>.+)\)", "标注未保存（{why}）"),
    (r"no photos \(\.jpg, \.jpeg, \.png, \.tif\) in this folder", "此文件夹中没有照片（.jpg、.jpeg、.png、.tif）"),
    (r"conflict (?P<c>\S+) is not open", "冲突 {c} 已处理或不存在"),
    # a damaged outbox row, quarantined by sync (offline/field/outbox.py, offline/store/sync.py)
    (r"edit (?P<e>.+?) quarantined \((?P<reason>.+)\); it waits in the store's conflict list",
     "编辑 {e} 已隔离（{reason}），等待在运营中心的冲突列表中处理"),
    (r"the outbox has no (?P<c>\S+) column", "发件箱缺少 {c} 列"),
    (r"the row's (?P<c>\S+) is not valid UTF-8", "该行的 {c} 不是有效的 UTF-8"),
    (r"the row's (?P<c>\S+) is missing", "该行缺少 {c}"),
    (r"the row's team or device is not text", "该行的 team 或 device 不是文本"),
    (r"the row's base_version is not a number", "该行的 base_version 不是数字"),
    (r"the row's uuid is not a UUID", "该行的 uuid 不是 UUID"),
    (r"the row's operation (?P<op>.+) is unknown", "该行的操作 {op} 未知"),
    (r"the row's table (?P<t>.+) is unknown for (?P<op>.+)", "该行的表 {t} 不适用于操作 {op}"),
    (r"the row's (?P<c>\S+) is not text", "该行的 {c} 不是文本"),
    (r"the row's (?P<c>\S+) is not valid JSON \((?P<why>.+)\)", "该行的 {c} 不是有效的 JSON（{why}）"),
    (r"the row's (?P<c>\S+) is not a record", "该行的 {c} 不是一条记录"),
    (r"the row's (?P<c>\S+) has an unknown field (?P<f>.+)", "该行的 {c} 含未知字段 {f}"),
    (r"the row's (?P<c>\S+) holds a value that is not text", "该行的 {c} 含非文本的值"),
    (r"the row is a photo edit without its SHA-256 and metadata", "该行是缺少 SHA-256 或元数据的照片编辑"),
    (r"the row's operation (?P<op>.+) does not fit its before/after", "该行的操作 {op} 与其修改前后的值不符"),
    (r"the row's key does not match its record", "该行的键与其记录不符"),
    (r"the row has no SHA-256", "该行没有 SHA-256"),
    (r"the row does not match its SHA-256", "该行与其 SHA-256 不符（已损坏）"),
    (r"the photo's bytes are missing or do not match its SHA-256", "照片内容缺失或与其 SHA-256 不符"),
    (r"conflict (?P<c>\S+): the value is not a record of (?P<t>\S+) (?P<k>.+)", "冲突 {c}：该值不是 {t} {k} 的记录"),
    (r"field profile (?P<t>.+?): give a surveyor name, e\.g\. (?P<e>.+)", "外业身份 {t}：请填写调查员姓名，例如 {e}"),
    (r"cannot store observations \((?P<why>.+)\); recording stopped", "无法保存观测数据（{why}）；记录已停止"),
    # field packages (offline/package)
    (r"field package refused by the signature check \(not signed by this centre; (?P<why>.+)\)",
     "外业数据包未通过签名检查（不是本中心签发的数据包：由其他中心或旧版控制台制作，或其交付内容在控制台之外被改动）"),
    (r"field package refused by the (?P<check>.+?) check \((?P<why>.+)\)", "外业数据包未通过 {check} 检查（{why}）"),
    (r"the package failed its own checks: (?P<why>.+)", "数据包未通过自检：{why}"),
    # the record tables' keys and capture triggers (offline/package/capture.py)
    (r"(?P<t>\S+) (?P<state>is missing|was changed); edits made by other tools would be lost",
     "{t} {state}；其他软件所做的编辑将会丢失"),
    (r"(?P<t>\S+) has no integer key fid \(format (?P<f>.+)\)", "{t} 没有整数主键 fid（格式 {f}）"),
    (r"the package has no field_capture table", "数据包缺少 field_capture 表"),
    # code in the package's QGIS project or styles (offline/package/qgis_code.py)
    (r"(?P<t>.+?) carries Python macros or functions, which QGIS would run; the console never writes it",
     "{t} 含有 QGIS 会执行的 Python 宏或函数；控制台从不写入此类内容"),
    (r"(?P<t>.+?) carries a form init Python function, which QGIS would run; the console never writes it",
     "{t} 含有 QGIS 会执行的表单初始化 Python 函数；控制台从不写入此类内容"),
    (r"(?P<t>.+?) carries form init Python code, which QGIS would run; the console never writes it",
     "{t} 含有 QGIS 会执行的表单初始化 Python 代码；控制台从不写入此类内容"),
    (r"(?P<t>.+?) carries an action that runs a command, which QGIS would run; the console never writes it",
     "{t} 含有 QGIS 会执行命令的图层动作；控制台从不写入此类内容"),
    (r"(?P<t>.+?) carries an XML entity \(QGIS writes none\), which QGIS would run; the console never writes it",
     "{t} 含有 XML 实体声明（QGIS 从不写入）；控制台从不写入此类内容"),
    (r"(?P<t>.+?) is not a zipped QGIS project(?: of a sensible size)?", "{t} 不是有效的 QGIS 工程压缩包"),
    (r"(?P<t>.+?) is larger than any (?:QGIS project|style) the console makes", "{t} 超出控制台所生成工程或样式的大小"),
    (r"(?P<t>\S+) is not the console's and touches the field journal; the package is refused",
     "{t} 不是控制台写入的触发器，却会改动外业日志；拒绝此数据包"),
    (r"(?P<what>.+?): not a polygon in WKT or GeoJSON(?: \((?P<why>.+)\))?", "{what}：不是 WKT 或 GeoJSON 多边形"),
    (r"the polygon is not in longitude/latitude degrees \(WGS84\)", "多边形不是经纬度（WGS84）坐标"),
    (r"unknown district (?P<d>'[^']*'); choose from (?P<list>.+)", "未知区域 {d}；可选：{list}"),
    (r"the area holds none of the console's data \(Songjiang lies within (?P<where>.+)\); no package was written",
     "该范围内没有任何数据（松江位于 {where}）；未生成数据包"),
    (r"is a folder; give the package's file name", "是文件夹；请给出数据包的文件名"),
    (r"is a device, pipe or socket, not a file; a package only replaces a regular file",
     "是设备、管道或套接字，不是普通文件；数据包只会替换普通文件"),
    (r"is not a field package; give --force to replace it", "不是外业数据包；如需替换请加 --force"),
    (r"a QGIS project file for QField ends in \.qgz", "供 QField 使用的 QGIS 工程文件须以 .qgz 结尾"),
    (r"is not a regular file; the project is written only as a new or replaced file",
     "不是普通文件；工程只会写为新文件或替换普通文件"),
    (r"cannot be written \((?P<why>.+)\)", "无法写入（{why}）"),
    (r"unreadable package signing key \((?P<why>.+)\); restore it from a backup",
     "数据包签名密钥无法读取（{why}）；请从备份恢复"),
    # feeds (console/feeds/mqtt.py)
    (r"broker refused connection: (?P<why>.+)", "服务器拒绝连接：{why}"),
    (r"(?P<who>\S+) refused the login of (?P<user>.+?): (?P<why>.+)", "{who} 拒绝了 {user} 的登录：{why}"),
    (r"TLS failed, the broker's certificate is not trusted \((?P<why>.+)\)", "TLS 失败：服务器证书不受信任（{why}）"),
    (r"TLS failed \((?P<why>.+)\)", "TLS 失败（{why}）"),
    (r"the broker (?P<b>\S+) was unreachable for (?P<s>\S+) s \((?P<why>.+)\); stopped",
     "MQTT 服务器 {b} 已 {s} 秒无法连接（{why}）；已停止"),
    (r"OS keyring unavailable for MQTT user (?P<u>.+?): (?P<why>.+)", "MQTT 用户 {u} 无法使用系统密钥环：{why}"),
    (r"no password for MQTT user (?P<u>.+?) in the OS keyring \(service (?P<s>.+)\)",
     "系统密钥环中没有 MQTT 用户 {u} 的密码（服务 {s}）"),
    (r"cannot keep the password of (?P<k>MQTT|PostgreSQL) user (?P<u>.+?): no usable OS keyring \((?P<why>.+)\)",
     "无法保存 {k} 用户 {u} 的密码：没有可用的系统密钥环（{why}）"),
    (r"refusing to send the password of MQTT user (?P<u>.+?) unencrypted to (?P<b>\S+?); (?P<rest>.+)",
     "拒绝以明文向 {b} 发送 MQTT 用户 {u} 的密码；请提供 CA 文件启用 TLS，或明确允许"),
    # `record --share` (console/feeds/shared.py, console/record_share.py)
    (r"(?P<who>\S+) refused the shared subscription (?P<sub>\S+): (?P<why>.+)", "{who} 拒绝了共享订阅 {sub}：{why}"),
    (r"the broker gave this recorder's session \(client id (?P<id>\S+)\) to another client again and again; "
     r"give each recorder its own --client-id, or none \(--share then chooses one per member\)",
     "服务器一再把本记录程序的会话（客户端标识 {id}）交给另一个客户端；请给每个记录程序各自的 --client-id，"
     "或不指定（--share 会为每个成员选择一个）"),
    (r"(?P<n>\d+) recorders of group (?P<g>.+?) already run on (?P<host>\S+); give this one a --client-id of its own",
     "{host} 上已运行 {n} 个 {g} 组的记录程序；请为本程序指定单独的 --client-id"),
    # `alarms serve` (offline/store/alarm_service.py, alarm_lease.py, alarm_state.py)
    (r"another alarm service \((?P<h>.+?)\) evaluates this store's alarms; one at a time "
     r"\(alarms serve --standby waits and takes over when it stops\)",
     "另一个报警服务（{h}）正在评估本数据库的报警；同一时间只能运行一个（alarms serve --standby 会等待，并在其停止后接替）"),
    # `alarms ack|clear|note|list` (offline/store/alarm_requests.py, console/cli_alarm_requests.py)
    (r"no alarm (?P<n>\d+) in this store", "本数据库中没有报警 {n}"),
    (r"alarm (?P<n>\d+) is already cleared", "报警 {n} 已清除"),
    (r"unknown alarm action (?P<a>.+?) \(one of (?P<all>.+)\)", "未知的报警操作 {a}（应为 {all} 之一）"),
    (r"give the operator's name with --as \(1 to (?P<n>\d+) characters\)", "请用 --as 给出操作员姓名（1 至 {n} 个字符）"),
    (r"the note is longer than (?P<n>\d+) characters", "备注超过 {n} 个字符"),
    (r"give the assignee's name with --to \(1 to (?P<n>\d+) characters\)", "请用 --to 给出被指派人姓名（1 至 {n} 个字符）"),
    (r"no store there \(store init or alarms serve makes one\)", "该处没有数据库（由 store init 或 alarms serve 创建）"),
    (r"the store stayed unreachable for (?P<s>\d+) s; alarm service stopped", "数据库 {s} 秒内一直无法连接；报警服务已停止"),
    (r"another alarm service \((?P<h>.+?)\) took over this store's alarms at commit (?P<c>\d+); this one stops",
     "另一个报警服务（{h}）已在提交 {c} 处接管本数据库的报警；本服务停止"),
    (r"no SensorThings client in this installation \((?P<why>.+)\)", "本安装缺少 SensorThings 客户端（{why}）"),
    (r"cannot list the SensorThings terminals \((?P<why>.+)\)", "无法获取 SensorThings 终端列表（{why}）"),
    # a bug in a worker or a slot (layers/background.py): the exception's own words stay as they are
    (r"unexpected error \((?P<exc>.+)\)", "意外错误（{exc}）"),
]
_COMPILED: list | None = None  # compiled when a message is first localized: ~200 patterns cost ~40 ms,
#                               and a command that succeeds (`info`, issue 25) never localizes anything


def _compiled() -> list:
    global _COMPILED
    if _COMPILED is None:  # one assignment: two threads at once at worst both compile
        _COMPILED = [(re.compile(p + r"$"), t) for p, t in CATALOGUE]
    return _COMPILED


# the stores' names, where a message says which store it is (guard.check_store's "what" and "kind")
NOUNS = {"sensor history": "感知历史记录", "HBIM record store": "遗产档案库", "history store": "历史库",
         "an HBIM record store": "遗产档案库", "a sensor history": "感知历史记录", "a GeoPackage": "GeoPackage",
         "another program's database": "其他程序的数据库", "field package": "外业数据包",
         "operations-centre store": "运营中心数据库"}


def _tables(text: str) -> str:
    """gpkg.py's skipped tables, "NAME (TYPE, no geometry)" or "NAME (unreadable: REASON)", joined by "; "."""
    out = []
    for part in text.split("; "):
        m = re.fullmatch(r"(?P<t>.+?) \((?P<type>\S+), no geometry\)", part) or \
            re.fullmatch(r"(?P<t>.+?) \(unreadable: (?P<why>.+)\)", part)
        if m is None:
            out.append(part)
        elif "type" in m.groupdict():
            out.append(f"{m['t']}（{m['type']}，没有几何）")
        else:
            out.append(f"{m['t']}（无法读取：{localize_reason(m['why'], 'zh')}）")
    return "；".join(out)


# a part that may be a sentence of ours (inside "damaged … (why)") is translated too; a library's stays
_PARTS = {"action": lambda v: STORE_ACTIONS.get(v, v), "what": lambda v: NOUNS.get(v, v), "kind": lambda v: NOUNS.get(v, v), "tables": _tables,
          "why": lambda v: localize_reason(v, "zh"),
          "state": lambda v: {"is missing": "缺失", "was changed": "已被改动"}.get(v, v), "reason": lambda v: localize_reason(v, "zh")}


def localize_reason(reason: str, lang: str) -> str:
    if lang != "zh":
        return reason
    for pattern, template in _compiled():
        m = pattern.match(reason)
        if m:
            parts = {k: _PARTS[k](v) if k in _PARTS and v else (v or "") for k, v in m.groupdict().items()}
            return template.format(**parts)
    return reason


def localize(message: str, lang: str | None = None) -> str:
    """A one-line error ("FILE: reason", or a bare reason) in ``lang`` (default: the interface's)."""
    from layers import i18n
    lang = lang or i18n.language()
    if lang != "zh":
        return message
    at = message.find(": ")
    while at >= 0:  # "WHERE: reason"; WHERE may itself hold ": " (a URL, a tr() prefix)
        reason = localize_reason(message[at + 2:], lang)
        if reason != message[at + 2:]:
            return f"{message[:at]}：{reason}"
        at = message.find(": ", at + 2)
    # a reason with no place, or one whose pattern spans the place; tried last, since a loose
    # pattern ("…; pass the CRS explicitly") would otherwise take "FILE: reason" whole
    return localize_reason(message, lang)


def system_language() -> str:
    """zh when the system locale is Chinese (LANG/LC_ALL/LC_MESSAGES), else en."""
    import os
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
