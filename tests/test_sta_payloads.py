"""Hostile SensorThings payloads: every one is a counted rejection, none stops the feed (hypothesis)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.feeds.mqtt import MqttFeed, MqttSettings
from layers.sensors import sta
from layers.sensors.registry import SensorRegistry

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10 ** 500, max_value=10 ** 500)
    | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)
OBSERVATION = st.fixed_dictionaries({}, optional={
    "phenomenonTime": st.text(max_size=40) | st.sampled_from(["2026-11-29T08:00:00Z", "2026-11-29T08:00:00+08:00/2026-11-29T09:00:00+08:00"]) | JSON,
    "result": JSON, "resultTime": JSON, "parameters": JSON})


def _feed():
    reg = SensorRegistry.from_columns(ids=["t1"], kind_names=["pm25"], xyz=np.zeros((1, 3)),
                                      district_names_per_row=["hub"], datastream=np.array([7]),
                                      warn=np.array([np.nan]), crit=np.array([np.nan]),
                                      mounted_on=np.array([""], dtype=object), crs="EPSG:4549")
    return MqttFeed(reg, MqttSettings())


def test_a_400_digit_result_is_a_rejection_and_recording_goes_on():
    feed = _feed()
    topic = sta.observation_topic(7)
    feed._queue.append((topic, b'{"phenomenonTime":"2026-11-29T08:00:00Z","result":' + b"9" * 400 + b"}"))
    feed._queue.append((topic, sta.observation_payload(1_764_403_200.0, 35.0)))
    batch = feed.next_batch(timeout=0)
    assert batch is not None and len(batch) == 1 and batch.values[0] == 35.0
    counters = feed.counters.as_dict()
    assert counters["received"] == 2 and counters["rejected"] == 1


@settings(max_examples=400, deadline=None, database=None)
@given(obs=OBSERVATION)
def test_any_observation_parses_or_is_rejected(obs):
    try:
        t, v = sta.parse_observation(obs)
    except sta.Rejected:
        return
    assert np.isfinite(v) and sta.MIN_TIME <= t <= sta.MAX_TIME


@settings(max_examples=300, deadline=None, database=None)
@given(payload=st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()),
       topic=st.sampled_from([sta.observation_topic(7), sta.observation_topic(8), "v1.1/Things(1)",
                              "songjiang/v1/observations/batch"]))
def test_the_feed_counts_every_message_it_takes(payload, topic):
    feed = _feed()
    feed._queue.append((topic, payload))
    batch = feed.next_batch(timeout=0)
    c = feed.counters.as_dict()
    assert c["received"] >= 1
    assert (len(batch) if batch is not None else 0) + c.get("rejected", 0) + c.get("duplicates", 0) >= 1


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, database=None)
@given(payload=st.binary(max_size=400) | JSON.map(lambda v: json.dumps(v).encode())
       | OBSERVATION.map(lambda o: json.dumps(o, default=str).encode()))
def test_long_fuzz_of_the_feed_parser(payload):
    """`bash tools/test.sh -m slow`: 20,000 payloads through the feed, none escapes as an exception."""
    feed = _feed()
    feed._queue.append((sta.observation_topic(7), payload))
    feed.next_batch(timeout=0)
    assert feed.counters.as_dict()["received"] == 1


def test_a_qos0_batch_flood_is_bounded_by_observations_not_messages():
    """100 batch messages of 10,000 records at QoS 0 with room for 300,000: the rest is dropped and counted."""
    from types import SimpleNamespace

    from console.feeds import mqtt as feed_module
    from layers.sensors import batch as B
    feed = _feed()
    payload = B.encode(np.full(10_000, 7), np.full(10_000, 1_764_403_200.0), np.ones(10_000))
    old = feed_module.MAX_QUEUED_OBS
    feed_module.MAX_QUEUED_OBS = 300_000
    try:
        for mid in range(100):
            feed._on_message(None, None, SimpleNamespace(topic=B.BATCH_TOPIC, payload=payload, mid=mid, qos=0))
    finally:
        feed_module.MAX_QUEUED_OBS = old
    assert feed.pending_observations() == 300_000
    assert feed.counters.as_dict()["dropped"] == 700_000


@settings(max_examples=300, deadline=None)
@given(JSON, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "str"]), st.binary(max_size=6))
def test_the_reused_decoder_reads_what_json_loads_reads(value, encoding, junk):
    """sta.loads keeps one decoder for every message (a new one per call was half its cost): it reads each
    payload as json.loads does, in every encoding JSON allows, and refuses what json.loads refuses."""
    try:
        text = json.dumps(value, allow_nan=False)  # NaN and Infinity: refused by design (the tests above)
    except ValueError:
        return
    for payload in ((text if encoding == "str" else text.encode(encoding)), junk, text[:-1].encode(), "\ufeff" + text):
        try:
            expected = json.loads(payload)
        except (ValueError, UnicodeDecodeError, RecursionError):
            with pytest.raises(sta.Rejected):
                sta.loads(payload, max_bytes=10 ** 9)
            continue
        assert sta.loads(payload, max_bytes=10 ** 9) == expected  # (the size cap: tests above)
