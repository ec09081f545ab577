"""The one piece of scenario plumbing the @ha step modules share (they must
not import each other): the scenario's fault watcher, made on first use, and
made again for a second fault."""

from __future__ import annotations

from typing import Any

from harness.probes.failover import Failover
from harness.probes.failover_facts import Switch
from harness.run.scenario_state import state


def watched(context: Any) -> Failover:
    """The scenario's watcher of every sentinel's events, listening from its
    first use until the scenario ends."""
    now, settings = state(context).topology, context.suite.settings
    if now.failover is None:
        now.failover = Failover.watch(context.suite.sentinel(), settings.ha_listen_timeout, settings.slack)
        context.add_cleanup(now.failover.close)
    return now.failover


def watched_anew(context: Any) -> Failover:
    """A watcher of its own for the scenario's next fault, once the last one is
    over; the steps after it judge the new fault (the last one's findings stay recorded)."""
    state(context).topology.failover = None
    return watched(context)


def asked_twice(context: Any, pause: float, within: float) -> Switch:
    """A failover asked for and, once the sentinels have made it (the other
    standby following the new master), another, watched anew: the first's switch."""
    first = watched(context)
    first.manual(pause)
    switch = first.switch(within, "first request")
    first.topology.watch.wait_replicas_follow(first.new_master.service, exclude=first.old.service)
    watched_anew(context).manual(pause)
    return switch
