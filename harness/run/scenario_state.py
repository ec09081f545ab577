"""What a scenario's Given and When steps leave for the steps after them: one
small dataclass per concern, on one typed object instead of attributes on
behave's context (which mypy cannot see and any step could misspell). The
run puts a fresh one on the context before each scenario. A value no earlier
step set is a `Slot`: reading it says so in one line.

    from harness.run.scenario_state import state
    state(context).service.crash = node.faults.crash()
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from celery.result import AsyncResult

from harness.consumers.drivers import Consumers
from harness.consumers.processes import Process
from harness.consumers.sync_lock import Contention, Holding, Release
from harness.core.errors import HarnessError
from harness.infra.containers import ContainerState
from harness.infra.data_log import Damage
from harness.infra.faults import Crash, Flapping
from harness.infra.small_disk import SmallDisk
from harness.probes.exposure import Tries, Unauthenticated
from harness.probes.failover import Failover
from harness.probes.load import BoundedWriter
from harness.probes.memory import Pressure
from harness.probes.operator_docs import Outcome
from harness.probes.sequence import Sequence
from harness.service.redis_client import ServerFacts
from harness.topology.inside import HealthRun
from harness.topology.node import Node
from harness.topology.node_storage import DiskFull
from stand_ins.journal import Entry

ATTRIBUTE = "scenario_state"  # its name on behave's context
T = TypeVar("T")
_UNSET: Any = object()


class Slot(Generic[T]):
    """A value an earlier step of the scenario sets; read before that, a harness error naming it."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> Any: ...
    @overload
    def __get__(self, instance: object, owner: type) -> T: ...
    def __get__(self, instance: object | None, owner: type) -> Any:
        if instance is None:
            return _UNSET  # the dataclass's default
        value = instance.__dict__.get(self.name, _UNSET)
        if value is _UNSET:
            raise HarnessError(f"no earlier step of this scenario set its {self.name}")
        return value

    def __set__(self, instance: object, value: T) -> None:
        instance.__dict__[self.name] = value


@dataclass
class ServiceState:
    started_at: float = math.nan  # monotonic time just before the service was started, to measure from
    started_by: str = ""  # "up" or "re-creation"
    crash: Slot[Crash] = Slot()
    flapping: Slot[Flapping] = Slot()  # connections dropped again and again
    crashes: list[float] = field(default_factory=list)  # monotonic times of the durability load's crashes
    answer: str = ""  # what PING got back
    answered_by: str = ""  # who asked, for the failure message
    facts: Slot[ServerFacts] = Slot()
    probe: Slot[HealthRun] = Slot()
    rejected: str | None = None  # Compose's reason for rejecting the file, or None


@dataclass
class DataState:
    key: str = ""
    value: str = ""
    acknowledged_at: float = math.nan
    writer: Slot[BoundedWriter] = Slot()
    pressure: Slot[Pressure] = Slot()
    before_filling: Slot[ContainerState] = Slot()  # the container as it ran before memory was filled


@dataclass
class StorageState:
    sequence: Slot[Sequence] = Slot()  # keys written one after another
    damage: Slot[Damage] = Slot()  # what was done to the log
    repair: list[Outcome] = field(default_factory=list)  # the README's repair, as run
    backup: list[Outcome] = field(default_factory=list)  # the README's backup, as run
    restore: list[Outcome] = field(default_factory=list)  # the README's restore, as run
    backup_folder: Path | None = None  # where the backup was run, and its copy is
    disk: Slot[SmallDisk] = Slot()  # the small disk Redis's data is on
    full: Slot[DiskFull] = Slot()  # the disk filled, and Redis's refusal
    before_full: Slot[ContainerState] = Slot()  # the container as it ran when its disk filled
    freed_after: float = math.nan  # seconds from freeing the disk to a write taken again


@dataclass
class SafetyState:
    tries: Slot[Tries] = Slot()  # clients without the password, from elsewhere
    sent: Slot[Unauthenticated] = Slot()  # commands without the password, and their answers
    uids: list[int] = field(default_factory=list)
    owners: dict[str, int] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # the password found, per container and place


@dataclass
class LockState:
    holding: Slot[Holding] = Slot()
    expire: int = 0
    waiter: Slot[Process] = Slot()
    release: Slot[Release] = Slot()
    contenders: tuple[int, int] = (0, 0)  # workers, sections each
    contention: Slot[Contention] = Slot()


@dataclass
class CeleryState:
    queue: str = ""
    token: str = ""
    result: Slot[AsyncResult] = Slot()
    sent_at: float = math.nan
    countdown: float = math.nan  # seconds a task was sent to wait before it runs
    tokens: list[str] = field(default_factory=list)
    queued_at: float = math.nan
    still_queued: int = 0
    first: Slot[Entry] = Slot()  # a task's first delivery
    replacement: Slot[Process] = Slot()


@dataclass
class JobState:
    job_id: str = ""
    job_token: str = ""
    stored: Slot[Entry] = Slot()
    job_kept: bool = False
    scheduler_started: float = math.nan
    scheduler: Slot[Process] = Slot()


@dataclass
class TopologyState:
    failover: Failover | None = None  # the scenario's fault, watched (made on first use)
    frozen: list[Node] = field(default_factory=list)  # data nodes the scenario froze
    froze_at: float = math.nan
    thawed_at: float = math.nan
    consumers: Consumers | None = None  # the ones the steps drive, when not those on this host (seated on a network)
    crashed: list[tuple[Node, Crash]] = field(default_factory=list)  # nodes and sentinels crashed, each with its crash


@dataclass
class ScenarioState:
    service: ServiceState = field(default_factory=ServiceState)
    data: DataState = field(default_factory=DataState)
    storage: StorageState = field(default_factory=StorageState)
    safety: SafetyState = field(default_factory=SafetyState)
    lock: LockState = field(default_factory=LockState)
    celery: CeleryState = field(default_factory=CeleryState)
    jobs: JobState = field(default_factory=JobState)
    topology: TopologyState = field(default_factory=TopologyState)


def state(context: Any) -> ScenarioState:
    """The scenario's state on behave's (untyped) context."""
    found: ScenarioState = getattr(context, ATTRIBUTE)
    return found
