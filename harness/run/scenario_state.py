"""What a scenario's Given and When steps leave for the steps after them: one
typed place instead of attributes on behave's context, which mypy cannot see
and which any step module could misspell. The run puts a fresh one on the
context before each scenario; an attribute a scenario never set raises
AttributeError, as it did on the context.

    from harness.run.scenario_state import state
    state(context).crash = node.crash()
"""

from __future__ import annotations

from typing import Any

from celery.result import AsyncResult

from harness.consumers.drivers import Consumers
from harness.consumers.processes import Process
from harness.consumers.sync_lock import Contention, Holding, Release
from harness.infra.faults import Crash
from harness.probes.exposure import Attempt
from harness.probes.failover import Failover
from harness.probes.load import BoundedWriter
from harness.probes.memory import Pressure
from harness.probes.operator_docs import Outcome
from harness.service.redis_client import ServerFacts
from harness.topology.inside import HealthRun
from harness.topology.node import Node
from stand_ins.journal import Entry

ATTRIBUTE = "scenario_state"  # its name on behave's context


class ScenarioState:
    # -- the service -------------------------------------------------------------
    started_at: float  # monotonic time just before the service was started, to measure from
    started_by: str  # "up" or "re-creation"
    crash: Crash
    crashes: list[float]  # monotonic times of the durability load's crashes
    answer: str  # what PING got back
    answered_by: str  # who asked, for the failure message
    facts: ServerFacts
    probe: HealthRun
    rejected: str | None  # Compose's reason for rejecting the file, or None
    # -- data ------------------------------------------------------------------
    key: str
    value: str
    acknowledged_at: float
    writer: BoundedWriter
    pressure: Pressure
    # -- safety ----------------------------------------------------------------
    attempts: list[Attempt]
    answers: dict[str, str]  # command -> what Redis answered a client without the password
    uids: list[int]
    owners: dict[str, int]
    outcomes: list[Outcome]
    # -- the consumers -----------------------------------------------------------
    consumers: Consumers  # the ones the steps drive, when not those on this host (seated on a network)
    # -- the sync lock -----------------------------------------------------------
    holding: Holding
    expire: int
    waiter: Process
    release: Release
    contenders: tuple[int, int]  # workers, sections each
    contention: Contention
    # -- Celery ----------------------------------------------------------------
    queue: str
    token: str
    result: AsyncResult
    sent_at: float
    tokens: list[str]
    queued_at: float
    still_queued: int
    first: Entry  # a task's first delivery
    replacement: Process
    # -- the Sentinel topology -------------------------------------------------
    failover: Failover  # the scenario's fault, watched
    frozen: list[Node]  # data nodes the scenario froze
    froze_at: float
    thawed_at: float
    findings: list[str]  # the password found, per container and place
    # -- the job store -----------------------------------------------------------
    job_id: str
    job_token: str
    stored: Entry
    job_kept: bool
    scheduler_started: float
    scheduler: Process


def state(context: Any) -> ScenarioState:
    """The scenario's state on behave's (untyped) context."""
    found: ScenarioState = getattr(context, ATTRIBUTE)
    return found
