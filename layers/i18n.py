"""Interface strings in Simplified Chinese and English.

A plain table rather than Qt .ts files: the strings are few, tests can check
both languages are complete, and the headless tools share them.

The table below holds the shell's words; each feature keeps its own catalogue (a module with a
``STRINGS`` dict, listed in ``CATALOGUES``). Importing a catalogue changes nothing: the entry
points (``console.cli.main``, the window, the tests' conftest) call ``load_all()`` once, so what
the table holds never depends on which modules happened to be imported first.
"""
from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager

STRINGS = {
    "app.title": ("松江新城运行控制台", "Songjiang New City Operations Console"),
    "menu.file": ("文件(&F)", "&File"),
    "menu.view": ("视图(&V)", "&View"),
    "menu.language": ("语言", "Language"),
    "menu.theme": ("主题", "Theme"),
    "theme.light": ("浅色（桌面、报告）", "Light (desk, reports)"),
    "theme.wall": ("深色大屏", "Dark video wall"),
    "action.reset_layout": ("恢复默认布局", "Reset layout"),
    "menu.help": ("帮助(&H)", "&Help"),
    "action.add_layer": ("添加图层…", "Add layer…"),
    "action.add_layer_gcj": ("添加图层（GCJ-02 坐标）…", "Add layer (GCJ-02 coordinates)…"),
    "action.open_project": ("打开项目…", "Open project…"),
    "action.save_project": ("保存项目…", "Save project…"),
    "action.save_image": ("保存视图为图片…", "Save view as image…"),
    "action.export_map": ("导出地图（PNG/PDF/GeoTIFF）…", "Export map (PNG/PDF/GeoTIFF)…"),
    "annotation.dock": ("标注", "Annotations"),
    "annotation.text": ("文字", "Text"),
    "annotation.callout": ("引线标注", "Callout"),
    "annotation.arrow": ("箭头", "Arrow"),
    "annotation.polyline": ("折线", "Polyline"),
    "annotation.polygon": ("多边形", "Polygon"),
    "annotation.marker": ("图钉", "Pin"),
    "annotation.colour": ("颜色", "Colour"),
    "annotation.width": ("线宽（磅）", "Line width (pt)"),
    "annotation.font": ("字号（磅）", "Font size (pt)"),
    "annotation.move": ("移动", "Move"),
    "annotation.delete": ("删除", "Delete"),
    "annotation.hint": ("选择工具后在三维视图中单击放置（可放在遗产构件上）；折线与多边形双击或回车结束；Esc 取消。",
                        "Choose a tool, then click in the 3D view (on a heritage component too); end a polyline or "
                        "polygon with a double-click or Enter; Esc cancels."),
    "annotation.placing": ("放置{kind}：在三维视图中单击", "Placing a {kind}: click in the 3D view"),
    "annotation.off_map": ("此处不在地图上", "That is not on the map"),
    "annotation.added": ("已添加{kind}", "{kind} added"),
    "annotation.default_text": ("标注", "Note"),
    "annotation.undo_add": ("添加标注", "Add annotation"),
    "annotation.undo_edit": ("编辑标注", "Edit annotation"),
    "annotation.undo_delete": ("删除标注", "Delete annotation"),
    "annotation.undo_move": ("移动标注", "Move annotation"),
    "export.title": ("导出地图", "Export map"),
    "export.browse": ("浏览…", "Browse…"),
    "export.file": ("文件", "File"),
    "export.filter": ("PDF 页面 (*.pdf);;PNG 图片 (*.png);;GeoTIFF 正射图 (*.tif)",
                      "PDF page (*.pdf);;PNG image (*.png);;GeoTIFF top-down (*.tif)"),
    "export.map_title": ("标题", "Title"),
    "export.title_hint": ("默认：视图名称", "default: the view's name"),
    "export.subtitle": ("副标题", "Subtitle"),
    "export.author": ("制图人", "Author"),
    "export.paper": ("纸张（PDF）", "Paper (PDF)"),
    "export.landscape": ("横向", "Landscape"),
    "export.size": ("像素尺寸（PNG/GeoTIFF）", "Pixels (PNG/GeoTIFF)"),
    "export.running": ("正在导出 {name}…", "Exporting {name}…"),
    "export.done": ("已导出 {name}", "Exported {name}"),
    "export.failed": ("导出 {name} 失败：{why}", "Export of {name} failed: {why}"),
    "export.busy": ("上一次导出尚未完成", "The previous export is still running"),
    "action.quit": ("退出", "Quit"),
    "action.datum": ("坐标转换参数…", "Datum transformation…"),
    "datum.title": ("项目坐标转换参数", "Project datum transformation"),
    "datum.help": ("七参数（布尔莎）或四参数转换，用于北京54、西安80或城市坐标系数据转到项目坐标系；"
                   "对之后添加或重新打开的图层生效。",
                   "A 7-parameter (Bursa-Wolf) or 4-parameter set for Beijing 1954, Xian 1980 or city-grid "
                   "data into the project CRS; it applies to layers added or reopened from now on."),
    "datum.source": ("源坐标系", "From CRS"),
    "datum.params": ("参数", "Parameters"),
    "datum.convention": ("旋转约定", "Rotation convention"),
    "datum.params_hint": ("七参数：dx,dy,dz,rx,ry,rz,ds（米、角秒、ppm）｜四参数：dx,dy,旋转,ds",
                          "7: dx,dy,dz,rx,ry,rz,ds (m, arc-seconds, ppm) | 4: dx,dy,rotation,ds"),
    "datum.coordinate_frame": ("坐标框架旋转（coordinate frame）", "Coordinate frame rotation"),
    "datum.position_vector": ("位置矢量旋转（position vector）", "Position vector rotation"),
    "datum.target": ("四参数目标坐标系", "4-parameter target CRS"),
    "datum.clear": ("清除", "Clear"),
    "status.datum_set": ("坐标转换参数已设置：{text}", "Datum transformation set: {text}"),
    "action.about": ("关于", "About"),
    "dock.layers": ("图层", "Layers"),
    "dock.inspector": ("属性", "Attributes"),
    "bookmarks": ("视点", "Views"),
    "layers.opacity": ("不透明度", "Opacity"),
    "layers.visible": ("显示/隐藏", "Show/hide"),
    "menu.edit": ("编辑(&E)", "&Edit"),
    "action.undo": ("撤销", "Undo"),
    "action.redo": ("重做", "Redo"),
    "action.undo_named": ("撤销 {text}", "Undo {text}"),
    "action.redo_named": ("重做 {text}", "Redo {text}"),
    "layers.zoom_to": ("缩放至图层", "Zoom to layer"),
    "layers.remove": ("移除图层", "Remove layer"),
    "inspector.empty": ("点击三维视图中的要素查看属性", "Click a feature in the 3D view to see its attributes"),
    "inspector.layer": ("图层", "Layer"),
    "inspector.field": ("字段", "Field"),
    "inspector.value": ("值", "Value"),
    "status.ready": ("就绪", "Ready"),
    "status.loading": ("正在加载 {name}…", "Loading {name}…"),
    "status.loading_map": ("正在加载地图…", "Loading the map…"),
    "status.loaded": ("已加载 {name}", "Loaded {name}"),
    "status.outside_area": ("注意：{name} 位于项目坐标系 {crs} 的适用范围之外（坐标在该处有变形，视图不随之移动）",
                            "Note: {name} lies outside the area of use of the project CRS {crs} "
                            "(its coordinates are distorted there; the view stays where it is)"),
    "status.cancelled": ("已取消加载 {name}", "Cancelled loading {name}"),
    "status.cancel": ("取消", "Cancel"),
    "status.cursor": ("WGS84 {lon:.6f}°E {lat:.6f}°N | {crs} X {x:.1f} Y {y:.1f} | 高程/Z {z:.1f} m",
                      "WGS84 {lon:.6f}°E {lat:.6f}°N | {crs} X {x:.1f} Y {y:.1f} | Z {z:.1f} m"),
    "error.title": ("无法读取文件", "Cannot read file"),
    "error.project": ("无法打开项目", "Cannot open project"),
    "error.save": ("保存失败：{msg}", "Could not save: {msg}"),
    "error.save_title": ("无法保存", "Cannot save"),
    "status.saved": ("已保存 {name}", "Saved {name}"),
    "filter.data": ("地理数据 (*.geojson *.json *.gpkg *.tif *.tiff *.ifc);;项目 (*.sjproj);;所有文件 (*)",
                    "Geodata (*.geojson *.json *.gpkg *.tif *.tiff *.ifc);;Projects (*.sjproj);;All files (*)"),
    "filter.project": ("控制台项目 (*.sjproj)", "Console project (*.sjproj)"),
    "about.text": ("松江新城数字化转型运行控制台。\n数据来源见 assets/README.md。",
                   "Operations console for Songjiang New City's digital transformation.\n"
                   "Data sources: see assets/README.md."),
}

CATALOGUES = (
    "layers.bim.strings", "layers.bim.browser_strings", "layers.buildings.strings", "layers.sensors.strings",
    "layers.package_strings", "layers.field_strings", "layers.store_strings",
)
_loaded = [False]


def catalogues() -> dict[str, dict]:
    """Each catalogue's own table, by module name (nothing registered)."""
    return {name: importlib.import_module(name).STRINGS for name in CATALOGUES}


def load_all() -> None:
    """Register every catalogue in the shared table (again is a no-op)."""
    if _loaded[0]:
        return
    for table in catalogues().values():
        STRINGS.update(table)
    _loaded[0] = True


_current = ["zh"]


def set_language(lang: str):
    _current[0] = "zh" if lang.lower().startswith("zh") else "en"


def language() -> str:
    return _current[0]


@contextmanager
def using(lang: str):
    """Words in ``lang`` for a while (an export in English from a Chinese window)."""
    before = _current[0]
    set_language(lang)
    try:
        yield
    finally:
        _current[0] = before


def prefetch_pinyin():
    """Import pypinyin on a thread of its own (0.2–0.5 s, its dictionaries) while the window starts in English.

    The English interface labels places that have no English name in pinyin; the first vector layer's
    labels are made on the GUI thread on the way to the first frame, which otherwise waited for this
    import (issue 25: heavy imports off the first-frame path). Python's per-module import lock makes
    a ``pinyin`` call that comes first wait for this import to finish, never import twice."""
    if "pypinyin" not in sys.modules:
        from layers.background import start_thread
        start_thread(importlib.import_module, "pypinyin", name="prefetch-pinyin")


def pinyin(text: str) -> str:
    """Hanyu pinyin of a Chinese name, syllables capitalised ("云间粮仓" → "Yun Jian Liang Cang").

    Brackets and Latin text are kept; used where a place has no English name, so the English
    interface never shows Chinese-only labels.
    """
    from pypinyin import Style, lazy_pinyin
    out = []
    for part in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: [s]):
        out.append(part.capitalize() if part.isascii() and part.isalpha() else part)
    text = " ".join(out)
    for a, b in (("（", " ("), ("）", ")"), ("、", ", "), ("·", " · ")):
        text = text.replace(a, b)
    return " ".join(text.split()).replace("( ", "(").replace(" )", ")").replace(" ,", ",")


def tr(key: str, **fields) -> str:
    zh, en = STRINGS.get(key, (key, key))
    text = zh if _current[0] == "zh" else en
    return text.format(**fields) if fields else text


class Term:
    """A word by its key, as a model returns it: the widget showing it translates it (``str``) when it
    shows it, so a language switch re-shows it right. ``fallback`` when the key has no entry (a unit symbol);
    ``fields`` fill the text's {placeholders}, each shown with ``str`` then (a field may be a term itself)."""
    __slots__ = ("key", "fallback", "fields")

    def __init__(self, key: str, fallback: str | None = None, **fields):
        self.key, self.fallback, self.fields = key, fallback, fields

    def __str__(self) -> str:
        if self.key in STRINGS:
            return tr(self.key, **{k: str(v) for k, v in self.fields.items()})
        return self.key if self.fallback is None else str(self.fallback)

    def __repr__(self) -> str:
        return f"Term({self.key!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Term) and (self.key, self.fallback) == (other.key, other.fallback)

    def __hash__(self) -> int:
        return hash(self.key)


def layer_name(layer) -> str:
    """Layers carry a Chinese name and, where known, an English one."""
    if _current[0] == "en" and layer.meta.get("name_en"):
        return layer.meta["name_en"]
    return layer.name
