"""Interface strings of field packages and store recovery, a catalogue
``layers.i18n.load_all()`` registers."""
from __future__ import annotations

from layers.districts import DISTRICTS

STRINGS = {
    "store.damaged_title": ("数据文件已损坏", "Damaged data file"),
    "store.offer_fresh": ("该文件将原样保留以便恢复。是否在其旁边新建一个空的{what}并继续工作？",
                          "The file is kept as it is for recovery. Start a fresh {what} beside it and carry on?"),
    "store.fresh": ("新建并继续", "Start a fresh one"),
    "store.keep": ("暂不使用", "Work without it"),
    "store.kept_as": ("已损坏的文件保留为 {path}", "The damaged file is kept as {path}"),
    "store.what.hbim": ("遗产档案库", "HBIM record store"),
    "store.what.history": ("感知历史记录", "sensor history"),
    "field.mode": ("外业模式", "field mode"),
    "field.package": ("外业数据包范围", "Field package area"),
    "field.title": ("{app} — {mode}：数据包 {name}", "{app} — {mode}: package {name}"),
    "field.snapshot": ("离线快照（{time}）", "offline snapshot ({time})"),
    "action.create_package": ("创建外业数据包…", "Create field package…"),
    "package.dialog_title": ("创建外业数据包", "Create field package"),
    "package.area": ("范围", "Area"),
    "package.out": ("保存到", "Save to"),
    "package.browse": ("浏览…", "Browse…"),
    "package.create": ("创建", "Create"),
    "package.cancel": ("取消", "Cancel"),
    **{f"package.district.{d.id}": d.name for d in DISTRICTS},
    "package.working": ("正在创建：{step}", "Creating: {step}"),
    "package.done": ("已创建 {path}（{size} MB）", "Created {path} ({size} MB)"),
    "package.failed": ("创建失败：{error}", "Creation failed: {error}"),
    # what GDAL and QGIS list in a package (offline/package/listing.py): a layer split by geometry kind,
    # and the tables without a map style
    "package.part.points": ("点", "points"),
    "package.part.lines": ("线", "lines"),
    "package.part.polygons": ("面", "areas"),
    "package.layer.sensor_snapshot": ("传感器快照", "Sensor snapshot"),
    "package.layer.hbim_components": ("遗产构件档案", "HBIM components"),
    "package.layer.hbim_inspections": ("检查记录", "HBIM inspections"),
    "package.layer.hbim_damage": ("病害记录", "HBIM damage records"),
    "package.layer.hbim_interventions": ("干预/修缮记录", "HBIM interventions"),
}
