"""Interface strings of field work (profile, sync, conflicts), a catalogue
``layers.i18n.load_all()`` registers."""
from __future__ import annotations

STRINGS = {
    "field.profile": ("外业身份…", "Field profile…"),
    "field.profile.title": ("外业身份", "Field profile"),
    "field.profile.help": ("记录的每条现场编辑都署此名，同步后在运营中心可见。",
                           "Every field edit is signed with this name, seen at the operations centre after sync."),
    "field.surveyor": ("调查员", "Surveyor"),
    "field.team": ("小组", "Team"),
    "field.device": ("设备编号", "Device id"),
    "field.sync": ("同步外业数据包…", "Sync field package…"),
    "field.sync.title": ("同步外业数据包到运营中心", "Sync a field package into the operations centre"),
    "field.sync.package": ("外业数据包", "Field package"),
    "field.sync.store": ("运营中心数据库", "Operations-centre store"),
    "field.sync.store_hint": ("SQLite 文件或 postgresql://…", "an SQLite file or postgresql://…"),
    "field.sync.password": ("数据库密码", "Store password"),
    "field.sync.password_hint": ("保存在系统密钥环中；留空则使用已保存的密码、PGPASSWORD 或 ~/.pgpass",
                                 "kept in the OS keyring; leave empty for the saved one, PGPASSWORD or ~/.pgpass"),
    "field.sync.browse": ("浏览…", "Browse…"),
    "field.sync.filter": ("外业数据包 (*.gpkg)", "Field package (*.gpkg)"),
    "field.sync.start": ("同步", "Sync"),
    "field.sync.running": ("正在同步：{done}/{total} 条编辑", "Syncing: {done} of {total} edits"),
    "field.sync.done": ("已同步 {edits} 条编辑（应用 {applied}，相同 {same}，部分冲突 {partial}，冲突 {conflict}，"
                        "此前已同步 {already}，损坏已隔离 {quarantined}），照片 {photos} 张，标注 {annotations} 条",
                        "Synced {edits} edits ({applied} applied, {same} identical, {partial} partly in conflict, "
                        "{conflict} in conflict, {already} sent before, {quarantined} damaged and quarantined), "
                        "{photos} photos, {annotations} annotations"),
    "field.sync.received": ("从中心收到记录 {records} 条、照片 {photos} 张、标注 {annotations} 条，新冲突 {conflicts} 条；"
                            "数据包现基于中心版本 {base_version}",
                            "From the centre: {records} records, {photos} photos, {annotations} annotations, "
                            "{conflicts} new conflicts; the package is now based on version {base_version}"),
    "field.sync.failed": ("同步失败：{error}（数据包未作任何改动，可再次同步以继续）",
                          "Sync failed: {error} (the package is unchanged; sync again to resume)"),
    "field.conflicts": ("处理同步冲突…", "Review sync conflicts…"),
    "field.conflicts.title": ("同步冲突", "Sync conflicts"),
    "field.conflicts.help": ("双方都修改了同一字段：两个值都已保留，请选择其一或编辑后确认。",
                             "Both sides changed the same field: both values are kept; choose one, or edit it."),
    "field.col.record": ("记录", "Record"),
    "field.col.field": ("字段", "Field"),
    "field.keep_field": ("采用现场值", "Take the field value"),
    "field.keep_store": ("采用中心值", "Keep the centre value"),
    "field.use_edit": ("采用编辑值", "Take the edited value"),
    "field.edit_hint": ("编辑后的值", "edited value"),
    "field.resolved": ("冲突已处理，已记入日志", "Conflict resolved and journalled"),
    "field.photos": ("现场照片", "Field photos"),
    "field.photo.add": ("添加照片…", "Add photo…"),
    "field.photo.folder": ("导入相机文件夹…", "Import camera folder…"),
    "field.photo.filter": ("照片 (*.jpg *.jpeg *.png *.tif *.tiff)", "Photos (*.jpg *.jpeg *.png *.tif *.tiff)"),
    "field.photo.added": ("已添加 {n} 张照片（含拍摄时间与位置）", "{n} photos added (with their time and place)"),
    "field.photo.hint": ("照片关联到当前构件；在档案中选中病害记录时也关联到该记录。",
                         "Photos go to this component, and to the damage record selected in the records."),
}
