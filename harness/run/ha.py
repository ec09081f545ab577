"""The one piece of scenario plumbing the @ha step modules share (they must
not import each other): the scenario's fault watcher, made on first use."""

from __future__ import annotations

from typing import Any

from harness.probes.failover import Failover
from harness.run.scenario_state import state


def watched(context: Any) -> Failover:
    """The scenario's watcher of every sentinel's events, listening from its
    first use until the scenario ends."""
    now = state(context)
    if not hasattr(now, "failover"):
        failover = Failover.watch(context.suite.sentinel(), context.suite.settings.ha_listen_timeout)
        context.add_cleanup(failover.close)
        now.failover = failover
    return now.failover
