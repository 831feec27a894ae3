"""OGC SensorThings API (v1.1) entity parsing and payload validation.

Untrusted input: every failure raises ``Rejected`` with a short reason that the
feeds count per reason ("bad json", "nan", "not a number", ...). Nothing here
lets an exception other than ``Rejected`` escape for bad payloads.
"""
from __future__ import annotations

import json
import math
import re
from datetime import datetime, timezone

MAX_MESSAGE_BYTES = 8192  # FROST-Server's default MQTT limit is 8,092 bytes; round up
MIN_TIME = 946684800.0     # 2000-01-01: earlier phenomenonTimes are clock faults
MAX_TIME = 4102444800.0    # 2100-01-01
TOPIC_RE = re.compile(r"^v1\.[01]/Datastreams\((\d{1,18})\)/Observations$")


class Rejected(ValueError):
    """A payload that is counted and dropped; str(exc) is the reason."""


def _no_constants(name):
    raise Rejected("nan" if name == "NaN" else "infinite")


# One decoder for every message: ``json.loads`` with any keyword builds a new JSONDecoder (and its
# scanner) per call, half of the ~25 µs a single reading's JSON cost a recorder (py-spy, issue 22).
_DECODER = json.JSONDecoder(parse_constant=_no_constants)


def loads(payload: bytes | str, max_bytes: int = MAX_MESSAGE_BYTES):
    """json.loads with a size cap, NaN/Infinity refused and deep nesting mapped to Rejected."""
    if len(payload) > max_bytes:
        raise Rejected("too large")
    try:
        if isinstance(payload, (bytes, bytearray)):  # as json.loads reads bytes: UTF-8/16/32 by their first bytes
            payload = payload.decode(json.detect_encoding(payload), "surrogatepass")
        elif payload.startswith("\ufeff"):  # json.loads refuses a BOM in a str
            raise Rejected("bad json")
        return _DECODER.decode(payload)
    except Rejected:
        raise
    except RecursionError:
        raise Rejected("too deeply nested") from None
    except (ValueError, UnicodeDecodeError, TypeError):
        raise Rejected("bad json") from None


def parse_time(text) -> float:
    """ISO 8601 instant (or the end of an interval 'a/b') → Unix seconds (UTC)."""
    if not isinstance(text, str) or len(text) > 80:
        raise Rejected("bad phenomenonTime")
    if "/" in text:
        text = text.split("/", 1)[1]
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise Rejected("bad phenomenonTime") from None
    if dt.tzinfo is None:  # STA requires an offset; assume UTC rather than local time
        dt = dt.replace(tzinfo=timezone.utc)
    t = dt.timestamp()
    if not MIN_TIME <= t <= MAX_TIME:
        raise Rejected("phenomenonTime out of range")
    return t


def format_time(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def parse_result(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Rejected("result not a number")
    try:
        v = float(value)
    except OverflowError:  # a JSON integer of hundreds of digits
        raise Rejected("result out of range") from None
    if not math.isfinite(v):
        raise Rejected("nan")
    return v


def parse_observation(obj) -> tuple[float, float]:
    """An Observation entity → (phenomenonTime seconds, numeric result)."""
    if not isinstance(obj, dict):
        raise Rejected("not an object")
    if "result" not in obj or "phenomenonTime" not in obj:
        raise Rejected("missing result or phenomenonTime")
    return parse_time(obj["phenomenonTime"]), parse_result(obj["result"])


def datastream_from_topic(topic: str) -> int:
    m = TOPIC_RE.match(topic)
    if not m:
        raise Rejected("unknown topic")
    return int(m.group(1))


def observation_topic(datastream: int, version: str = "v1.1") -> str:
    return f"{version}/Datastreams({int(datastream)})/Observations"


def observation_payload(t: float, value: float) -> bytes:
    return b'{"phenomenonTime":"%s","result":%r}' % (format_time(t).encode(), float(value))


def entity_id(entity: dict):
    """The @iot.id of an entity (int or str), or None."""
    return entity.get("@iot.id") if isinstance(entity, dict) else None


def location_lonlat(location: dict) -> tuple[float, float, float] | None:
    """A Location entity's GeoJSON Point (or Feature of a Point) → (lon, lat, z)."""
    if not isinstance(location, dict):
        return None
    geom = location.get("location", location.get("feature"))
    if isinstance(geom, dict) and geom.get("type") == "Feature":
        geom = geom.get("geometry")
    if not isinstance(geom, dict) or geom.get("type") != "Point":
        return None
    c = geom.get("coordinates")
    if not isinstance(c, list) or len(c) < 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in c[:3]):
        return None
    try:
        lon, lat, z = float(c[0]), float(c[1]), float(c[2]) if len(c) > 2 else 0.0
    except OverflowError:
        return None
    return (lon, lat, z) if all(math.isfinite(v) for v in (lon, lat, z)) else None
