"""The words of an export's legend and footer, in the language asked."""
from __future__ import annotations

import time
from pathlib import Path

from layers.styles import VectorStyle

BIM_SWATCH = "#c8b48c"


def layer_title(layer, lang: str) -> str:
    if lang != "en":
        return layer.name
    from layers.i18n import pinyin
    return layer.meta.get("name_en") or (layer.name if layer.name.isascii() else pinyin(layer.name))


def legend_rows(project, lang: str) -> list[tuple[str, str | None]]:
    """Visible layers, top first, with the colour they are drawn in; sensors by state."""
    from console.scene.sensor_legend import STATE_RGB
    from layers.sensors.strings import state_label
    from layers import i18n
    state_hex = ["#%02x%02x%02x" % tuple(round(c * 255) for c in rgb) for rgb in STATE_RGB]
    rows = []
    for layer in reversed(list(project.layers)):
        if not layer.visible or layer.kind in ("terrain", "imagery"):
            continue
        if layer.kind == "sensors":
            with i18n.using(lang):
                rows += [(f"{layer_title(layer, lang)} · {state_label(i)}", state_hex[i]) for i in range(5)]
        elif layer.kind == "bim":
            rows.append((layer_title(layer, lang), BIM_SWATCH))
        elif layer.kind == "annotations":
            colours = [a.colour for a in layer.data]
            if colours:
                rows.append((layer_title(layer, lang), max(set(colours), key=colours.count)))
        else:
            s = VectorStyle.of(layer.style)
            rows.append((layer_title(layer, lang), s.fill_colour or s.colour or s.line_colour or "#999999"))
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
    for layer in project.layers:
        if layer.kind == "sensors" and layer.visible:
            feed = getattr(layer.data, "feed_label", "") or ""
            if feed == "simulated":
                return "感知数据：模拟（演示）" if lang == "zh" else "Sensor data: SIMULATED (demo)"
            if feed:
                return ("感知数据：" if lang == "zh" else "Sensor data: ") + feed
    return None


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
             (f"制图 {req.author or '—'} · 导出 {now}" if zh else f"Author {req.author or '—'} · exported {now}"),
             ("数据来源：" if zh else "Sources: ") + _sources(project, req.lang)]
    feed = sensor_feed_label(project, req.lang)
    if feed:
        lines.insert(1, feed)
    return lines
