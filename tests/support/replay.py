"""Recorded inspect states (tests/unit/recorded/*.json, made from real
containers by its record.py), replayed through a stand-in for the docker SDK
client, so the topology's waits run on real inspect data and a fake clock."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.infra.containers import ContainerState

RECORDED = Path(__file__).resolve().parents[1] / "unit" / "recorded"


def attrs(name: str, **changes: Any) -> dict[str, Any]:
    """The recorded inspect data `name`, with top-level or State fields changed."""
    data: dict[str, Any] = json.loads((RECORDED / f"{name}.json").read_text())
    for key, value in changes.items():
        (data if key in data else data["State"])[key] = value
    return data


def state(name: str, **changes: Any) -> ContainerState:
    return ContainerState.from_inspect(attrs(name, **changes))


@dataclass
class ReplayedContainer:
    """One container whose every look shows the next recorded state (the last one stays)."""

    states: list[dict[str, Any]]
    logs_text: bytes = b"redis-server: Fatal error, can't open config file\n"
    attrs: dict[str, Any] = field(default_factory=dict)
    id: str = "replayed"

    def look(self) -> ReplayedContainer:
        self.attrs = self._with_network(self.states.pop(0) if len(self.states) > 1 else self.states[0])
        return self

    @staticmethod
    def _with_network(attrs: dict[str, Any]) -> dict[str, Any]:
        """A copy, with the network settings the recordings leave out (nothing published)."""
        return {"NetworkSettings": {"Ports": {}, "Networks": {}}, **copy.deepcopy(attrs)}

    def logs(self, tail: int = 20) -> bytes:
        return self.logs_text


@dataclass
class ReplayedApi:
    """The engine's list, as `docker.APIClient.containers` gives it: each match's id."""

    container: ReplayedContainer | None

    def containers(self, all: bool = False, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:  # noqa: A002
        return [{"Id": self.container.id}] if self.container is not None else []


@dataclass
class ReplayedClient:
    """The part of `docker.DockerClient` that `Containers` and `Project` use."""

    container: ReplayedContainer | None
    system_time: str = "2026-12-01T17:00:00.000000000Z"

    @property
    def containers(self) -> ReplayedClient:
        return self

    @property
    def api(self) -> ReplayedApi:
        return ReplayedApi(self.container)

    def get(self, container_id: str) -> ReplayedContainer:
        """Each inspect shows the next state."""
        assert self.container is not None and container_id == self.container.id
        return self.container.look()

    def info(self) -> dict[str, str]:
        return {"SystemTime": self.system_time}

    def ping(self) -> bool:
        return True


def replaying(names: Iterable[str | dict[str, Any]]) -> ReplayedClient:
    """A client whose one container shows these states, in this order."""
    return ReplayedClient(ReplayedContainer([n if isinstance(n, dict) else attrs(n) for n in names]))
