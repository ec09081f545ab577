"""One place for the harness's settings and bounds. `[tool.behave.userdata]`
in pyproject.toml and `behave -D name=value` override any of them. The bounds
a criterion promises (*healthy within 5 seconds*) are written in the feature
files instead, where the product owner reads them."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from harness.core.errors import SettingInvalid


@dataclass(frozen=True)
class Settings:
    compose_file: Path = Path("docker-compose.yml")
    ha_compose_file: Path = Path("docker-compose.ha.yml")  # what the @ha features run against
    reports_dir: Path = Path("reports")
    # The run's compose project; empty: one of its own (`opterp20-accept-<random>`).
    # Tests name it, to find what the run made without reading its console.
    project_name: str = ""
    # Where this machine reaches the engine's published ports, when no rule
    # (the engine's host name; loopback for a local socket) finds it.
    published_host: str = ""

    # -- the run's own bounds, in seconds ------------------------------------
    # The whole run's bound (a watchdog), beyond the image pull's own: a run that
    # still hangs ends red, says what was running and removes what it made. The
    # suite takes about 35 s; the durability load about 2 minutes.
    run_timeout: float = 300.0
    pull_timeout: float = 300.0  # for the image, when the engine does not have it
    command_timeout: float = 120.0  # any one docker or docker compose command
    engine_return_timeout: float = 20.0  # the cleanup's wait for an engine that went away (a restart takes ~5 s)
    down_timeout: float = 30.0  # `down`: it stops a container within 5, then removes
    poll_interval: float = 0.02
    # How long a wait goes on past the bound it measures, so that what comes just
    # too late (a switch, a result, a handover) is measured and reported as late, not missed.
    slack: float = 3.0
    # -- getting Redis into a scenario's precondition --------------------------
    start_timeout: float = 5.0  # a fresh Redis answers PING well inside the 5 s the plan gives it to be healthy
    # A crashed Redis answering again: Docker's restart back-off grows when the
    # same short-lived container crashes again and again.
    restart_timeout: float = 10.0
    # Between asking the engine whether Redis is frozen (the Sentinel topology:
    # whether any data node could be master), in consumer waits.
    frozen_check: float = 0.5
    ask_timeout: float = 0.5  # one answer to a polling client: a frozen node must not stall a poll of six
    healthy_timeout: float = 5.0  # healthy again after the service was re-created with a password
    stays_stopped_for: float = 0.5  # watched after a stop: five times Docker's 100 ms first restart delay
    operator_command_timeout: float = 10.0  # each documented operator command (`up --wait` included)
    # -- the consumers ---------------------------------------------------------
    process_start_timeout: float = 15.0  # a consumer process starting and reporting (a Celery worker takes ~3 s)
    release_timeout: float = 5.0  # a sync worker releasing the lock when told to
    execution_timeout: float = 10.0  # queued tasks executed once a worker runs
    # A test setting (production keeps kombu's default of one hour): an
    # unacknowledged task is handed out again after this long.
    visibility_timeout: float = 1.0
    redelivery_bound: float = 1.5  # "soon after the visibility timeout": at most this much after it
    sections_each: int = 25  # critical sections per contending sync worker: enough for every pair to meet
    contention_expire: int = 60  # the contending workers' lock expiry: never reached while they contend
    contention_timeout: float = 15.0  # every contending worker finishing its sections (they take about 0.2 s)
    # -- load/durability.feature (not in the default run) -----------------------
    crashes: int = 10  # how often it crashes Redis
    # Recovery after repeated crashes is slowed by Docker's restart back-off,
    # which doubles from 100 ms while the container runs for less than 10 s.
    recovery_timeout: float = 120.0

    # -- the Sentinel topology (features/ha, `--tags=@ha`) -----------------------
    # The @ha run's bound instead of run_timeout: it takes about 2 minutes, a
    # broken topology (a catalogue mutant) up to 5, its failovers waiting out their bounds.
    ha_run_timeout: float = 600.0
    ha_poll_interval: float = 0.1  # between asking all six containers: cheap enough on two cores
    ha_settle_timeout: float = 20.0  # the topology ready again before a scenario (an old master resyncing)
    ha_listen_timeout: float = 5.0  # subscribing to every sentinel's events
    ha_follow_timeout: float = 15.0  # every replica linked to a new master after a switch
    ha_confirm_timeout: float = 1.0  # a replica confirming a scenario's write (`WAIT 1`)
    ha_write_timeout: float = 1.0  # a writer's one write and its WAIT (half a second at most)
    # A manual failover pauses writes on the master this long first (README, "High availability").
    ha_handover_pause: float = 3.0

    @classmethod
    def from_userdata(cls, userdata: Mapping[str, str]) -> Settings:
        """The settings `-D` gives; a wrong one is refused (SettingInvalid)."""
        settings, invalid = cls.parse(userdata)
        if invalid is not None:
            raise invalid
        return settings

    @classmethod
    def parse(cls, userdata: Mapping[str, str]) -> tuple[Settings, SettingInvalid | None]:
        """The settings `-D` gives, each converted to its default's type, and the
        first that is wrong: a name the suite does not have, or a value of the
        wrong type (a misspelt bound would otherwise be ignored without a word).
        The right ones still count, so a refusal reports where it was told to."""
        defaults, values, invalid = cls(), {}, None
        known = {f.name for f in fields(cls)}
        for name, raw in userdata.items():
            if "." in name:
                continue  # a formatter's own, as behave names them (behave.formatter.html-pretty.title_string)
            if name not in known:
                invalid = invalid or SettingInvalid(name, "is not a setting of the suite")
                continue
            kind = type(getattr(defaults, name))
            try:
                values[name] = kind(raw)
            except ValueError:
                invalid = invalid or SettingInvalid(f"{name}={raw}", f"is not a {_KINDS.get(kind, kind.__name__)}")
        return cls(**values), invalid

    def project(self) -> str:
        return self.project_name or new_project_name()


_KINDS = {float: "number of seconds", int: "whole number"}


def new_project_name() -> str:
    """A compose project of this run's own, so it never shares anything."""
    return f"opterp20-accept-{secrets.token_hex(4)}"
