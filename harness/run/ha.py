"""The one piece of scenario plumbing the @ha step modules share (they must
not import each other): the scenario's fault watcher, made on first use."""

from __future__ import annotations

from typing import Any

from harness.probes.failover import Failover
from harness.run.scenario_state import state


def watched(context: Any) -> Failover:
    """The scenario's watcher of every sentinel's events, listening from its
    first use until the scenario ends."""
    now, settings = state(context).topology, context.suite.settings
    if now.failover is None:
        now.failover = Failover.watch(context.suite.sentinel(), settings.ha_listen_timeout, settings.slack)
        context.add_cleanup(now.failover.close)
    return now.failover
