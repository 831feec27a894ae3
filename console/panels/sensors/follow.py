"""The sensor panel following the operations-centre store instead of starting a feed (issue 22 item 4).

``open --store URL`` (``Workspace.follow_store``): the recorders hold the feed and the alarm service the
alarms; the window starts the store follower (offline/store/follow.py) into its sensor layer, records
nothing and evaluates no alarm. No MQTT client is made or imported on this path. The status bar's
word (feed_status.py) says the window follows the store, its redacted name, and the readings' rate.
"""
from __future__ import annotations


def follow_store(panel) -> None:
    """Start following the workspace's store into the panel's model (the follower's own thread connects)."""
    from offline.pipeline import start_feed
    from offline.store.follow import StoreFollower
    ws, model = panel.ctx.workspace, panel.model
    with panel._feed_lock:
        if panel._closed or model is None:
            return
        follower = StoreFollower(model.registry, ws.store_opener(), ws.store_url)
        start_feed(model, follower, history=False, alarms=False)  # the store is the history; the service, the alarms
