"""Interface strings of the sensor panel (zh, en), a catalogue ``layers.i18n.load_all()``
registers.

Kind, district and state names are looked up here so every sensor widget shows
the same words; times are shown in China Standard Time (the console's users).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from layers import i18n
from layers.districts import PARTS
from layers.i18n import tr

CST = timezone(timedelta(hours=8))

STRINGS = {
    "sensors.layer": ("物联感知终端", "IoT sensing terminals"),
    "sensors.menu": ("感知(&S)", "&Sensors"),
    "sensors.colour_by": ("着色方式", "Colour by"),
    "sensors.by_state": ("按状态", "State"),
    "sensors.by_value": ("按数值：{kind}", "Value: {kind}"),
    "sensors.filter_kind": ("按类型筛选", "Filter by kind"),
    "sensors.filter_district": ("按片区筛选", "Filter by district"),
    "sensors.all": ("全部", "All"),
    "sensors.legend": ("终端状态", "Terminal state"),
    "sensors.legend_bins": ("告警密度（六边形内告警终端占比）", "Alarm density (terminals in alarm per hexagon)"),
    "sensors.bins_none": ("无告警", "none in alarm"),
    "sensors.bins_silent": ("均无上报", "none reporting"),
    "sensors.dock_alarms": ("告警", "Alarms"),
    "sensors.dock_chart": ("监测曲线", "Sensor chart"),
    "sensors.dock_time": ("时间回放", "Time replay"),
    "sensors.tab_alarms": ("告警列表", "Alarms"),
    "sensors.tab_health": ("终端健康", "Sensor health"),
    "sensors.tab_districts": ("按片区统计", "By district"),
    "sensors.ack": ("确认", "Acknowledge"),
    "sensors.clear": ("解除", "Clear"),
    "sensors.col_severity": ("级别", "Severity"),
    "sensors.col_status": ("状态", "Status"),
    "sensors.col_sensor": ("终端", "Terminal"),
    "sensors.col_kind": ("类型", "Kind"),
    "sensors.col_district": ("片区", "District"),
    "sensors.col_value": ("数值", "Value"),
    "sensors.col_raised": ("触发时间", "Raised"),
    "sensors.col_acked": ("确认人/时间", "Acknowledged by/at"),
    "sensors.col_cleared": ("解除人/时间", "Cleared by/at"),
    "sensors.col_note": ("备注", "Note"),
    "sensors.col_assignee": ("指派给", "Assigned to"),
    "sensors.assign": ("指派…", "Assign to…"),
    "sensors.assign_title": ("指派报警", "Assign alarms"),
    "sensors.assign_label": ("指派给（姓名）：", "Assign to (name):"),
    "sensors.pending": ("待处理", "pending"),
    "sensors.request_refused": ("报警操作未执行：{msg}", "Alarm action not done: {msg}"),
    "sensors.store_alarms_lost": ("无法读取运营中心的报警：{msg}", "Cannot read the operations centre's alarms: {msg}"),
    "sensors.tip_raised": ("{time} 触发（{value}）", "raised {time} ({value})"),
    "sensors.tip_raised_at": ("{time} 触发", "raised {time}"),
    "sensors.tip_acked": ("{time} {who} 确认", "acknowledged {time} by {who}"),
    "sensors.tip_cleared": ("{time} {who} 解除", "cleared {time} by {who}"),
    "sensors.tip_note": ("备注：{note}", "Note: {note}"),
    "sensors.col_occurrences": ("次数", "Occurrences"),
    "sensors.flapping": ("频繁抖动", "flapping"),
    "sensors.group_none": ("不分组", "No grouping"),
    "sensors.group_district": ("按片区分组", "Group by district"),
    "sensors.group_kind": ("按类型分组", "Group by kind"),
    "sensors.col_last": ("最后上报", "Last report"),
    "sensors.col_state": ("状态", "State"),
    "sensors.col_now": ("终端现状", "Terminal now"),
    "sensors.col_active": ("未确认", "Active"),
    "sensors.col_acknowledged": ("已确认", "Acknowledged"),
    "sensors.open_alarms": ("未关闭告警 {n} 条（严重 {crit}，预警 {warn}）",
                            "{n} open alarms ({crit} critical, {warn} warning)"),
    "sensors.replay_alarms": ("回放 {time}：当时未关闭告警 {n} 条", "Replay at {time}: {n} alarms open then"),
    "sensors.health_summary": ("数据滞后 {stale} 个，离线 {offline} 个（列出前 {shown} 个）",
                               "{stale} stale, {offline} offline terminals (first {shown} listed)"),
    "sensors.status_active": ("未确认", "active"),
    "sensors.status_acknowledged": ("已确认", "acknowledged"),
    "sensors.status_cleared": ("已解除", "cleared"),
    "sensors.chart_empty": ("点击三维视图中的终端或告警，查看其监测曲线",
                            "Click a terminal or an alarm to chart its readings"),
    "sensors.chart_clear": ("清除曲线", "Clear chart"),
    "sensors.warn_line": ("预警 {v:g}", "warning {v:g}"),
    "sensors.crit_line": ("严重 {v:g}", "critical {v:g}"),
    "sensors.live": ("实时", "Live"),
    "sensors.play": ("播放", "Play"),
    "sensors.pause": ("暂停", "Pause"),
    "sensors.replaying": ("回放：{time}", "Replay: {time}"),
    "sensors.live_now": ("实时：{time}", "Live: {time}"),
    "sensors.no_history": ("无历史记录", "No history store"),
    "sensors.feed_error": ("传感数据流出错：{msg}", "Sensor feed error: {msg}"),
    "sensors.feed_none": ("感知数据：无数据源", "Sensors: no feed"),
    "sensors.dock_vitals": ("城市体征", "City vital signs"),
    "sensors.vitals_all": ("新城全域", "Whole new city"),
    "sensors.vitals_indicator": ("指标", "Indicator"),
    "sensors.report_value": ("数值", "Now"),
    "sensors.report_change": ("较昨日", "vs. a day ago"),
    "sensors.report_trend": ("近24小时", "Last 24 h"),
    "sensors.report_alarm_summary": ("严重 {critical} · 预警 {warning}　未确认 {unacked} · 已确认 {acked}",
                                     "critical {critical} · warning {warning}   unacknowledged {unacked} · "
                                     "acknowledged {acked}"),
    "sensors.water_worse_than_v": ("劣V", "worse than V"),
    "sensors.vital.online": ("在线终端 / 总数", "Terminals online / total"),
    "sensors.vital.alarms": ("未关闭告警（严重 / 预警）", "Open alarms (critical / warning)"),
    "sensors.vital.aqi": ("平均 AQI", "Mean AQI"),
    "sensors.vital.pm25": ("平均 PM2.5（µg/m³）", "Mean PM2.5 (µg/m³)"),
    "sensors.vital.noise_over": ("噪声超标终端 / 噪声终端", "Noise over limit / noise terminals"),
    "sensors.vital.water_class": ("地表水氨氮最差类别", "Worst surface-water class (NH3-N)"),
    "sensors.vital.parking": ("平均停车占用率（%）", "Mean parking occupancy (%)"),
    "sensors.vital.traffic": ("平均车流量（辆/时/车道）", "Mean traffic flow (veh/h/lane)"),
    "sensors.vital.station_occupancy": ("上海松江站在站人数（估算）", "Songjiang station occupancy (estimated)"),
    "sensors.vital_target": ("规划目标（2025）：≥ {n:,} 个感知终端", "Plan target (2025): ≥ {n:,} sensing terminals"),
    "sensors.search_terminal": ("搜索终端编号", "Search terminal id"),
    "sensors.history_span": ("回放时长", "History span"),
    "sensors.span_hours": ("{n} 小时", "{n} hours"),
    "sensors.action_note": ("确认/解除备注（可选）", "Note for acknowledge/clear (optional)"),
    "sensors.filter_all_district": ("全部片区", "All districts"),
    "sensors.filter_all_kind": ("全部类型", "All kinds"),
    "sensors.filter_all_severity": ("全部级别", "All severities"),
    "sensors.filter_all_status": ("全部状态", "All states"),
    "sensors.connect": ("连接 MQTT 服务器…", "Connect to MQTT broker…"),
    "sensors.use_demo": ("使用演示模拟数据", "Use the demo simulator"),
    "sensors.open_history": ("打开感知历史记录…", "Open sensor history…"),
    "sensors.history_filter": ("感知历史 (*.sqlite *.db);;所有文件 (*)", "Sensor history (*.sqlite *.db);;All files (*)"),
    "sensors.history_opened": ("正在回放 {path}", "Replaying {path}"),
    "sensors.history_empty": ("{path}：没有任何读数", "{path}: holds no readings"),
    "sensors.connect_title": ("连接 MQTT 服务器", "Connect to an MQTT broker"),
    "sensors.connect_profile": ("配置名称", "Profile"),
    "sensors.connect_host": ("主机", "Host"),
    "sensors.connect_port": ("端口", "Port"),
    "sensors.connect_tls": ("使用 TLS 加密", "Use TLS"),
    "sensors.connect_ca": ("CA 证书文件", "CA certificate file"),
    "sensors.connect_cert": ("客户端证书", "Client certificate"),
    "sensors.connect_key": ("客户端私钥", "Client key"),
    "sensors.connect_username": ("用户名", "User name"),
    "sensors.connect_password": ("密码", "Password"),
    "sensors.connect_password_hint": ("保存在系统密钥环中；留空则沿用已保存的密码",
                                      "kept in the OS keyring; leave empty to keep the saved one"),
    "sensors.connect_client_id": ("客户端 ID（持久会话）", "Client id (persistent session)"),
    "sensors.connect_client_id_hint": ("留空：断开期间的数据不保留", "empty: readings sent while away are not kept"),
    "sensors.connect_insecure": ("允许不加密发送密码（仅限可信网络）", "Allow the password without TLS (trusted networks only)"),
    "sensors.connect_insecure_warning": ("未启用 TLS：密码将以明文发送。请启用 TLS，或确认网络可信后勾选上方选项。",
                                         "No TLS: the password would travel in clear text. Enable TLS, or tick the "
                                         "option above on a network you trust."),
    "sensors.feed_simulated": ("感知数据：模拟（演示） · {rate:,.0f} 条/秒",
                               "Sensors: SIMULATED (demo) · {rate:,.0f} obs/s"),
    "sensors.feed_simulated_start": ("感知数据：模拟（演示） · 正在计量…", "Sensors: SIMULATED (demo) · measuring…"),
    "sensors.feed_connected": ("MQTT {broker} · 已连接 · {rate:,.0f} 条/秒 · 丢弃 {dropped:,} · 服务器丢弃 {broker_dropped}",
                               "MQTT {broker} · connected · {rate:,.0f} obs/s · dropped {dropped:,} · "
                               "broker dropped {broker_dropped}"),
    "sensors.feed_slow": (" · ⚠ 到达速率仅为预期 {expected:,.0f} 条/秒的 {share:.0%}",
                          " · ⚠ only {share:.0%} of the expected {expected:,.0f} obs/s arrive"),
    "sensors.feed_tip": ("服务器丢弃：本次连接以来（服务器 $SYS 计数，全服务器合计 {total}）\n"
                         "服务器当前保存的消息：{held}\n按登记表各终端上报间隔，预期 {expected:,.1f} 条/秒",
                         "Broker dropped: since this connection (the broker's $SYS counter, {total} in all)\n"
                         "Messages the broker holds: {held}\nExpected from the registry's intervals: "
                         "{expected:,.1f} obs/s"),
    "sensors.unknown": ("未知", "unknown"),
    "sensors.follow_store": ("感知数据：跟随运营中心库 {store} · {rate:,.0f} 条/秒",
                             "Sensors: following the store {store} · {rate:,.0f} obs/s"),
    "sensors.follow_store_start": ("感知数据：跟随运营中心库 {store} · 正在计量…",
                                   "Sensors: following the store {store} · measuring…"),
    "sensors.follow_no_switch": ("本窗口跟随运营中心库 {store}：数据由记录器接入，不在此切换数据源",
                                 "This window follows the store {store}: the recorders take in the feed; "
                                 "its source is not switched here"),
    "sensors.follow_waiting": ("感知数据：等待运营中心库 {store}：{why}", "Sensors: waiting for the store {store}: {why}"),
    "sensors.feed_reconnecting": ("MQTT {broker} · 正在重连：{why}", "MQTT {broker} · reconnecting: {why}"),
    "sensors.feed_failed": ("MQTT {broker} · 已停止：{why}", "MQTT {broker} · stopped: {why}"),
    "sensors.store_retrying": ("历史库暂不可写，正在重试（数据保留在内存中）：{msg}",
                               "Sensor history not writable, retrying (readings held in memory): {msg}"),
    "state.normal": ("正常", "normal"),
    "state.warning": ("预警", "warning"),
    "state.critical": ("严重", "critical"),
    "state.stale": ("数据滞后", "stale"),
    "state.offline": ("离线", "offline"),
    "kind.pm25": ("细颗粒物 PM2.5", "Air PM2.5"),
    "kind.aqi": ("空气质量指数", "Air quality index"),
    "kind.noise": ("环境噪声", "Environmental noise"),
    "kind.water_nh3n": ("地表水氨氮", "Surface water NH3-N"),
    "kind.soil_moisture": ("土壤相对湿度", "Soil moisture"),
    "kind.traffic_flow": ("交通流量", "Traffic flow"),
    "kind.parking": ("停车占用率", "Parking occupancy"),
    "kind.hydrant_pressure": ("消火栓水压", "Fire-hydrant pressure"),
    "kind.camera_status": ("智能摄像头状态", "Smart camera status"),
    "kind.tilt": ("结构倾斜变化", "Structural tilt change"),
    "kind.crack_width": ("裂缝宽度变化", "Crack width change"),
    "kind.energy_power": ("楼层用电负荷", "Storey electric load"),
    "kind.elevator_status": ("电梯运行状态", "Elevator status"),
    "kind.smoke_detector": ("感烟探测器减光率", "Smoke detector obscuration"),
    "kind.gate_flow": ("车站闸机客流", "Station gate passenger flow"),
    "standard.pm25": ("GB 3095-2012 24小时平均：一级 35、二级 75 µg/m³",
                      "GB 3095-2012 24-h mean: Grade I 35, Grade II 75 µg/m³"),
    "standard.aqi": ("HJ 633-2012：>100 轻度污染，>200 重度污染", "HJ 633-2012: >100 light pollution, >200 heavy pollution"),
    "standard.noise": ("GB 3096-2008 等效声级，2类区昼/夜 60/50 dB(A)；严重 = 4a类昼间限值 70",
                       "GB 3096-2008 Leq, class 2 zone 60/50 dB(A) day/night; critical = class 4a day limit 70"),
    "standard.water_nh3n": ("GB 3838-2002 氨氮：III类 1.0、V类 2.0 mg/L",
                            "GB 3838-2002 ammonia nitrogen: class III 1.0, class V 2.0 mg/L"),
    "standard.soil_moisture": ("参照 GB/T 32136-2015 农业干旱等级（土壤相对湿度 <50% 中旱，<40% 重旱）",
                               "after GB/T 32136-2015 agricultural drought grades (relative soil moisture: <50 % "
                               "moderate, <40 % severe drought)"),
    "standard.traffic_flow": ("项目设定：1,800 辆/时/车道 ≈ 城市主干路车道通行能力（CJJ 37-2012 量级）",
                              "project setting: 1,800 veh/h/lane ≈ urban arterial lane capacity (CJJ 37-2012 order)"),
    "standard.parking": ("项目设定（运营指导阈值）", "project setting (operator guidance threshold)"),
    "standard.hydrant_pressure": ("GB 50974-2014：市政消火栓压力平时 ≥ 0.14 MPa，任何时候不低于 0.10 MPa",
                                  "GB 50974-2014: municipal hydrant pressure >= 0.14 MPa normally, never < 0.10 MPa"),
    "standard.camera_status": ("项目设定：0 正常，1 降级，2 故障", "project setting: 0 ok, 1 degraded, 2 fault"),
    "standard.tilt": ("遗产结构项目设定（相对基线的变化；需结构工程师确认，参照 GB 50292-2015 可靠性等级）",
                      "project setting for heritage structures (change from baseline; to be confirmed by the "
                      "structural engineer, cf. GB 50292-2015 reliability grades)"),
    "standard.crack_width": ("项目设定；0.2 mm 参照 GB 50010-2010 钢筋混凝土裂缝宽度限值，砌体需工程师复核",
                             "project setting; 0.2 mm echoes the GB 50010-2010 crack-width limit for RC, masonry "
                             "needs engineer review"),
    "standard.energy_power": ("项目设定：楼层电表按合同容量分摊，80% 预警、100% 严重",
                              "project setting: a storey meter's share of the contracted capacity (80 % warning, "
                              "100 % critical)"),
    "standard.elevator_status": ("项目设定：0 正常运行，1 降级，2 停运（现场按 TSG T7001 检验）",
                                 "project setting: 0 in service, 1 degraded, 2 out of service (TSG T7001 inspections "
                                 "on site)"),
    "standard.smoke_detector": ("项目设定：低于 GB 4715-2005 点型感烟探测器的报警区间",
                                "project setting below the alarm band of point smoke detectors in GB 4715-2005"),
    "standard.gate_flow": ("项目设定：闸机组设计通过能力（约每分钟 60 人次）",
                           "project setting: a gate line's design capacity (≈60 passengers per minute)"),
    "unit.code": ("状态码", "code"),
    "unit.pax/min": ("人次/分钟", "pax/min"),
    "unit.veh/h/lane": ("辆/时/车道", "veh/h/lane"),
    "field.id": ("终端编号", "Terminal id"),
    "field.kind": ("类型", "Kind"),
    "field.district": ("片区", "District"),
    "field.value": ("数值", "Value"),
    "field.unit": ("单位", "Unit"),
    "field.state": ("状态", "State"),
    "field.time": ("上报时间", "Reported at"),
    "field.warn": ("预警阈值", "Warning threshold"),
    "field.crit": ("严重阈值", "Critical threshold"),
    "field.standard": ("依据", "Standard"),
    "field.mounted_on": ("安装于", "Mounted on"),
    "field.alarm": ("告警", "Alarm"),
    "field.index": ("序号", "Index"),
    "field.x": ("X（米）", "X (m)"),
    "field.y": ("Y（米）", "Y (m)"),
    "field.z": ("高程（米）", "Elevation (m)"),
    **{f"district.{p.id}": p.short for p in PARTS},
}

STATE_KEYS = ("state.normal", "state.warning", "state.critical", "state.stale", "state.offline")


def kind_label(name: str) -> str:
    return tr(f"kind.{name}")


def unit_label(unit: str) -> str:
    """Units are symbols (µg/m³, dB(A), MPa) except the few that are words."""
    key = f"unit.{unit}"
    return tr(key) if key in i18n.STRINGS else unit


def district_label(name: str) -> str:
    key = f"district.{name}"
    return tr(key) if key in i18n.STRINGS else name


def state_label(code: int) -> str:
    return tr(STATE_KEYS[int(code)])


def fmt_time(t: float | None, seconds: bool = True) -> str:
    """Unix seconds in China Standard Time, 24-hour ('' when unknown): 2026年11月29日 14:08:26 in
    Chinese, 2026-11-29 14:08:26 in English (ISO 8601 order)."""
    if t is None or t != t or t in (float("inf"), float("-inf")):
        return ""
    d = datetime.fromtimestamp(t, CST)
    clock = d.strftime("%H:%M:%S" if seconds else "%H:%M")
    if i18n.language() == "zh":
        return f"{d.year}年{d.month}月{d.day}日 {clock}" if seconds else f"{d.month}月{d.day}日 {clock}"
    return f"{d:%Y-%m-%d} {clock}" if seconds else f"{d:%m-%d} {clock}"
