"""The topologies the suite can prove, each described once: where its compose
file is set, where its features are and how they are tagged, its bounds, the
checklist it signs off and how its `Topology` is made. The suite, the runner,
the lifecycle and the sign-off ask the run's kind; none of them names one.

A new kind (a Sentinel spread over several machines, say) is one more
`TopologyKind` in `KINDS`, its compose files, its features folder, a checklist
entry in `harness/reporting/checklist.py` and, when its shape is new, a
`Topology` of its own here in `harness/topology/`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.core.config import Settings
from harness.core.evidence import OPERATIONS, SENTINEL, SINGLE_NODE
from harness.service.definition import REDIS_PORT, SERVICE
from harness.topology.node import Node
from harness.topology.project import Project
from harness.topology.sentinel import Bounds, SentinelTopology
from harness.topology.topology import Standalone, Topology


@dataclass(frozen=True)
class TopologyKind:
    name: str  # what the sign-off calls it
    compose_setting: str  # the Settings field (and `-D` name) of its compose file
    run_timeout_setting: str  # the Settings field bounding a whole run of it
    poll_interval_setting: str  # between looks at it: asking six containers costs more than one
    # The folder of features/ its features are in ("": features/ itself), and the tag they carry.
    folder: str
    tag: str
    feature_tags: tuple[tuple[str, ...], ...]  # the feature-level tags its scenarios may carry besides `tag`
    service: str | None  # the one service its file must define (None: whatever the file names)
    make: Callable[[Project, dict[str, Any], Settings], Topology]

    def compose_file(self, settings: Settings) -> Path:
        return Path(getattr(settings, self.compose_setting))

    def run_timeout(self, settings: Settings) -> float:
        return float(getattr(settings, self.run_timeout_setting))

    def poll_interval(self, settings: Settings) -> float:
        return float(getattr(settings, self.poll_interval_setting))

    def services(self, model: dict[str, Any]) -> list[str]:
        """The services a run of this kind starts, as the file's model names them."""
        return [self.service] if self.service else sorted(model.get("services") or {})

    def holds(self, path: Path) -> bool:
        """Whether a feature file, or a directory of them, is in this kind's own folder (the plan's has none)."""
        folder = path.parent if path.suffix == ".feature" else path
        return bool(self.folder) and folder.name == self.folder


def node_maker(project: Project, settings: Settings, *, fixed: bool = False) -> Callable[[str, int], Node]:
    """Makes the Node of a service and the port Redis listens on inside it, with
    the run's bounds (`fixed`: the file publishes a fixed port for it)."""

    def make(service: str, port: int) -> Node:
        s = settings
        bounds = (s.start_timeout, s.restart_timeout, s.frozen_check)
        return Node(project, service, port, *bounds, fixed_address=fixed, ask_timeout=s.ask_timeout)

    return make


def _standalone(project: Project, model: dict[str, Any], settings: Settings) -> Topology:
    return Standalone(project, node_maker(project, settings)(SERVICE, REDIS_PORT))


def _sentinel(project: Project, model: dict[str, Any], settings: Settings) -> Topology:
    s = settings
    bounds = Bounds(s.ha_settle_timeout, s.ha_follow_timeout, s.ha_confirm_timeout, s.ha_write_timeout, s.frozen_check)
    return SentinelTopology.from_model(project, model, node_maker(project, settings, fixed=True), bounds)


STANDALONE = TopologyKind(
    name=SINGLE_NODE,
    compose_setting="compose_file",
    run_timeout_setting="run_timeout",
    poll_interval_setting="poll_interval",
    folder="",
    tag="",
    feature_tags=(),
    service=SERVICE,
    make=_standalone,
)
SENTINEL_KIND = TopologyKind(
    name=SENTINEL,
    compose_setting="ha_compose_file",
    run_timeout_setting="ha_run_timeout",
    poll_interval_setting="ha_poll_interval",
    folder="ha",
    tag="ha",
    # features/ha/consumers.feature, and every scenario with a network partition
    feature_tags=((), ("ha-consumers",), ("ha-partition",), ("ha-consumers", "ha-partition")),
    service=None,
    make=_sentinel,
)
# The single node again, through what storage and memory do to it (a full disk, a torn log):
# features/ops, run when asked (`--tags=@ops`), since its faults cost more than the default run's bound.
OPS_KIND = TopologyKind(
    name=OPERATIONS,
    compose_setting="compose_file",
    run_timeout_setting="run_timeout",
    poll_interval_setting="poll_interval",
    folder="ops",
    tag="ops",
    feature_tags=((),),
    service=SERVICE,
    make=_standalone,
)
KINDS = (STANDALONE, SENTINEL_KIND, OPS_KIND)  # the first is the default: the plan's topology


def of_feature_tags(tags: Iterable[Iterable[str]]) -> TopologyKind:
    """The kind a run's features are (the runner collects one kind's features only)."""
    seen = {tag for feature in tags for tag in feature}
    return next((kind for kind in KINDS if kind.tag and kind.tag in seen), KINDS[0])


def of_path(path: Path) -> TopologyKind:
    """The kind whose features a feature file, or a directory of them, holds."""
    return next((kind for kind in KINDS if kind.tag and kind.holds(path)), KINDS[0])


def named(name: str) -> TopologyKind:
    return next(kind for kind in KINDS if kind.name == name)
