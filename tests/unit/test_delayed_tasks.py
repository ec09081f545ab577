"""How stand_ins/delayed_tasks.py splits a delay: Celery is faked here;
`@fit:delayed-task-once` proves the whole against the real broker."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from stand_ins import delayed_tasks
from stand_ins.delayed_tasks import RELAY

NOW = 1000.0


@dataclass
class FakeApp:
    visibility_timeout: float | None = 10.0
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def conf(self) -> SimpleNamespace:
        options = {} if self.visibility_timeout is None else {"visibility_timeout": self.visibility_timeout}
        return SimpleNamespace(broker_transport_options=options)

    def send_task(self, name: str, **options: Any) -> str:
        self.sent.append((name, options))
        return options["task_id"] if "task_id" in options else "relayed"

    def AsyncResult(self, task_id: str) -> str:  # noqa: N802 - Celery's name
        return task_id


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delayed_tasks.time, "time", lambda: NOW)


def test_a_delay_within_half_the_timeout_is_sent_as_it_is():
    app = FakeApp()
    delayed_tasks.send_later(app, "opticserp.sync", ["a"], queue="sync", countdown=4.0)  # type: ignore[arg-type]
    [(name, options)] = app.sent
    assert (name, options["countdown"], options["queue"], options["args"]) == ("opticserp.sync", 4.0, "sync", ["a"])


def test_a_longer_delay_is_carried_by_a_relay_for_half_the_timeout_with_the_tasks_own_id():
    app = FakeApp()
    task_id = delayed_tasks.send_later(app, "opticserp.sync", ["a"], queue="sync", countdown=12.0)  # type: ignore[arg-type]
    [(name, options)] = app.sent
    assert (name, options["countdown"], options["queue"]) == (RELAY, 5.0, "sync")
    assert options["args"] == ["opticserp.sync", ["a"], "sync", NOW + 12.0, task_id]


def test_the_relay_sends_the_task_itself_for_what_is_left_once_it_is_within_a_hop():
    app = FakeApp()
    delayed_tasks._forward(app, "opticserp.sync", ["a"], "sync", NOW + 3.0, "id-1")  # type: ignore[arg-type]
    [(name, options)] = app.sent
    assert (name, options["countdown"], options["task_id"]) == ("opticserp.sync", 3.0, "id-1")


def test_a_relay_that_arrives_late_sends_the_task_at_once():
    app = FakeApp()
    delayed_tasks._forward(app, "opticserp.sync", [], "sync", NOW - 0.5, "id-1")  # type: ignore[arg-type]
    assert app.sent[0][1]["countdown"] == 0.0


def test_without_a_timeout_set_the_hop_is_half_of_kombus_hour():
    assert delayed_tasks.hop(FakeApp(visibility_timeout=None)) == 1800.0  # type: ignore[arg-type]


def test_without_hops_the_whole_delay_is_one_countdown(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(delayed_tasks, "WITHOUT", frozenset({"delay-hops"}))
    app = FakeApp()
    delayed_tasks.send_later(app, "opticserp.sync", [], queue="sync", countdown=12.0)  # type: ignore[arg-type]
    assert [(name, options["countdown"]) for name, options in app.sent] == [("opticserp.sync", 12.0)]
