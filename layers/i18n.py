"""Interface strings in Simplified Chinese and English.

A plain table rather than Qt .ts files: the strings are few, tests can check
both languages are complete, and the headless tools share them.
"""
from __future__ import annotations

STRINGS = {
    "app.title": ("松江新城运行控制台", "Songjiang New City Operations Console"),
    "menu.file": ("文件(&F)", "&File"),
    "menu.view": ("视图(&V)", "&View"),
    "menu.language": ("语言", "Language"),
    "menu.help": ("帮助(&H)", "&Help"),
    "action.add_layer": ("添加图层…", "Add layer…"),
    "action.add_layer_gcj": ("添加图层（GCJ-02 坐标）…", "Add layer (GCJ-02 coordinates)…"),
    "action.open_project": ("打开项目…", "Open project…"),
    "action.save_project": ("保存项目…", "Save project…"),
    "action.save_image": ("保存视图为图片…", "Save view as image…"),
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
    "status.loaded": ("已加载 {name}", "Loaded {name}"),
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

_current = ["zh"]


def set_language(lang: str):
    _current[0] = "zh" if lang.lower().startswith("zh") else "en"


def language() -> str:
    return _current[0]


def tr(key: str, **fields) -> str:
    zh, en = STRINGS.get(key, (key, key))
    text = zh if _current[0] == "zh" else en
    return text.format(**fields) if fields else text


def layer_name(layer) -> str:
    """Layers carry a Chinese name and, where known, an English one."""
    if _current[0] == "en" and layer.meta.get("name_en"):
        return layer.meta["name_en"]
    return layer.name
