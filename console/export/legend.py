"""The words of an export's legend and footer, in the language asked."""
from __future__ import annotations

import time
from pathlib import Path

from layers import layer_kinds


def legend_rows(project, lang: str, extent=None) -> list[tuple[str, str | None]]:
    """What is on the page, top layer first, in the colours drawn (each kind's ``legend`` hook,
    console/scene/kinds.py and console/export/kind_legend.py): visible layers with something in
    ``extent`` (the page's ground, console/export/extent.py), a row per category/grade/state drawn
    there, no row for base maps; a row several layers give (every BIM model's) said once."""
    from console.scene import kinds
    rows: list = []
    for layer in reversed(list(project.layers)):
        if layer.visible:
            rows += [row for row in kinds.of(layer).legend_rows(layer, lang, extent) if row not in rows]
    return rows


def _sources(project, lang: str) -> str:
    names = []
    for layer in project.layers:
        src = layer.source or ""
        if src.startswith("asset:"):
            name = ("松江新城内置数据（OpenStreetMap 贡献者 ODbL；生成的近似数据见 assets/README.md）" if lang == "zh"
                    else "Songjiang embedded data (© OpenStreetMap contributors, ODbL; generated approximations: "
                         "assets/README.md)")
        elif src.startswith("sensors:"):
            from console.export.sensor_data import sensor_data_time
            if sensor_data_time(layer.data) is None:
                continue  # a history with nothing for this period is no source of this page
            name = "物联感知历史" if lang == "zh" else "IoT sensor history"
        else:
            name = Path(src).name
        if name and name not in names:
            names.append(name)
    return "; ".join(names)


def sensor_feed_label(project, lang: str) -> str | None:
    """Where the sensor readings shown came from; a simulated feed is said to be one."""
    for layer in layer_kinds.layers_of(project.layers, "sensors"):
        if layer.visible:
            feed = getattr(layer.data, "feed_label", "") or ""
            if feed == "simulated":
                return "感知数据：模拟（演示）" if lang == "zh" else "Sensor data: SIMULATED (demo)"
            if feed:
                return ("感知数据：" if lang == "zh" else "Sensor data: ") + feed
    return None


def _made(author: str, now: str, zh: bool) -> str:
    """Who made the page and when; no author given, no "制图 —" line of a dash (issue 24 item 5)."""
    if zh:
        return f"制图 {author} · 导出 {now}" if author else f"导出 {now}"
    return f"Author {author} · exported {now}" if author else f"Exported {now}"


def footer_lines(project, req, shown_at: float) -> list[str]:
    from layers.crs import crs_label
    from layers.sensors.strings import fmt_time
    zh = req.lang == "zh"
    now = fmt_time(time.time())
    from console.export.sensor_data import no_history_text
    when = (f"{fmt_time(shown_at)}（北京时间）" if zh else f"{fmt_time(shown_at)} (UTC+8)") if shown_at is not None \
        else f"—（{no_history_text('zh')}）" if zh else f"— ({no_history_text('en')})"
    lines = [(f"数据时间 {when} · 坐标系 {crs_label(project.crs.crs)}" if zh else
              f"Data time {when} · CRS {crs_label(project.crs.crs)}"),
             _made(req.author, now, zh),
             ("数据来源：" if zh else "Sources: ") + _sources(project, req.lang)]
    feed = sensor_feed_label(project, req.lang)
    if feed:
        lines.insert(1, feed)
    return lines
