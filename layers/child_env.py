"""The environment a child process of the console gets: the parent's, without store secrets.

The console's children (the export's ``snapshot`` process, the IFC workers, fc-match) never
open the operations-centre store, so the variables that may carry its password are not passed
on: ``PGPASSWORD`` (libpq's), and ``SONGJIANG_STORE`` (its URL may hold one). Whatever the user
exported, a child's ``/proc/PID/environ`` holds no store secret (issue 20).
"""
from __future__ import annotations

import os

SECRET_VARS = ("PGPASSWORD", "SONGJIANG_STORE")


def child_environment(**extra: str) -> dict[str, str]:
    """A copy of this process's environment without ``SECRET_VARS``, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in SECRET_VARS}
    env.update(extra)
    return env
